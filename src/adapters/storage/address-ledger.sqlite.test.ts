import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeAddressLedgerContract } from './address-ledger-contract.js';
import { openDatabase } from './open.js';
import { openSqliteDatabase } from './sqlite.js';
import { testKeyring } from '../../test-support/keys.js';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-ledger-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeAddressLedgerContract('SQLite file', async () => {
  const path = join(dir, `ledger-${files++}.db`);
  return () => openSqliteDatabase(path, testKeyring);
});

test('a sync that changes nothing takes no write lock: it answers while another connection holds it', async () => {
  const path = join(dir, `ledger-${files++}.db`);
  const database = await openSqliteDatabase(path, testKeyring);
  const other = new SqliteDatabase(path);
  try {
    const claims = [{ cluster: 'c', host: 'h', owner: 'o' }];
    const addresses = await database.ledger.sync(claims);
    other.pragma('busy_timeout = 0');
    other.exec('begin immediate');
    // A sync that began a write transaction would fail with SQLITE_BUSY after the busy timeout.
    expect(await database.ledger.sync(claims)).toEqual(addresses);
    other.exec('rollback');
  } finally {
    other.close();
    await database.close();
  }
});

describe('openDatabase on SQLite', () => {
  test('serves the store and the ledger from one file, closed once', async () => {
    const dataDir = join(dir, 'data');
    const first = await openDatabase({ dataDir, keyring: testKeyring });
    await first.store.transaction((tx) =>
      tx.insert({ key: 'projects/demo', parentKey: null, kind: 'project', name: 'demo', body: {} }),
    );
    await first.ledger.sync([{ cluster: 'c', host: 'h', owner: 'o' }]);
    await first.close();
    await first.close();
    await first.store.close();
    expect(await first.store.ping()).toBe(false);

    const second = await openDatabase({ dataDir, keyring: testKeyring });
    expect(await second.store.get('projects/demo')).toMatchObject({ version: 1 });
    expect(await second.ledger.list()).toEqual([{ cluster: 'c', host: 'h', owner: 'o', address: '240.0.0.1' }]);
    await second.store.close();
    await second.close();
  });

  test('refuses a database setting it does not understand', async () => {
    await expect(
      openDatabase({ database: 'mysql://user:pw@host/db', dataDir: dir, keyring: testKeyring }),
    ).rejects.toThrow(/mysql:/);
  });
});
