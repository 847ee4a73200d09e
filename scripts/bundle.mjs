#!/usr/bin/env node
/**
 * Bundles the CLI (src/main.ts) into dist/bundle/ for bin/meshbridge.js: Node resolves and
 * loads a few files instead of hundreds of dist/ modules and thousands of node_modules
 * files (kysely, fastify, ajv...), which was most of `render -f`'s start-up time
 * (bench/startup.ts). Code splitting keeps every dynamic `import()` a chunk of its own,
 * so `--help`, `get` and `apply` still load no server code. tsc's dist/ stays for tests
 * and type checking; `npm run build` makes both.
 *
 * Left external (loaded from node_modules as before): native addons and packages that
 * find their own files at run time or load only for one target (the PostgreSQL driver,
 * the Kubernetes client, git, the Swagger plugins' own files, pino's worker transports).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = process.cwd();
// `--outdir DIR` (tests): bundle elsewhere than the dist/bundle/ that bin/meshbridge.js runs.
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ? resolve(values.outdir) : join(root, 'dist', 'bundle');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const EXTERNAL = [
  'better-sqlite3',
  'pg',
  '@kubernetes/client-node',
  'simple-git',
  // Both read their own package.json or static files through __dirname, which a bundle has not.
  '@fastify/swagger',
  '@fastify/swagger-ui',
  'pino',
];

/** version.ts reads ../package.json beside dist/; the bundle lives one folder deeper, so it gets the version inline. */
const inlineVersion = {
  name: 'inline-version',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({
      contents: `export const VERSION = ${JSON.stringify(version)};\n`,
      loader: 'ts',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: EXTERNAL,
  plugins: [inlineVersion],
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __meshbridgeRequire } from 'node:module';\nconst require = __meshbridgeRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
