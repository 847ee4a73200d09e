/**
 * Rotation: every sealed value's data key rewrapped under the keyring's active master key, and every secret still
 * stored as plaintext (written before sealing existed) sealed, table by table in key order, one transaction per
 * batch. The master key check goes last, so the database keeps asking for the old key until every row is done.
 *
 * Safe beside running servers: a row is replaced only if it still holds what was read (compare and set), so a
 * server's write in between wins and is left alone (it sealed with that server's active key, which must already be
 * the new one: configure every server's keyring first, then rotate).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { rewrapKeyCheck } from './key-check.js';
import type { RowSealing } from './sealed-rows.js';

export interface ResealReport {
  /** The master key every secret is now sealed with. */
  activeKey: string;
  /** Rows rewritten: resources (their secret fields), uploaded files, deployment records. */
  resources: number;
  files: number;
  records: number;
}

/** Rows per transaction. */
const BATCH = 200;

export async function resealAll(db: Kysely<Database>, sealing: RowSealing, batch = BATCH): Promise<ResealReport> {
  const resources = await inBatches<string>(db, (tx, after) => resealResources(tx, sealing, after, batch));
  const files = await inBatches<string>(db, (tx, after) => resealFiles(tx, sealing, after, batch));
  const records = await inBatches<[string, string]>(db, (tx, after) => resealRecords(tx, sealing, after, batch));
  await db.transaction().execute((tx) => rewrapKeyCheck(tx, sealing.sealer));
  return { activeKey: sealing.sealer.keyring.active.id, resources, files, records };
}

interface Batch<K> {
  /** The last key read; undefined when the table is done. */
  last: K | undefined;
  rewritten: number;
}

async function inBatches<K>(
  db: Kysely<Database>,
  step: (tx: Transaction<Database>, after: K | undefined) => Promise<Batch<K>>,
): Promise<number> {
  let after: K | undefined;
  let total = 0;
  do {
    const batch = await db.transaction().execute((tx) => step(tx, after));
    total += batch.rewritten;
    after = batch.last;
  } while (after !== undefined);
  return total;
}

async function resealResources(
  tx: Transaction<Database>,
  sealing: RowSealing,
  after: string | undefined,
  batch: number,
): Promise<Batch<string>> {
  let query = tx.selectFrom('resources').select(['key', 'kind', 'body']).orderBy('key').limit(batch);
  if (after !== undefined) query = query.where('key', '>', after);
  const rows = await query.execute();
  let rewritten = 0;
  for (const row of rows) {
    const body = sealing.resealResourceBody(row.kind, row.key, row.body);
    if (body === undefined) continue;
    const result = await tx
      .updateTable('resources')
      .set({ body })
      .where('key', '=', row.key)
      .where('body', '=', row.body)
      .executeTakeFirst();
    rewritten += Number(result.numUpdatedRows);
  }
  return { last: rows.length < batch ? undefined : rows.at(-1)?.key, rewritten };
}

async function resealFiles(
  tx: Transaction<Database>,
  sealing: RowSealing,
  after: string | undefined,
  batch: number,
): Promise<Batch<string>> {
  let query = tx.selectFrom('resource_files').select(['key', 'data']).orderBy('key').limit(batch);
  if (after !== undefined) query = query.where('key', '>', after);
  const rows = await query.execute();
  let rewritten = 0;
  for (const row of rows) {
    const data = sealing.resealFile(row.key, Buffer.from(row.data));
    if (data === undefined) continue;
    const result = await tx
      .updateTable('resource_files')
      .set({ data })
      .where('key', '=', row.key)
      .where('data', '=', row.data)
      .executeTakeFirst();
    rewritten += Number(result.numUpdatedRows);
  }
  return { last: rows.length < batch ? undefined : rows.at(-1)?.key, rewritten };
}

async function resealRecords(
  tx: Transaction<Database>,
  sealing: RowSealing,
  after: [string, string] | undefined,
  batch: number,
): Promise<Batch<[string, string]>> {
  let query = tx
    .selectFrom('deploy_records')
    .select(['group_key', 'record_key', 'body'])
    .orderBy('group_key')
    .orderBy('record_key')
    .limit(batch);
  if (after !== undefined) {
    const [group, key] = after;
    query = query.where((eb) =>
      eb.or([eb('group_key', '>', group), eb.and([eb('group_key', '=', group), eb('record_key', '>', key)])]),
    );
  }
  const rows = await query.execute();
  let rewritten = 0;
  for (const row of rows) {
    const body = sealing.resealRecord(row.group_key, row.record_key, row.body);
    if (body === undefined) continue;
    const result = await tx
      .updateTable('deploy_records')
      .set({ body })
      .where('group_key', '=', row.group_key)
      .where('record_key', '=', row.record_key)
      .where('body', '=', row.body)
      .executeTakeFirst();
    rewritten += Number(result.numUpdatedRows);
  }
  const last = rows.at(-1);
  return { last: rows.length < batch || last === undefined ? undefined : [last.group_key, last.record_key], rewritten };
}
