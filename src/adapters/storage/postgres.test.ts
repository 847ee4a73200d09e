import { afterAll, expect, test } from 'vitest';
import type { FreshDatabase } from '../../test-support/postgres.js';
import { describePostgres, freshPostgresDatabase } from '../../test-support/postgres.js';
import { openStore } from './open.js';
import { openPostgresStore } from './postgres.js';
import { describeStoreContract } from './store-contract.js';
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

describePostgres('PostgreSQL', () => {
  describeStoreContract('PostgreSQL', async () => openPostgresStore((await fresh()).url, testKeyring));

  test('several processes may migrate the same database at once', async () => {
    const { url } = await fresh();
    const stores = await Promise.all([
      openPostgresStore(url, testKeyring),
      openPostgresStore(url, testKeyring),
      openPostgresStore(url, testKeyring),
    ]);
    await stores[0]?.transaction((tx) =>
      tx.insert({ key: 'projects/demo', parentKey: null, kind: 'project', name: 'demo', body: {} }),
    );
    for (const store of stores) expect(await store.get('projects/demo')).toMatchObject({ version: 1 });
    await Promise.all(stores.map((store) => store.close()));
  });

  test('openStore chooses PostgreSQL for postgres:// and postgresql:// URLs', async () => {
    const { url } = await fresh();
    for (const scheme of ['postgres:', 'postgresql:']) {
      const store = await openStore({
        database: scheme + url.slice(url.indexOf('//')),
        dataDir: '/nonexistent',
        keyring: testKeyring,
      });
      expect(await store.ping()).toBe(true);
      await store.close();
    }
  });
});
