import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { testKeyring } from '../../test-support/keys.js';
import { describeOperationLeasesContract } from './operation-leases-contract.js';
import { openSqliteDatabase } from './sqlite.js';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-leases-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeOperationLeasesContract('SQLite file', async () => {
  const path = join(dir, `leases-${files++}.db`);
  return () => openSqliteDatabase(path, testKeyring);
});
