import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type LogEvent } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AuditEvent } from '../../service/access/access-records.js';
import { createKyselyAccessRecords } from './access-records.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

const refusal: AuditEvent = {
  at: '2026-12-08T00:00:00.000Z',
  actor: 'anonymous',
  action: 'create',
  method: 'POST',
  path: '/v2/cluster-providers/edge/clusters',
  status: 400,
  outcome: 'failed',
};

describe('audit events on SQLite', () => {
  let raw: SqliteDatabase.Database;
  let db: Kysely<Database>;
  let statements: string[];
  beforeEach(async () => {
    raw = new SqliteDatabase(':memory:');
    raw.pragma('synchronous = FULL');
    statements = [];
    const log = (event: LogEvent) => void statements.push(event.query.sql.toLowerCase());
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log });
    await migrateToLatest(db, 'sqlite');
    statements = [];
  });
  afterEach(async () => db.destroy());

  const synchronous = () => raw.pragma('synchronous', { simple: true });

  test('a refusal is committed without waiting for the disk, and the connection waits again after it', async () => {
    await createKyselyAccessRecords(db, 'sqlite').appendAudit(refusal);
    expect(statements.map((statement) => statement.split(' (')[0])).toEqual([
      'pragma synchronous = normal',
      'insert into "audit_events"',
      'pragma synchronous = full',
    ]);
    expect(synchronous()).toBe(2);
  });

  test('a change, and a 5xx (which may follow part of one), wait for the disk', async () => {
    await createKyselyAccessRecords(db, 'sqlite').appendAudit({ ...refusal, status: 201, outcome: 'succeeded' });
    await createKyselyAccessRecords(db, 'sqlite').appendAudit({ ...refusal, status: 500, outcome: 'failed' });
    expect(statements.some((statement) => statement.includes('synchronous'))).toBe(false);
    expect(statements).toHaveLength(2);
    expect(synchronous()).toBe(2);
  });

  test('a refusal that cannot be written still leaves the connection waiting for the disk', async () => {
    raw.exec('drop table audit_events');
    await expect(createKyselyAccessRecords(db, 'sqlite').appendAudit(refusal)).rejects.toThrow(/audit_events/);
    expect(synchronous()).toBe(2);
  });
});
