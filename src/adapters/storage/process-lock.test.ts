import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DataFolderInUseError, lockDataFolder } from './process-lock.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a second lock on the same data folder is refused, naming the holder; released, it is granted again', async () => {
  const first = await lockDataFolder(dir);
  const refused = lockDataFolder(dir);
  await expect(refused).rejects.toBeInstanceOf(DataFolderInUseError);
  await expect(refused).rejects.toThrow(
    new RegExp(`another meshbridge serve is using the data folder .*pid ${process.pid}`),
  );
  // Another folder is another matter.
  const elsewhere = await lockDataFolder(join(dir, 'other'));
  elsewhere.release();
  first.release();
  first.release();
  const second = await lockDataFolder(dir);
  second.release();
});

test('a lock held by another process is refused, and freed when that process is SIGKILLed', async () => {
  const script = `
    const { lockDataFolder } = await import(${JSON.stringify(new URL('./process-lock.ts', import.meta.url).href)});
    await lockDataFolder(${JSON.stringify(dir)});
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`the locking process exited early (${code})`)));
    });
    await expect(lockDataFolder(dir)).rejects.toThrow(new RegExp(`pid ${child.pid}`));
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve),
    );
  }
  const after = await lockDataFolder(dir);
  after.release();
}, 60_000);
