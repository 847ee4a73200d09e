import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeDeployRecordsContract, refusedKey } from './deploy-records-contract.js';
import { openDatabase } from './open.js';
import { openSqliteDatabase } from './sqlite.js';
import { testKeyring } from '../../test-support/keys.js';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-deploy-records-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Triggers that abort any insert or update of the refused key, added through a second connection. */
function refuseKey(path: string): void {
  const raw = new SqliteDatabase(path);
  try {
    for (const event of ['insert', 'update']) {
      raw.exec(
        `create trigger refuse_${event} before ${event} on deploy_records
         when new.record_key = '${refusedKey}' begin select raise(abort, 'refused by the test'); end`,
      );
    }
  } finally {
    raw.close();
  }
}

describeDeployRecordsContract('SQLite file', async () => {
  const path = join(dir, `records-${files++}.db`);
  return { open: () => openSqliteDatabase(path, testKeyring), refuseKey: async () => refuseKey(path) };
});

describe('deployment records on SQLite', () => {
  test('share the data folder file with the store, and are kept across reopening', async () => {
    const dataDir = join(dir, 'data');
    const first = await openDatabase({ dataDir, keyring: testKeyring });
    await first.deployRecords.write([{ group: 'intents/a', key: 'group', body: { state: 'deployed' } }]);
    await first.close();

    const second = await openDatabase({ dataDir, keyring: testKeyring });
    expect(await second.deployRecords.get('intents/a', 'group')).toMatchObject({ body: { state: 'deployed' } });
    await second.close();
  });

  test('an in-memory database serves them too', async () => {
    const database = await openSqliteDatabase(':memory:');
    await database.deployRecords.write([{ group: 'g', key: 'k', body: [1] }]);
    expect(await database.deployRecords.listAll('')).toMatchObject([{ group: 'g', key: 'k', body: [1] }]);
    await database.close();
  });
});
