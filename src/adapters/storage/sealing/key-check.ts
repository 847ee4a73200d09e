/**
 * The database keeps one value sealed with its master keyring (`master_key_check`), written when it is first opened
 * and rewrapped last by rotation. Opening it at start proves the configured keyring holds the key the database's
 * secrets need (until a rotation completes, the old one): a server given the wrong keys, or a data folder that lost
 * its `master.key`, refuses to start and names the key it lacks, instead of failing on every read of a secret.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Sealer } from './sealer.js';

const ROW = 'keyring';
const CHECK = 'meshbridge master key check';
export const keyCheckContext = ['master key check'] as const;

export async function checkMasterKeys(db: Kysely<Database>, sealer: Sealer): Promise<void> {
  await db
    .insertInto('master_key_check')
    .values({ id: ROW, sealed: sealer.seal(CHECK, keyCheckContext) })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  const row = await db.selectFrom('master_key_check').select('sealed').where('id', '=', ROW).executeTakeFirstOrThrow();
  let opened: string;
  try {
    opened = sealer.openText(row.sealed, keyCheckContext);
  } catch (error) {
    throw new Error(`the configured master keys cannot open this database's secrets: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (opened !== CHECK) throw new Error("the database's master key check holds an unexpected value");
}

/** For rotation: the check rewrapped under the active key. */
export async function rewrapKeyCheck(db: Kysely<Database>, sealer: Sealer): Promise<void> {
  const row = await db.selectFrom('master_key_check').select('sealed').where('id', '=', ROW).executeTakeFirst();
  if (row === undefined || sealer.isCurrent(row.sealed)) return;
  await db
    .updateTable('master_key_check')
    .set({ sealed: sealer.rewrap(row.sealed, keyCheckContext) })
    .where('id', '=', ROW)
    .execute();
}
