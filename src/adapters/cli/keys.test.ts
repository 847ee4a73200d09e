/** `meshbridge keys` and the master keys `serve` is given: from flags, files and the environment. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RotateReport, RotateRequest } from './keys.js';
import { runCli, type ServeRequest } from './program.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-cli-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

async function run(
  args: string[],
  env: Record<string, string> = {},
  rotate?: (request: RotateRequest) => RotateReport,
) {
  const served: ServeRequest[] = [];
  const rotated: RotateRequest[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'meshbridge', ...args], {
    output: { out: (text) => out.push(text), err: (text) => err.push(text) },
    env,
    version: '0.0.0-test',
    serve: async (request) => void served.push(request),
    withOfflineApi: () => Promise.reject(new Error('not used')),
    ...(rotate
      ? {
          rotateKeys: async (request: RotateRequest) => {
            rotated.push(request);
            return rotate(request);
          },
        }
      : {}),
  });
  return { code, served: served[0], rotated: rotated[0], out: out.join('\n'), err: err.join('\n') };
}

describe('serve: master keys', () => {
  test('none configured: the request carries none (the data folder key, or a refusal on PostgreSQL, decides)', async () => {
    expect((await run(['serve'])).served?.masterKey).toBeUndefined();
  });

  test('MESHBRIDGE_MASTER_KEY is passed as text, named by its variable', async () => {
    const { served } = await run(['serve'], { MESHBRIDGE_MASTER_KEY: `${KEY_A},${KEY_B}` });
    expect(served?.masterKey).toEqual({ from: 'MESHBRIDGE_MASTER_KEY', text: `${KEY_A},${KEY_B}` });
  });

  test('a key file (flag, else MESHBRIDGE_MASTER_KEY_FILE) wins over the variable, named by its path', async () => {
    const flagFile = join(dir, 'flag.keys');
    const envFile = join(dir, 'env.keys');
    await writeFile(flagFile, `${KEY_A}\n`);
    await writeFile(envFile, `${KEY_B}\n`);
    const env = { MESHBRIDGE_MASTER_KEY_FILE: envFile, MESHBRIDGE_MASTER_KEY: KEY_B };
    expect((await run(['serve', '--master-key-file', flagFile], env)).served?.masterKey).toEqual({
      from: flagFile,
      text: `${KEY_A}\n`,
    });
    expect((await run(['serve'], env)).served?.masterKey).toEqual({ from: envFile, text: `${KEY_B}\n` });
  });

  test('a key file that cannot be read stops serve', async () => {
    const { code, served, err } = await run(['serve', '--master-key-file', join(dir, 'missing.keys')]);
    expect(code).toBe(1);
    expect(served).toBeUndefined();
    expect(err).toMatch(/ENOENT/);
  });
});

describe('keys generate', () => {
  test('prints a fresh base64 key of 32 bytes', async () => {
    const first = await run(['keys', 'generate']);
    const second = await run(['keys', 'generate']);
    expect(first.code).toBe(0);
    expect(Buffer.from(first.out, 'base64')).toHaveLength(32);
    expect(first.out).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.out).not.toBe(second.out);
  });
});

describe('keys rotate', () => {
  const report: RotateReport = { activeKey: '1a2b3c4d', resources: 3, files: 1, records: 7 };

  test('rotates the data folder or DATABASE_URL with the configured keys, and says what it did', async () => {
    const { code, rotated, out } = await run(
      ['keys', 'rotate', '--data', '/srv/meshbridge'],
      { MESHBRIDGE_MASTER_KEY: `${KEY_B},${KEY_A}` },
      () => report,
    );
    expect(code).toBe(0);
    expect(rotated).toEqual({
      dataDir: '/srv/meshbridge',
      masterKey: { from: 'MESHBRIDGE_MASTER_KEY', text: `${KEY_B},${KEY_A}` },
    });
    expect(out).toContain('every secret is now sealed under master key 1a2b3c4d');
    expect(out).toContain('3 resources, 1 files, 7 deployment records');
    const pg = await run(['keys', 'rotate'], { DATABASE_URL: 'postgres://db/x', MESHBRIDGE_DATA: '/d' }, () => report);
    expect(pg.rotated).toEqual({ dataDir: '/d', database: 'postgres://db/x' });
  });

  test('a failed rotation exits 1 with its message', async () => {
    const { code, err } = await run(['keys', 'rotate'], {}, () => {
      throw new Error('the configured master keys cannot open this database');
    });
    expect(code).toBe(1);
    expect(err).toContain('cannot open this database');
  });
});
