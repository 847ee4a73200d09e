import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import type { DeployRecordWrite } from '../../service/deploy/deploy-records.js';
import type { FreshDatabase } from '../../test-support/postgres.js';
import { describePostgres, freshPostgresDatabase } from '../../test-support/postgres.js';
import { describeDeployRecordsContract, refusedKey } from './deploy-records-contract.js';
import { openPostgresDatabase } from './postgres.js';
import { testKeyring } from '../../test-support/keys.js';

const databases: FreshDatabase[] = [];

async function fresh(): Promise<FreshDatabase> {
  const database = await freshPostgresDatabase();
  databases.push(database);
  return database;
}

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

/** A trigger that raises on any insert or update of the refused key. */
async function refuseKey(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      create function refuse_key() returns trigger language plpgsql as $$
      begin
        if new.record_key = '${refusedKey}' then raise exception 'refused by the test'; end if;
        return new;
      end $$`);
    await client.query(`create trigger refuse_key before insert or update on deploy_records
      for each row execute function refuse_key()`);
  } finally {
    await client.end();
  }
}

describePostgres('PostgreSQL deployment records', () => {
  describeDeployRecordsContract('PostgreSQL', async () => {
    const { url } = await fresh();
    return { open: () => openPostgresDatabase(url, testKeyring), refuseKey: () => refuseKey(url) };
  });

  test('writes from several pools (replicas) to the same records, in any order, all succeed', async () => {
    const { url } = await fresh();
    const replicas = await Promise.all([
      openPostgresDatabase(url, testKeyring),
      openPostgresDatabase(url, testKeyring),
      openPostgresDatabase(url, testKeyring),
    ]);
    try {
      const keys = Array.from({ length: 12 }, (_, index) => `cluster/c${String(index).padStart(2, '0')}`);
      const writes = Array.from({ length: 30 }, (_, writer) => {
        const order = writer % 2 === 0 ? keys : [...keys].reverse();
        const entries: DeployRecordWrite[] = order.map((key) => ({ group: 'intents/a', key, body: writer }));
        // Every third writer also deletes half of them again, and removes a group others write to.
        if (writer % 3 === 0)
          entries.push(...keys.slice(6).map((key) => ({ group: 'intents/a', key, body: undefined })));
        const replica = replicas[writer % replicas.length]!;
        return writer % 5 === 4 ? replica.deployRecords.removeGroup('intents/a') : replica.deployRecords.write(entries);
      });
      await Promise.all(writes);
      const left = await replicas[0]!.deployRecords.list('intents/a', '');
      expect(new Set(left.map((record) => JSON.stringify(record.body))).size).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  test('a server that defaults to SERIALIZABLE still takes concurrent writes to one record', async () => {
    const { url } = await fresh();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const name = new URL(url).pathname.slice(1);
    await client.query(`alter database "${name}" set default_transaction_isolation = 'serializable'`);
    await client.end();
    const database = await openPostgresDatabase(url, testKeyring);
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, writer) =>
          database.deployRecords.write([{ group: 'intents/a', key: 'group', body: writer }]),
        ),
      );
      expect(await database.deployRecords.list('intents/a', '')).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
