/**
 * The CLI starts without the server side: what main.ts imports statically (following
 * relative imports, not `import type`, not dynamic `import()`) holds no server package
 * and not the composition root; the esbuild bundle bin/meshbridge.js runs (scripts/bundle.mjs)
 * keeps it so. Offline rendering (`render -f`, offline.ts) loads the services and the core
 * but no server, database or transport package either. bench/startup.ts measures what this buys.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);

const SERVER_SIDE = [
  'fastify',
  'kysely',
  'pg',
  'better-sqlite3',
  'simple-git',
  '@kubernetes/client-node',
  'jose',
  'ajv',
];

/** What offline rendering must not load: the services run on an in-memory store, behind no server. */
const NOT_OFFLINE = SERVER_SIDE.filter((name) => name !== 'ajv'); // the core validates documents with Ajv

function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gms)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:'))
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return { files, packages };
}

test('main.ts loads commander, yaml (reading) and js-yaml (writing), not the server, until a command needs it', () => {
  const src = dirname(new URL(import.meta.url).pathname);
  const { files, packages } = staticGraph(join(src, 'main.ts'));
  expect(files.has(join(src, 'adapters', 'cli', 'program.ts'))).toBe(true);
  expect(files.has(join(src, 'compose.ts'))).toBe(false);
  expect(files.has(join(src, 'offline.ts'))).toBe(false);
  expect([...packages].filter((name) => SERVER_SIDE.includes(name))).toEqual([]);
  expect([...packages].sort()).toEqual(['commander', 'js-yaml', 'yaml']);
  // Node's fetch loads undici on first use (about 0.1 s): the CLI's client is on node:http.
  const fetching = [...files].filter((file) => /(?<![.\w])fetch\(/.test(readFileSync(file, 'utf8')));
  expect(fetching).toEqual([]);
});

test('render -f (offline.ts) loads neither Fastify nor kysely nor a database driver, nor the composition root', () => {
  const src = dirname(new URL(import.meta.url).pathname);
  const { files, packages } = staticGraph(join(src, 'offline.ts'));
  expect(files.has(join(src, 'service', 'render-service.ts'))).toBe(true); // the walker sees the services
  expect(packages.has('ajv')).toBe(true); // and packages where they are
  expect([...packages].filter((name) => NOT_OFFLINE.includes(name) || name.startsWith('@fastify/'))).toEqual([]);
  for (const file of ['compose.ts', join('adapters', 'http', 'server.ts'), join('adapters', 'storage', 'open.ts')])
    expect(files.has(join(src, file)), file).toBe(false);
});

test('the server loads the Kubernetes client at its first deploy, not at start (render -f never does)', () => {
  const src = dirname(new URL(import.meta.url).pathname);
  const { packages } = staticGraph(join(src, 'compose.ts'));
  expect(packages.has('fastify')).toBe(true); // the walker sees packages where they are
  expect(packages.has('@kubernetes/client-node')).toBe(false);
  expect(packages.has('simple-git')).toBe(false); // the GitOps target, too, loads at its first session
});

test('the bundle bin/meshbridge.js runs keeps the server side in chunks loaded only by import()', async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outdir = await mkdtemp(join(tmpdir(), 'meshbridge-bundle-'));
  try {
    await run(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--outdir', outdir], { cwd: root });
    // esbuild writes static imports of chunks as `import ... from "./chunk-X.js"`; import("./compose-X.js") is lazy.
    const loaded = new Set<string>();
    const externals = new Set<string>();
    const visit = (name: string) => {
      if (loaded.has(name)) return;
      loaded.add(name);
      const text = readFileSync(join(outdir, name), 'utf8');
      for (const match of text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)"/gms)) {
        const specifier = match[1] as string;
        if (specifier.startsWith('./')) visit(specifier.slice(2));
        else if (!specifier.startsWith('node:')) externals.add(specifier);
      }
    };
    visit('main.js');
    const chunks = readdirSync(outdir).filter((file) => file.endsWith('.js'));
    expect(chunks.some((file) => file.startsWith('compose-'))).toBe(true); // the walker has something to miss
    expect([...loaded].filter((file) => file.startsWith('compose-'))).toEqual([]);
    expect([...externals]).toEqual([]);
    const text = [...loaded].map((file) => readFileSync(join(outdir, file), 'utf8')).join('\n');
    for (const name of SERVER_SIDE) expect(text).not.toContain(`node_modules/${name}/`);
    // render -f: main.js imports offline-X.js; what that loads holds no server, database or transport package.
    const offline = chunks.find((file) => file.startsWith('offline-'));
    expect(offline).toBeDefined();
    visit(offline as string);
    expect([...loaded].filter((file) => file.startsWith('compose-'))).toEqual([]);
    expect([...externals]).toEqual([]);
    const offlineText = [...loaded].map((file) => readFileSync(join(outdir, file), 'utf8')).join('\n');
    expect(offlineText).toContain('node_modules/ajv/');
    for (const name of [...NOT_OFFLINE, '@fastify/']) expect(offlineText).not.toContain(`node_modules/${name}`);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}, 60_000);
