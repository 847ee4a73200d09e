/** Chooses the database from configuration: a PostgreSQL URL, or else the SQLite file in the data folder. */
import { join } from 'node:path';
import type { Store } from '../../service/store.js';
import type { OpenedDatabase } from './database.js';
import type { Keyring } from './sealing/keyring.js';
import { openSqliteDatabase } from './sqlite.js';

export type { OpenedDatabase } from './database.js';

export interface StoreOptions {
  /** A `postgres://` or `postgresql://` URL; unset means SQLite. */
  database?: string;
  /** Where the SQLite file lives: `<dataDir>/meshbridge.db`. */
  dataDir: string;
}

/** `masterKeyring` (`sealing/key-source.ts`) finds the keyring for a configuration. */
export interface SealedStoreOptions extends StoreOptions {
  /** Seals secrets at rest; the first key is active. */
  keyring: Keyring;
}

export const sqliteFileName = 'meshbridge.db';

/** The resource store and the virtual-IP ledger, sharing one connection (pool); `close()` closes both. */
export function openDatabase(options: SealedStoreOptions): Promise<OpenedDatabase> {
  const { database, keyring } = options;
  if (isSqlite(options)) return openSqliteDatabase(join(options.dataDir, sqliteFileName), keyring);
  // pg is loaded only when PostgreSQL is asked for: SQLite servers and the CLI's offline render start without it.
  if (isPostgres(options))
    return import('./postgres.js').then(({ openPostgresDatabase }) =>
      openPostgresDatabase(database as string, keyring),
    );
  // Falling back to SQLite here would quietly keep the data somewhere the operator did not ask for.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(database ?? '')?.[0];
  const what = scheme === undefined ? 'a database setting that is not a URL' : `a ${scheme} database URL`;
  return Promise.reject(
    new Error(`meshbridge cannot use ${what}: give a postgres:// URL, or leave it unset for SQLite in the data folder`),
  );
}

export function isSqlite(options: StoreOptions): boolean {
  return options.database === undefined || options.database === '';
}

export function isPostgres(options: StoreOptions): boolean {
  return options.database !== undefined && /^postgres(ql)?:\/\//i.test(options.database);
}

/** The resource store alone; its `close()` closes the database. */
export async function openStore(options: SealedStoreOptions): Promise<Store> {
  return (await openDatabase(options)).store;
}
