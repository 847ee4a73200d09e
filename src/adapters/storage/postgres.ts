/** The PostgreSQL store, for installs that run several replicas or want managed backups. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store } from '../../service/store.js';
import { databaseOver } from './database.js';
import type { OpenedDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import type { Keyring } from './sealing/keyring.js';

export async function openPostgresStore(url: string, keyring: Keyring): Promise<Store> {
  return (await openPostgresDatabase(url, keyring)).store;
}

/** The store, the address ledger and the deployment records over one PostgreSQL database, sharing one pool. */
export async function openPostgresDatabase(url: string, keyring: Keyring): Promise<OpenedDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops emits 'error' on the pool, which would
  // crash the process if unheard; the pool discards it and the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, 'postgres');
    return await databaseOver(db, 'postgres', keyring);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
