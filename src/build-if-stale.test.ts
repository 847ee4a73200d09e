/** `npm start` builds only when a compiled source, a tsconfig or package.json changed after the last build, or the CLI's bundle or the web page is missing. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';

const script = new URL('../scripts/build-if-stale.mjs', import.meta.url).pathname;
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'meshbridge-stale-'));
  await mkdir(join(root, 'src', 'test-support'), { recursive: true });
  for (const file of [
    'src/a.ts',
    'src/a.test.ts',
    'src/test-support/helper.ts',
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
  ])
    await writeFile(join(root, file), '');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const check = () => execFileSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' }).trim();
/** What `npm run build` leaves: tsc's dist/, the CLI's bundle and the web page, then the stamp. */
async function build() {
  await mkdir(join(root, 'dist', 'bundle'), { recursive: true });
  await writeFile(join(root, 'dist', 'bundle', 'main.js'), '');
  await mkdir(join(root, 'dist', 'web'), { recursive: true });
  await writeFile(join(root, 'dist', 'web', 'manifest.json'), '{}');
  execFileSync(process.execPath, [script, '--stamp'], { cwd: root });
}
/** Sets a file's modification time `seconds` from now. */
const age = (file: string, seconds: number) => {
  const at = new Date(Date.now() + seconds * 1000);
  return utimes(join(root, file), at, at);
};

test('stale without a build; current after one; stale again when a source or a tsconfig changes', async () => {
  expect(check()).toBe('stale');
  await build();
  for (const file of [
    'src/a.ts',
    'src/a.test.ts',
    'src/test-support/helper.ts',
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
  ])
    await age(file, -60);
  expect(check()).toBe('current');

  // Tests and test support are not compiled into dist/: changing them needs no build.
  await age('src/a.test.ts', 60);
  await age('src/test-support/helper.ts', 60);
  expect(check()).toBe('current');

  await age('src/a.ts', 60);
  expect(check()).toBe('stale');
  await age('src/a.ts', -60);
  await age('tsconfig.build.json', 60);
  expect(check()).toBe('stale');
  await age('tsconfig.build.json', -60);
  // The bundle inlines package.json's version.
  await age('package.json', 60);
  expect(check()).toBe('stale');
});

test('a dist/ stamped but without the CLI bundle (built before there was one) is stale', async () => {
  await build();
  for (const file of [
    'src/a.ts',
    'src/a.test.ts',
    'src/test-support/helper.ts',
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
  ])
    await age(file, -60);
  expect(check()).toBe('current');
  await rm(join(root, 'dist', 'bundle'), { recursive: true });
  expect(check()).toBe('stale');
});

test('a dist/ stamped but without the web page is stale, and so is one whose page stylesheet changed', async () => {
  await mkdir(join(root, 'src', 'page'), { recursive: true });
  await writeFile(join(root, 'src', 'page', 'style.css'), '');
  await build();
  for (const file of [
    'src/a.ts',
    'src/a.test.ts',
    'src/test-support/helper.ts',
    'src/page/style.css',
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
  ])
    await age(file, -60);
  expect(check()).toBe('current');
  await age('src/page/style.css', 60);
  expect(check()).toBe('stale');
  await age('src/page/style.css', -60);
  await rm(join(root, 'dist', 'web'), { recursive: true });
  expect(check()).toBe('stale');
});

test('a source file added after the build makes dist stale', async () => {
  await build();
  await writeFile(join(root, 'src', 'new.ts'), '');
  await age('src/new.ts', 60);
  expect(check()).toBe('stale');
});
