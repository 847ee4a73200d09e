import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../open.js';
import { generateMasterKeyText, keyId } from './keyring.js';
import { dataFolderKeyring, masterKeyFileName, masterKeyring } from './key-source.js';

let dir: string;
let folders = 0;
const folder = () => join(dir, `data-${folders++}`);
const mode = async (path: string) => (await stat(path)).mode & 0o777;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('masterKeyring', () => {
  test('configured keys win, for SQLite and PostgreSQL alike, and nothing is written', async () => {
    const key = generateMasterKeyText();
    const dataDir = folder();
    for (const database of [undefined, 'postgres://db.example/meshbridge']) {
      const chosen = await masterKeyring({
        dataDir,
        ...(database ? { database } : {}),
        masterKey: { from: 'MESHBRIDGE_MASTER_KEY', text: key },
      });
      expect(chosen).toEqual({
        keyring: expect.objectContaining({
          active: expect.objectContaining({ id: keyId(Buffer.from(key, 'base64')) }),
        }),
      });
    }
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
  });

  test('PostgreSQL without a configured key refuses, saying what to set', async () => {
    await expect(masterKeyring({ dataDir: folder(), database: 'postgresql://db/meshbridge' })).rejects.toThrow(
      /PostgreSQL needs a master key.*MESHBRIDGE_MASTER_KEY or MESHBRIDGE_MASTER_KEY_FILE.*meshbridge keys generate/,
    );
  });

  test('an in-memory database gets a fresh key each time, and no file', async () => {
    const dataDir = folder();
    const first = await masterKeyring({ dataDir, inMemory: true });
    const second = await masterKeyring({ dataDir, inMemory: true });
    expect(first.keyring.active.id).not.toBe(second.keyring.active.id);
    expect(first.notice).toBeUndefined();
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
  });

  test('SQLite without a configured key: <data>/master.key is generated once (0600 in a 0700 folder), then reused', async () => {
    const dataDir = folder();
    const first = await masterKeyring({ dataDir });
    const path = join(dataDir, masterKeyFileName);
    expect(first.notice).toMatch(new RegExp(`generated master key ${first.keyring.active.id} in ${path}`));
    expect(await mode(path)).toBe(0o600);
    expect(await mode(dataDir)).toBe(0o700);
    const second = await masterKeyring({ dataDir });
    expect(second.keyring.active.id).toBe(first.keyring.active.id);
    expect(second.notice).toBeUndefined();
    // The notice names the key by id and path, never its value.
    const text = await readFile(path, 'utf8');
    const value = text.split('\n').find((line) => line !== '' && !line.startsWith('#')) as string;
    expect(first.notice).not.toContain(value);
  });

  test('servers starting at once on an empty folder all end with the same key', async () => {
    const dataDir = folder();
    const chosen = await Promise.all(Array.from({ length: 8 }, () => dataFolderKeyring(dataDir)));
    expect(new Set(chosen.map((choice) => choice.keyring.active.id)).size).toBe(1);
    expect(chosen.filter((choice) => choice.notice !== undefined)).toHaveLength(1);
  });

  test('rotation finds the data folder key but never makes one', async () => {
    const dataDir = folder();
    await expect(masterKeyring({ dataDir, createMissing: false })).rejects.toThrow(
      /master.key does not exist: give the master keys with MESHBRIDGE_MASTER_KEY/,
    );
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
    const made = await masterKeyring({ dataDir });
    expect((await masterKeyring({ dataDir, createMissing: false })).keyring.active.id).toBe(made.keyring.active.id);
  });

  test('a key file that others could read is tightened to 0600', async () => {
    const dataDir = folder();
    await masterKeyring({ dataDir });
    await chmod(join(dataDir, masterKeyFileName), 0o644);
    await masterKeyring({ dataDir });
    expect(await mode(join(dataDir, masterKeyFileName))).toBe(0o600);
  });

  test('an operator may rotate in the data folder: the new key first, the old one after, one a line', async () => {
    const dataDir = folder();
    const old = await masterKeyring({ dataDir });
    const database = await openDatabase({ dataDir, keyring: old.keyring });
    await database.store.transaction((tx) =>
      tx.insert({ key: 'c', parentKey: null, kind: 'cluster', name: 'c', body: { spec: { kubeconfig: 'kc' } } }),
    );
    await database.close();
    const path = join(dataDir, masterKeyFileName);
    const fresh = generateMasterKeyText();
    await writeFile(path, `${fresh}\n${await readFile(path, 'utf8')}`);
    const rotating = await openDatabase({ dataDir, ...(await masterKeyring({ dataDir })) });
    expect((await rotating.resealAll()).activeKey).toBe(keyId(Buffer.from(fresh, 'base64')));
    await rotating.close();
    await writeFile(path, `${fresh}\n`);
    const after = await openDatabase({ dataDir, ...(await masterKeyring({ dataDir })) });
    expect((await after.store.get('c'))?.body).toEqual({ spec: { kubeconfig: 'kc' } });
    await after.close();
  });

  test('a data folder whose key was lost refuses to open its database, naming the key it needs', async () => {
    const dataDir = folder();
    const { keyring } = await masterKeyring({ dataDir });
    await (await openDatabase({ dataDir, keyring })).close();
    await rm(join(dataDir, masterKeyFileName));
    const regenerated = await masterKeyring({ dataDir });
    await expect(openDatabase({ dataDir, keyring: regenerated.keyring })).rejects.toThrow(
      new RegExp(`cannot open this database's secrets: .*master key ${keyring.active.id}, which is not configured`),
    );
  });
});
