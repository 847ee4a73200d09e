import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { addressKey } from '../../service/address-ledger.js';
import type { FreshDatabase } from '../../test-support/postgres.js';
import { describePostgres, freshPostgresDatabase } from '../../test-support/postgres.js';
import { describeAddressLedgerContract } from './address-ledger-contract.js';
import { openDatabase } from './open.js';
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

describePostgres('PostgreSQL address ledger', () => {
  describeAddressLedgerContract('PostgreSQL', async () => {
    const { url } = await fresh();
    return () => openPostgresDatabase(url, testKeyring);
  });

  test('syncs from several pools (replicas) at once take turns', async () => {
    const { url } = await fresh();
    const replicas = await Promise.all([
      openDatabase({ database: url, dataDir: '/nonexistent', keyring: testKeyring }),
      openPostgresDatabase(url, testKeyring),
    ]);
    try {
      const cluster = 'cluster-providers/edge/clusters/cluster01';
      const claimSets = Array.from({ length: 8 }, (_, index) =>
        Array.from({ length: 20 + index }, (_, host) => ({ cluster, host: `h${(host * 7 + index) % 40}`, owner: 'o' })),
      );
      const results = await Promise.all(
        claimSets.map((claims, index) => replicas[index % replicas.length]!.ledger.sync(claims)),
      );
      for (const result of results) expect(new Set(result.values()).size).toBe(result.size);
      const held = await replicas[0]!.ledger.list();
      expect(new Set(held.map((row) => row.address)).size).toBe(held.length);
      const final = new Map(held.map((row) => [addressKey(row.cluster, row.host), row.address]));
      expect(results.some((result) => JSON.stringify([...result]) === JSON.stringify([...final]))).toBe(true);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  test('a sync that changes nothing neither locks nor writes: it answers while another transaction shares the table', async () => {
    const { url } = await fresh();
    const database = await openPostgresDatabase(url, testKeyring);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      const claims = [{ cluster: 'c', host: 'h', owner: 'o' }];
      const addresses = await database.ledger.sync(claims);
      // SHARE conflicts with the EXCLUSIVE lock a writing sync takes and with any insert or delete.
      await other.query('begin');
      await other.query('lock table virtual_ips in share mode');
      expect(await database.ledger.sync(claims)).toEqual(addresses);
      await other.query('rollback');
    } finally {
      await other.end();
      await database.close();
    }
  });
});
