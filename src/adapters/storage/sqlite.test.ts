import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from './open.js';
import { openSqliteStore } from './sqlite.js';
import { describeStoreContract } from './store-contract.js';
import { testKeyring } from '../../test-support/keys.js';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-sqlite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeStoreContract('SQLite file', () => openSqliteStore(join(dir, `store-${files++}.db`), testKeyring));
describeStoreContract('SQLite in memory', () => openSqliteStore(':memory:', testKeyring));

describe('openSqliteStore', () => {
  test('creates missing folders and keeps data across reopening', async () => {
    const path = join(dir, 'nested', 'deeper', 'data.db');
    const first = await openSqliteStore(path, testKeyring);
    await first.transaction((tx) =>
      tx.insert({ key: 'projects/demo', parentKey: null, kind: 'project', name: 'demo', body: {} }),
    );
    await first.close();

    const second = await openSqliteStore(path, testKeyring);
    expect(await second.get('projects/demo')).toMatchObject({ version: 1 });
    await second.close();
  });

  test('leaves the file in WAL mode with foreign keys enforced', async () => {
    const path = join(dir, 'pragmas.db');
    await (await openSqliteStore(path, testKeyring)).close();
    const raw = new SqliteDatabase(path);
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('foreign_key_list(resources)')).toEqual([
        expect.objectContaining({ table: 'resources', on_delete: 'RESTRICT' }),
      ]);
    } finally {
      raw.close();
    }
  });
});

describe('openStore', () => {
  test('uses <dataDir>/meshbridge.db without a database URL', async () => {
    const dataDir = join(dir, 'data');
    const store = await openStore({ dataDir, keyring: testKeyring });
    await store.close();
    expect((await stat(join(dataDir, 'meshbridge.db'))).isFile()).toBe(true);
  });

  test('refuses a database setting it does not understand', async () => {
    await expect(
      openStore({ database: 'mysql://user:pw@host/db', dataDir: dir, keyring: testKeyring }),
    ).rejects.toThrow(/mysql:/);
    await expect(
      openStore({ database: 'mysql://user:pw@host/db', dataDir: dir, keyring: testKeyring }),
    ).rejects.not.toThrow(/pw/);
  });
});

describe('the data folder is private', () => {
  test('folder 0700, database and WAL files 0600, even where they were world-readable before', async () => {
    const folder = join(dir, 'private');
    const path = join(folder, 'meshbridge.db');
    const first = await openSqliteStore(path, testKeyring);
    await first.transaction((tx) =>
      tx.insert({ key: 'projects/p', parentKey: null, kind: 'project', name: 'p', body: { metadata: { name: 'p' } } }),
    );
    await first.close();
    await chmod(folder, 0o755);
    await chmod(path, 0o644);
    const store = await openSqliteStore(path, testKeyring);
    await store.transaction((tx) =>
      tx.insert({ key: 'projects/q', parentKey: null, kind: 'project', name: 'q', body: { metadata: { name: 'q' } } }),
    );
    const mode = async (file: string) => (await stat(file)).mode & 0o777;
    expect(await mode(folder)).toBe(0o700);
    expect(await mode(path)).toBe(0o600);
    expect(await mode(`${path}-wal`)).toBe(0o600);
    await store.close();
  });
});
