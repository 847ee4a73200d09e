#!/usr/bin/env node
/**
 * `npm start` builds only when it has to: `tsc -p tsconfig.build.json`, the CLI's bundle
 * (scripts/bundle.mjs, dist/bundle/, what bin/meshbridge.js runs) and the web page
 * (scripts/bundle-web.mjs, dist/web/) are made unless dist/ was built (dist/.build-stamp,
 * written after a successful build) after the last change to any compiled source
 * (src/**\/*.ts but tests and test support, and the page's .html and .css), to a tsconfig
 * or to package.json (the bundle holds its version), and both bundles are there (a dist/
 * built before there was a bundle has a stamp but no bundle).
 * `--check` prints `stale` or `current` and builds nothing; `--stamp` records a build
 * just made (`npm run build` does, so `npm start` after it does not build again).
 * A deleted source file does not make dist stale: its old .js stays, imported by nothing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stampFile = join(root, 'dist', '.build-stamp');
const bundleEntry = join(root, 'dist', 'bundle', 'main.js');
const webManifest = join(root, 'dist', 'web', 'manifest.json');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test-support') yield* sources(path);
    } else if (/\.(ts|css|html)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) yield path;
  }
}

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

export function isStale() {
  const built = mtime(stampFile);
  if (built === undefined || mtime(bundleEntry) === undefined || mtime(webManifest) === undefined) return true;
  const inputs = [
    ...sources(join(root, 'src')),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.build.json'),
    join(root, 'tsconfig.web.json'),
    join(root, 'package.json'),
  ];
  return inputs.some((path) => (mtime(path) ?? 0) > built);
}

const stale = isStale();
if (process.argv.includes('--stamp')) {
  writeFileSync(stampFile, `${new Date().toISOString()}\n`);
} else if (process.argv.includes('--check')) {
  process.stdout.write(`${stale ? 'stale' : 'current'}\n`);
} else if (!stale) {
  process.stderr.write('dist/ is current: not rebuilding\n');
} else {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const steps = [
    [tsc, '-p', 'tsconfig.build.json'],
    [join(root, 'scripts', 'bundle.mjs')],
    [join(root, 'scripts', 'bundle-web.mjs')],
  ];
  for (const args of steps) {
    const build = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  writeFileSync(stampFile, `${new Date().toISOString()}\n`);
}
