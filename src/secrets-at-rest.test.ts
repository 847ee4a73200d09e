/**
 * Issue 9: "the private key is readable in the SQLite WAL; old keys stay in stored revisions". A whole fleet is
 * stored and deployed (kubeconfigs in cluster bodies, one uploaded as a multipart file, an inbound intent's certificate and
 * private key, a deploy revision holding the rendered TLS Secret), then the database's raw bytes are searched for
 * every secret, plain and base64 (the form a rendered Secret holds): the SQLite file and its -wal, and on
 * PostgreSQL every stored column.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { openPostgresDatabase } from './adapters/storage/postgres.js';
import { openSqliteDatabase } from './adapters/storage/sqlite.js';
import type { Database } from './compose.js';
import { deployWorld, groupPaths, type DeployWorld } from './test-support/deploy.js';
import { testKeyring } from './test-support/keys.js';
import { describePostgres, freshPostgresDatabase, type FreshDatabase } from './test-support/postgres.js';
import { PEM_CA, PEM_CERT, PEM_KEY, SEED_INBOUND, seedInbound } from './test-support/scenarios.js';

const FILE = 'seed-two-clouds.yaml';
const UPLOADED_TOKEN = 'uploadedKubeconfigTokenForTheAtRestTest0123456789';
const UPLOADED = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.9:6443\nusers:\n- name: admin\n  user:\n    token: ${UPLOADED_TOKEN}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: admin\ncurrent-context: c\n`;

/** What must never be found at rest: each PEM's body line, its base64 as a rendered Secret holds it, the tokens. */
const NEEDLES = [
  ...[PEM_KEY, PEM_CERT, PEM_CA].flatMap((pem) => [
    pem.split('\n')[1] as string,
    Buffer.from(pem).toString('base64').slice(8, 72),
  ]),
  'token: fake-token',
  UPLOADED_TOKEN,
];

let world: DeployWorld | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Stores and deploys every kind of secret meshbridge keeps; checks they are all there in plaintext for services. */
async function storeEverySecret(database: Database): Promise<DeployWorld> {
  const opened = await deployWorld(FILE, { target: 'kubernetes', database });
  const created = await opened.request(
    'POST',
    SEED_INBOUND,
    seedInbound('secret-inbound', { Servicecertificate: PEM_CERT, ServicePrivateKey: PEM_KEY, caCertificate: PEM_CA }),
  );
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const boundary = 'atrestboundary';
  const uploaded = await opened.request(
    'POST',
    '/v2/cluster-providers/edge/clusters',
    [
      `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify({ metadata: { name: 'uploaded' } })}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="kubeconfig"\r\nContent-Type: application/octet-stream\r\n\r\n${UPLOADED}\r\n`,
      `--${boundary}--\r\n`,
    ].join(''),
    { 'content-type': `multipart/form-data; boundary=${boundary}` },
  );
  expect(uploaded.status, JSON.stringify(uploaded.json)).toBe(201);
  for (const group of await groupPaths(FILE)) {
    expect((await opened.request('POST', `${group}/approve`)).status).toBe(202);
    expect((await opened.request('POST', `${group}/instantiate`)).status).toBe(202);
  }
  await opened.settle();

  // Services see plaintext: the secrets are really stored, in every place the raw search below looks.
  const { store, deployRecords } = opened.database;
  const cluster = await store.get('cluster-providers/edge/clusters/cluster01');
  expect(cluster?.body.spec).toMatchObject({ kubeconfig: expect.stringContaining('token: fake-token') });
  expect((await store.get('cluster-providers/edge/clusters/uploaded'))?.body.spec).toMatchObject({
    kubeconfig: UPLOADED,
  });
  const records = JSON.stringify(await deployRecords.listAll(''));
  expect(records).toContain(Buffer.from(PEM_KEY).toString('base64'));
  return opened;
}

function expectNoSecretIn(text: string, where: string): void {
  for (const needle of NEEDLES) expect(text.includes(needle), `${where} holds ${needle}`).toBe(false);
}

describe('secrets at rest on SQLite', () => {
  test('neither the database file nor its WAL holds a key, certificate, kubeconfig token or rendered Secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshbridge-at-rest-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'meshbridge.db');
    world = await storeEverySecret(await openSqliteDatabase(path, testKeyring));

    // While the server runs, the latest writes sit in the WAL, not yet checkpointed into the file.
    const wal = (await readFile(`${path}-wal`)).toString('latin1');
    expect(wal.length).toBeGreaterThan(0);
    expect(wal + (await readFile(path)).toString('latin1')).toContain('cluster01');
    expectNoSecretIn(wal, 'the WAL');
    expectNoSecretIn((await readFile(path)).toString('latin1'), 'the database file');

    await world.close();
    world = undefined;
    expectNoSecretIn((await readFile(path)).toString('latin1'), 'the database file after a checkpoint');
  });
});

describePostgres('secrets at rest on PostgreSQL', () => {
  test('no stored column holds a key, certificate, kubeconfig token or rendered Secret', async () => {
    const fresh: FreshDatabase = await freshPostgresDatabase();
    cleanups.push(() => fresh.drop());
    world = await storeEverySecret(await openPostgresDatabase(fresh.url, testKeyring));
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      const dump = async (query: string) =>
        (await client.query<{ text: string }>(query)).rows.map((row) => row.text).join('\n');
      const resources = await dump('select body as text from resources');
      expect(resources).toContain('cluster01');
      expectNoSecretIn(resources, 'resources.body');
      expectNoSecretIn(await dump("select encode(data, 'escape') as text from resource_files"), 'resource_files.data');
      const records = await dump('select body as text from deploy_records');
      expect(records).not.toBe('');
      expectNoSecretIn(records, 'deploy_records.body');
    } finally {
      await client.end();
    }
  });
});
