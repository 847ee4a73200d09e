/** What the store leaves at rest, field by field, and that a sealed value moved to another row does not open. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testKeyring } from '../../../test-support/keys.js';
import type { OpenedDatabase } from '../database.js';
import { openSqliteDatabase } from '../sqlite.js';
import { SealError } from './sealer.js';

let dir: string;
let path: string;
let database: OpenedDatabase;

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: storeSealingToken777\n';

function raw<T>(work: (db: SqliteDatabase.Database) => T): T {
  const db = new SqliteDatabase(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-sealed-rows-'));
  path = join(dir, 'rows.db');
  database = await openSqliteDatabase(path, testKeyring);
  await database.store.transaction(async (tx) => {
    await tx.insert({ key: 'p', parentKey: null, kind: 'clusterProvider', name: 'p', body: {} });
    for (const name of ['c1', 'c2'])
      await tx.insert({
        key: `p/${name}`,
        parentKey: 'p',
        kind: 'cluster',
        name,
        body: {
          metadata: { name, description: 'mbsealed:v1:not-ours' },
          spec: { kubeconfig: `${KUBECONFIG}#${name}` },
        },
      });
    await tx.putFile('p/c1', { fileName: 'f', contentType: 'text/plain', data: Buffer.from('file one') });
    await tx.putFile('p/c2', { fileName: 'f', contentType: 'text/plain', data: Buffer.from('file two') });
  });
  await database.deployRecords.write([
    { group: 'g', key: 'revision/000001', body: { n: 1 } },
    { group: 'g', key: 'revision/000002', body: { n: 2 } },
  ]);
});
afterAll(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sealed rows', () => {
  test('a secret field is sealed in place; the rest of the body stays plain JSON', () => {
    const body = raw((db) => db.prepare("select body from resources where key = 'p/c1'").pluck().get() as string);
    const parsed = JSON.parse(body);
    expect(parsed.metadata).toEqual({ name: 'c1', description: 'mbsealed:v1:not-ours' });
    expect(parsed.spec.kubeconfig).toMatch(new RegExp(`^mbsealed:v1:${testKeyring.active.id}:`));
    expect(body).not.toContain('storeSealingToken777');
  });

  test('a string that only looks sealed, outside a secret field, is a user value and comes back as written', async () => {
    expect((await database.store.get('p/c1'))?.body.metadata).toEqual({
      name: 'c1',
      description: 'mbsealed:v1:not-ours',
    });
  });

  test('a secret, a file or a record copied to another row does not open there', async () => {
    raw((db) => {
      db.prepare(
        "update resources set body = (select body from resources where key = 'p/c1') where key = 'p/c2'",
      ).run();
      db.prepare(
        "update resource_files set data = (select data from resource_files where key = 'p/c1') where key = 'p/c2'",
      ).run();
      db.prepare(
        "update deploy_records set body = (select body from deploy_records where record_key = 'revision/000001') where record_key = 'revision/000002'",
      ).run();
    });
    await expect(database.store.get('p/c2')).rejects.toThrow(SealError);
    await expect(database.store.get('p/c2')).rejects.toThrow(/resource p\/c2 spec.kubeconfig does not open/);
    await expect(database.store.getFile('p/c2')).rejects.toThrow(/resource file p\/c2 does not open/);
    await expect(database.deployRecords.get('g', 'revision/000002')).rejects.toThrow(
      /deploy record g revision\/000002 does not open/,
    );
    // The originals still open.
    expect((await database.store.get('p/c1'))?.body.spec).toEqual({ kubeconfig: `${KUBECONFIG}#c1` });
    expect((await database.store.getFile('p/c1'))?.data.toString()).toBe('file one');
    expect((await database.deployRecords.get('g', 'revision/000001'))?.body).toEqual({ n: 1 });
  });
});
