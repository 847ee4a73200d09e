import { afterAll } from 'vitest';
import { describePostgres, freshPostgresDatabase, type FreshDatabase } from '../../test-support/postgres.js';
import { describeAccessRecordsContract } from './access-records-contract.js';
import { openPostgresDatabase } from './postgres.js';
import { testKeyring } from '../../test-support/keys.js';

const databases: FreshDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describePostgres('PostgreSQL access records', () => {
  describeAccessRecordsContract('PostgreSQL', async () => {
    const database = await freshPostgresDatabase();
    databases.push(database);
    return openPostgresDatabase(database.url, testKeyring);
  });
});
