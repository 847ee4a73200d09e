/**
 * Serves the web page built by scripts/bundle-web.mjs: `/` is its index.html and
 * `/web/<file>` its script, stylesheet and licence notices. Only the files the build's
 * manifest lists are served (the request picks a name from that list, never a path), read
 * once from `dist/web/` of the meshbridge package itself — found from this module's own
 * location, whatever the working directory or however the code runs (tsc's dist/, the
 * esbuild bundle, tsx on the source).
 *
 * The page is public (it holds no data; the API calls it makes carry the token), under a
 * strict Content-Security-Policy: scripts and styles from this origin only, no inline
 * script or style, no framing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError } from '../../core/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served to anyone, without authentication (the web page's static files). */
    publicPage?: boolean;
  }
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** The meshbridge package's root: the nearest folder above this module whose package.json names meshbridge. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let folder = dirname(from); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'meshbridge')
      return folder;
    if (dirname(folder) === folder) throw new Error(`no meshbridge package.json above ${from}`);
  }
}

export interface WebFile {
  body: Buffer;
  type: string;
  /** index.html changes with each build; every other file's name holds its content's hash. */
  cacheControl: string;
}

/** The built files by name, or the reason there are none (the page was not built). */
export function loadWebFiles(dir: string): Map<string, WebFile> | string {
  const manifestPath = join(dir, 'manifest.json');
  // Anyone may ask for the page, so the answer does not say where the server's files are.
  if (!existsSync(manifestPath)) return 'the web page is not built: run npm run build';
  const { files } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: string[] };
  const loaded = new Map<string, WebFile>();
  for (const name of files) {
    const type = TYPES[extname(name)];
    if (type === undefined || name.includes('/') || name.includes('\\')) continue;
    const cacheControl = name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
    loaded.set(name, { body: readFileSync(join(dir, name)), type, cacheControl });
  }
  return loaded;
}

function send(reply: FastifyReply, file: WebFile) {
  return reply
    .header('content-type', file.type)
    .header('cache-control', file.cacheControl)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .send(file.body);
}

/** `dir`: where the built page is (tests); by default `dist/web/` of this package. */
export function registerWebPage(app: FastifyInstance, dir: string = join(packageRoot(), 'dist', 'web')): void {
  let files: Map<string, WebFile> | string | undefined;
  const file = (name: string): WebFile => {
    if (files === undefined || typeof files === 'string') files = loadWebFiles(dir);
    // Not built yet: say so, and look again next time.
    if (typeof files === 'string') throw new NotFoundError(files);
    const found = files.get(name);
    if (found === undefined) throw new NotFoundError(`no such file of the web page: ${name}`);
    return found;
  };
  const options = { schema: { hide: true }, config: { publicPage: true } };
  app.get('/', options, async (_request, reply) => send(reply, file('index.html')));
  app.get('/web/:file', options, async (request, reply) =>
    send(reply, file((request.params as { file: string }).file)),
  );
}
