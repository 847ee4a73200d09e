/**
 * Rotation on both databases: data sealed under key A, and rows written before sealing existed (plaintext), are
 * all sealed under B by `resealAll` with the keyring B,A; afterwards B alone opens everything, and A is no longer
 * needed. Before rotation, B alone is refused at open, naming A.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describePostgres, freshPostgresDatabase, type FreshDatabase } from '../../../test-support/postgres.js';
import type { OpenedDatabase } from '../database.js';
import { openPostgresDatabase } from '../postgres.js';
import { openSqliteDatabase } from '../sqlite.js';
import { keyringOf, randomKeyring, type Keyring } from './keyring.js';

const A = randomKeyring().active.key;
const B = randomKeyring().active.key;
const [idA, idB] = [keyringOf([A]).active.id, keyringOf([B]).active.id];

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: sealedTokenUnderKeyA0000\n';
const LEGACY_KUBECONFIG = 'apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: legacyPlainToken1111\n';
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nrotatedPrivateKeyBody2222\n-----END PRIVATE KEY-----\n';
const FILE = 'chart bytes with a password: sealedFileSecret3333';
const LEGACY_FILE = 'legacy chart with a password: legacyFileSecret4444';
const RECORD = { objects: [{ kind: 'Secret', data: { 'tls.key': 'sealedRecordSecret5555' } }] };
const LEGACY_RECORD = { objects: [{ kind: 'Secret', data: { 'tls.key': 'legacyRecordSecret6666' } }] };
const PLAINTEXTS = ['sealedTokenUnderKeyA0000', 'legacyPlainToken1111', 'rotatedPrivateKeyBody2222'];
const PLAINTEXTS_ELSEWHERE = [
  'sealedFileSecret3333',
  'legacyFileSecret4444',
  'sealedRecordSecret5555',
  'legacyRecordSecret6666',
];

interface Fixture {
  open(keyring: Keyring): Promise<OpenedDatabase>;
  /** SQL straight to the database, as rows of text: what is at rest. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

async function writeUnderA(fixture: Fixture): Promise<void> {
  const database = await fixture.open(keyringOf([A]));
  try {
    await database.store.transaction(async (tx) => {
      await tx.insert({
        key: 'p',
        parentKey: null,
        kind: 'clusterProvider',
        name: 'p',
        body: { metadata: { name: 'p' } },
      });
      await tx.insert({
        key: 'p/c1',
        parentKey: 'p',
        kind: 'cluster',
        name: 'c1',
        body: { spec: { kubeconfig: KUBECONFIG } },
      });
      await tx.insert({
        key: 'p/in',
        parentKey: 'p',
        kind: 'inboundIntent',
        name: 'in',
        body: { spec: { certificates: { servicePrivateKey: PRIVATE_KEY } } },
      });
      await tx.putFile('p/c1', { fileName: 'chart.tgz', contentType: 'application/gzip', data: Buffer.from(FILE) });
    });
    await database.deployRecords.write([{ group: 'g', key: 'revision/000001', body: RECORD }]);
  } finally {
    await database.close();
  }
  // Rows as a release before sealing wrote them.
  const now = new Date().toISOString();
  await fixture.query(
    'insert into resources (key, parent_key, kind, name, body, version, created_at, updated_at) values ($1, $2, $3, $4, $5, 1, $6, $7)',
    ['p/legacy', 'p', 'cluster', 'legacy', JSON.stringify({ spec: { kubeconfig: LEGACY_KUBECONFIG } }), now, now],
  );
  await fixture.query('insert into resource_files (key, file_name, content_type, data) values ($1, $2, $3, $4)', [
    'p/legacy',
    'chart.tgz',
    'application/gzip',
    Buffer.from(LEGACY_FILE),
  ]);
  await fixture.query('insert into deploy_records (group_key, record_key, body, updated_at) values ($1, $2, $3, $4)', [
    'g',
    'revision/000002',
    JSON.stringify(LEGACY_RECORD),
    now,
  ]);
}

async function expectEverythingReads(database: OpenedDatabase): Promise<void> {
  expect((await database.store.get('p/c1'))?.body).toEqual({ spec: { kubeconfig: KUBECONFIG } });
  expect((await database.store.get('p/legacy'))?.body).toEqual({ spec: { kubeconfig: LEGACY_KUBECONFIG } });
  expect((await database.store.get('p/in'))?.body).toEqual({
    spec: { certificates: { servicePrivateKey: PRIVATE_KEY } },
  });
  expect((await database.store.getFile('p/c1'))?.data.toString()).toBe(FILE);
  expect((await database.store.getFile('p/legacy'))?.data.toString()).toBe(LEGACY_FILE);
  expect((await database.deployRecords.list('g', '')).map((record) => record.body)).toEqual([RECORD, LEGACY_RECORD]);
}

/** Every sealed value at rest, and the text around them. */
async function atRest(fixture: Fixture): Promise<{ text: string; keyIds: string[] }> {
  const bodies = await fixture.query('select body as text from resources');
  const files = await fixture.query('select data as text from resource_files');
  const records = await fixture.query('select body as text from deploy_records');
  const check = await fixture.query('select sealed as text from master_key_check');
  const text = [...bodies, ...files, ...records, ...check]
    .map((row) => (Buffer.isBuffer(row.text) ? row.text.toString('latin1') : String(row.text)))
    .join('\n');
  return { text, keyIds: [...text.matchAll(/mbsealed:v1:([0-9a-f]{8}):/g)].map((match) => match[1] as string) };
}

