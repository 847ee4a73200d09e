/** Chooses the database from configuration: a PostgreSQL URL, or else the SQLite file in the data folder. */
import { join } from 'node:path';
import type { Store } from '../../service/store.js';
import type { OpenedDatabase } from './database.js';
import { openPostgresDatabase } from './postgres.js';
import { openSqliteDatabase } from './sqlite.js';

export type { OpenedDatabase } from './database.js';

export interface StoreOptions {
  /** A `postgres://` or `postgresql://` URL; unset means SQLite. */
  database?: string;
  /** Where the SQLite file lives: `<dataDir>/meshbridge.db`. */
  dataDir: string;
}

export const sqliteFileName = 'meshbridge.db';

/** The resource store and the virtual-IP ledger, sharing one connection (pool); `close()` closes both. */
export function openDatabase(options: StoreOptions): Promise<OpenedDatabase> {
  const { database } = options;
  if (database === undefined || database === '') return openSqliteDatabase(join(options.dataDir, sqliteFileName));
  if (/^postgres(ql)?:\/\//i.test(database)) return openPostgresDatabase(database);
  // Falling back to SQLite here would quietly keep the data somewhere the operator did not ask for.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(database)?.[0];
  const what = scheme === undefined ? 'a database setting that is not a URL' : `a ${scheme} database URL`;
  return Promise.reject(
    new Error(`meshbridge cannot use ${what}: give a postgres:// URL, or leave it unset for SQLite in the data folder`),
  );
}

/** The resource store alone; its `close()` closes the database. */
export async function openStore(options: StoreOptions): Promise<Store> {
  return (await openDatabase(options)).store;
}
