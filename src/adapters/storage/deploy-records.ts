/**
 * The deployment-records port (`service/deploy/deploy-records.ts`) over either
 * dialect: one row per (group, key), the body as JSON text, sealed whole
 * (`sealing/sealed-rows.ts`).
 *
 * Bodies are stored as `JSON.stringify` writes them: object fields that are
 * `undefined` (or functions, symbols) are dropped, `undefined` in an array becomes
 * `null`, non-finite numbers become `null`. A body that has no JSON text at all (a
 * function, a symbol) or cannot be serialised (a BigInt, a cycle) is refused with a
 * `TypeError` before anything is written. `body: null` stores the JSON `null`;
 * only `undefined` deletes.
 *
 * Keys and groups may hold any text except NUL and unpaired surrogates, which
 * PostgreSQL (and UTF-8) cannot store exactly; writing them is refused with a
 * `RangeError` on both databases alike, and reading them finds nothing.
 *
 * Messages name a record by group and key, never by its body.
 */
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { DeployRecord, DeployRecords, DeployRecordWrite, HeldHosts } from '../../service/deploy/deploy-records.js';
import type { Fence } from '../../service/deploy/operation-leases.js';
import { bumpSequence } from './change-sequences.js';
import { prefixUpperBound } from './key-range.js';
import { checkFence } from './operation-leases.js';
import type { RowSealing } from './sealing/sealed-rows.js';
import type { Database, DeployRecordsTable, SqlDialect } from './schema.js';

/** Rows per INSERT (4 parameters each) and keys per DELETE: well inside both databases' parameter limits. */
const batchSize = 500;
/** Attempts at a PostgreSQL transaction that lost a deadlock (or a serialisation check) to another. */
const maxAttempts = 5;
/** SQLSTATE `deadlock_detected` and `serialization_failure`: the transaction rolled back and may simply run again. */
const retryableCodes = new Set(['40P01', '40001']);

/** NUL, or a surrogate without its partner (in `u` mode a proper pair is one code point, not a surrogate). */
function unstorable(text: string): boolean {
  return text.includes('\0') || /\p{Surrogate}/u.test(text);
}

/** Every body is sealed whole (`sealing/sealed-rows.ts`): revisions hold rendered Secrets. */
export function createKyselyDeployRecords(
  db: Kysely<Database>,
  dialect: SqlDialect,
  sealing: RowSealing,
): DeployRecords {
  return new KyselyDeployRecords(db, dialect, sealing);
}

/** One entry of a write, ready for the database: `json` is the sealed body; undefined deletes. */
interface PlannedWrite {
  group: string;
  key: string;
  json: string | undefined;
  heldHosts: string | null;
}

class KyselyDeployRecords implements DeployRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    private readonly sealing: RowSealing,
  ) {}

  private toRecord = (row: DeployRecordsTable): DeployRecord => toRecord(row, this.sealing);

  async get(group: string, key: string): Promise<DeployRecord | undefined> {
    if (unstorable(group) || unstorable(key)) return undefined;
    const row = await this.db
      .selectFrom('deploy_records')
      .selectAll()
      .where('group_key', '=', group)
      .where('record_key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : this.toRecord(row);
  }

  async list(group: string, keyPrefix: string): Promise<DeployRecord[]> {
    if (unstorable(group) || unstorable(keyPrefix)) return [];
    const query = withKeyPrefix(
      this.db.selectFrom('deploy_records').selectAll().where('group_key', '=', group),
      keyPrefix,
    );
    const rows = await query.orderBy('record_key').execute();
    return rows.map(this.toRecord);
  }

  async listAll(keyPrefix: string): Promise<DeployRecord[]> {
    if (unstorable(keyPrefix)) return [];
    const query = withKeyPrefix(this.db.selectFrom('deploy_records').selectAll(), keyPrefix);
    const rows = await query.orderBy('group_key').orderBy('record_key').execute();
    return rows.map(this.toRecord);
  }

  async listHeldHosts(keyPrefix: string): Promise<HeldHosts[]> {
    if (unstorable(keyPrefix)) return [];
    const query = withKeyPrefix(
      this.db.selectFrom('deploy_records').select(['group_key', 'record_key', 'held_hosts']),
      keyPrefix,
    );
    const rows = await query.orderBy('group_key').orderBy('record_key').execute();
    return rows.map((row) => ({
      group: row.group_key,
      key: row.record_key,
      hosts: row.held_hosts === null ? undefined : (JSON.parse(row.held_hosts) as string[]),
    }));
  }

  /**
   * Serialises every body first, so a body that is not JSON fails the write before
   * it begins. The last entry for a (group, key) wins. Rows are written in key
   * order, so two writes that touch the same rows lock them in the same order and
   * do not deadlock on PostgreSQL; the upsert needs no stronger isolation than
   * READ COMMITTED. On SQLite every transaction begins IMMEDIATE (`sqlite.ts`).
   * A `fence` is checked first, in the same transaction (`checkFence`).
   */
  async write(entries: readonly DeployRecordWrite[], fence?: Fence): Promise<void> {
    const planned = plan(entries, this.sealing);
    if (planned.length === 0) return;
    await this.inTransaction(async (tx) => {
      if (fence) await checkFence(tx, this.dialect, fence);
      const now = new Date().toISOString();
      for (const run of runs(planned)) await applyRun(tx, run, now);
      // The records say which addresses deployed objects still hold: renders kept in memory re-read the ledger.
      await bumpSequence(tx, 'addresses');
    });
  }

  async removeGroup(group: string): Promise<void> {
    if (unstorable(group)) return;
    await this.inTransaction(async (tx) => {
      await tx.deleteFrom('deploy_records').where('group_key', '=', group).execute();
      await bumpSequence(tx, 'addresses');
    });
  }

  /**
   * Runs `work` in a transaction. On PostgreSQL it asks for READ COMMITTED whatever
   * the server's default, and runs `work` again when the server chose it as a
   * deadlock victim: a removeGroup may still lock a group's rows in another order.
   */
  private async inTransaction(work: (tx: Transaction<Database>) => Promise<void>): Promise<void> {
    if (this.dialect === 'sqlite') return this.db.transaction().execute(work);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().setIsolationLevel('read committed').execute(work);
      } catch (error) {
        if (attempt >= maxAttempts || !retryable(error)) throw error;
        await pause(attempt);
      }
    }
  }
}