function describeRotation(name: string, fresh: () => Promise<Fixture>): void {
  test(`${name}: plaintext left from before sealing reads, B alone is refused, rotation moves everything to B`, async () => {
    const fixture = await fresh();
    await writeUnderA(fixture);
    const before = await atRest(fixture);
    expect(new Set(before.keyIds)).toEqual(new Set([idA]));
    expect(before.text).toContain('legacyPlainToken1111');

    const underA = await fixture.open(keyringOf([A]));
    await expectEverythingReads(underA);
    await underA.close();

    await expect(fixture.open(keyringOf([B]))).rejects.toThrow(
      new RegExp(`master key ${idA}, which is not configured`),
    );

    const rotating = await fixture.open(keyringOf([B, A]));
    // Two rows a transaction: every table takes several batches.
    expect(await rotating.resealAll(2)).toEqual({ activeKey: idB, resources: 3, files: 2, records: 2 });
    expect(await rotating.resealAll()).toEqual({ activeKey: idB, resources: 0, files: 0, records: 0 });
    expect((await rotating.store.get('p/c1'))?.version).toBe(1);
    await rotating.close();

    const after = await atRest(fixture);
    expect(new Set(after.keyIds)).toEqual(new Set([idB]));
    for (const plaintext of [...PLAINTEXTS, ...PLAINTEXTS_ELSEWHERE]) expect(after.text).not.toContain(plaintext);

    const underB = await fixture.open(keyringOf([B]));
    await expectEverythingReads(underB);
    await underB.close();
  });
}

describe('rotation on SQLite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshbridge-rotate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describeRotation('SQLite file', async () => {
    const path = join(dir, 'rotate.db');
    return {
      open: (keyring) => openSqliteDatabase(path, keyring),
      async query(sql, params = []) {
        const raw = new SqliteDatabase(path);
        try {
          const statement = raw.prepare(sql.replace(/\$\d+/g, '?'));
          return statement.reader
            ? (statement.all(...params) as Record<string, unknown>[])
            : (statement.run(...params), []);
        } finally {
          raw.close();
        }
      },
    };
  });
});

describePostgres('rotation on PostgreSQL', () => {
  const databases: FreshDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  describeRotation('PostgreSQL', async () => {
    const database = await freshPostgresDatabase();
    databases.push(database);
    return {
      open: (keyring) => openPostgresDatabase(database.url, keyring),
      async query(sql, params = []) {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      },
    };
  });
});
