/**
 * The change sequences (`Changes` in `service/store.ts`): one row per watched thing in `change_sequences`,
 * bumped by the transaction that changes it. The row lock orders bumps: on PostgreSQL two writers of
 * resources take turns from the bump to their commit, which is the end of their transaction.
 */
import type { Kysely } from 'kysely';
import type { Changes } from '../../service/store.js';
import type { Database } from './schema.js';

export type SequenceName = keyof Changes;

export async function bumpSequence(tx: Kysely<Database>, name: SequenceName): Promise<void> {
  await tx
    .updateTable('change_sequences')
    .set((row) => ({ sequence: row('sequence', '+', 1) }))
    .where('name', '=', name)
    .execute();
}

export async function readChanges(db: Kysely<Database>): Promise<Changes> {
  const rows = await db.selectFrom('change_sequences').select(['name', 'sequence']).execute();
  const changes: Changes = { resources: 0, addresses: 0 };
  for (const row of rows)
    if (row.name === 'resources' || row.name === 'addresses') changes[row.name] = Number(row.sequence);
  return changes;
}