type RecordsQuery<O> = SelectQueryBuilder<Database, 'deploy_records', O>;

/** Keys starting with `prefix`, as a byte-wise range (`key-range.ts`): `%` and `_` are plain characters. */
function withKeyPrefix<O>(query: RecordsQuery<O>, prefix: string): RecordsQuery<O> {
  if (prefix === '') return query;
  const upperBound = prefixUpperBound(prefix);
  const from = query.where('record_key', '>=', prefix);
  return upperBound === undefined ? from : from.where('record_key', '<', upperBound);
}

function toRecord(row: DeployRecordsTable, sealing: RowSealing): DeployRecord {
  return {
    group: row.group_key,
    key: row.record_key,
    body: sealing.openRecord(row.group_key, row.record_key, row.body),
    updatedAt: row.updated_at,
  };
}

/** The entries to write, one per (group, key) (the last wins), in byte-wise (group, key) order. */
function plan(entries: readonly DeployRecordWrite[], sealing: RowSealing): PlannedWrite[] {
  const byRecord = new Map<string, PlannedWrite>();
  for (const { group, key, body, heldHosts } of entries) {
    checkStorable(group, key);
    byRecord.set(JSON.stringify([group, key]), {
      group,
      key,
      json: body === undefined ? undefined : sealing.record(group, key, toJson(body, group, key)),
      heldHosts: heldHosts === undefined ? null : JSON.stringify(heldHosts),
    });
  }
  return [...byRecord.values()].sort((a, b) => byteOrder(a.group, b.group) || byteOrder(a.key, b.key));
}

function checkStorable(group: string, key: string): void {
  if (unstorable(group) || unstorable(key)) {
    throw new RangeError(
      `deploy record ${JSON.stringify(key)} of group ${JSON.stringify(group)}: keys cannot hold NUL or unpaired surrogates`,
    );
  }
}

function toJson(body: unknown, group: string, key: string): string {
  const what = `deploy record ${JSON.stringify(key)} of group ${JSON.stringify(group)}`;
  let json: string | undefined;
  try {
    json = JSON.stringify(body) as string | undefined;
  } catch (error) {
    throw new TypeError(`${what}: the body cannot be stored as JSON`, { cause: error });
  }
  if (json === undefined) throw new TypeError(`${what}: the body has no JSON form (${typeof body})`);
  return json;
}

/** UTF-8 byte order, which is the databases' key order. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Consecutive upserts, or consecutive deletes of one group, at most `batchSize` each, in the order given. */
function* runs(planned: readonly PlannedWrite[]): Generator<PlannedWrite[]> {
  let run: PlannedWrite[] = [];
  for (const entry of planned) {
    const last = run.at(-1);
    if (last !== undefined && (run.length === batchSize || !sameRun(last, entry))) {
      yield run;
      run = [];
    }
    run.push(entry);
  }
  if (run.length > 0) yield run;
}

function sameRun(a: PlannedWrite, b: PlannedWrite): boolean {
  if (a.json === undefined) return b.json === undefined && a.group === b.group;
  return b.json !== undefined;
}

async function applyRun(tx: Transaction<Database>, run: readonly PlannedWrite[], now: string): Promise<void> {
  const first = run[0];
  if (first === undefined) return;
  if (first.json === undefined) {
    const keys = run.map((entry) => entry.key);
    await tx
      .deleteFrom('deploy_records')
      .where('group_key', '=', first.group)
      .where('record_key', 'in', keys)
      .execute();
    return;
  }
  await tx
    .insertInto('deploy_records')
    .values(
      run.flatMap(({ group, key, json, heldHosts }) =>
        json === undefined
          ? []
          : [{ group_key: group, record_key: key, body: json, updated_at: now, held_hosts: heldHosts }],
      ),
    )
    .onConflict((conflict) =>
      conflict.columns(['group_key', 'record_key']).doUpdateSet((row) => ({
        body: row.ref('excluded.body'),
        updated_at: row.ref('excluded.updated_at'),
        held_hosts: row.ref('excluded.held_hosts'),
      })),
    )
    .execute();
}

function retryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && retryableCodes.has(error.code);
}

/** A short, growing, jittered wait, so the retried transactions do not collide again in step. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, attempt * 10 + Math.random() * 20));
}
