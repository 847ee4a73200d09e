import { afterAll } from 'vitest';
import { testKeyring } from '../../test-support/keys.js';
import { describePostgres, freshPostgresDatabase, type FreshDatabase } from '../../test-support/postgres.js';
import { describeOperationLeasesContract } from './operation-leases-contract.js';
import { openPostgresDatabase } from './postgres.js';

const databases: FreshDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describePostgres('PostgreSQL operation leases', () => {
  describeOperationLeasesContract('PostgreSQL', async () => {
    const database = await freshPostgresDatabase();
    databases.push(database);
    return () => openPostgresDatabase(database.url, testKeyring);
  });
});
