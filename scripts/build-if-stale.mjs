#!/usr/bin/env node
/**
 * `npm start` builds only when it has to: `tsc -p tsconfig.build.json` runs unless dist/
 * was built (dist/.build-stamp, written after a successful build) after the last change
 * to any compiled source (src/**\/*.ts but tests and test support) or to a tsconfig.
 * `--check` prints `stale` or `current` and builds nothing; `--stamp` records a build
 * just made (`npm run build` does, so `npm start` after it does not build again).
 * A deleted source file does not make dist stale: its old .js stays, imported by nothing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stampFile = join(root, 'dist', '.build-stamp');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test-support') yield* sources(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
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
  if (built === undefined) return true;
  const inputs = [...sources(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
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
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(stampFile, `${new Date().toISOString()}\n`);
}
