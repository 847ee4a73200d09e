/** Chooses the store from configuration: a PostgreSQL URL, or else the SQLite file in the data folder. */
import { join } from 'node:path';
import type { Store } from '../../service/store.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';

export interface StoreOptions {
  /** A `postgres://` or `postgresql://` URL; unset means SQLite. */
  database?: string;
  /** Where the SQLite file lives: `<dataDir>/meshbridge.db`. */
  dataDir: string;
}

export const sqliteFileName = 'meshbridge.db';

export function openStore(options: StoreOptions): Promise<Store> {
  const { database } = options;
  if (database === undefined || database === '') return openSqliteStore(join(options.dataDir, sqliteFileName));
  if (/^postgres(ql)?:\/\//i.test(database)) return openPostgresStore(database);
  // Falling back to SQLite here would quietly keep the data somewhere the operator did not ask for.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(database)?.[0];
  const what = scheme === undefined ? 'a database setting that is not a URL' : `a ${scheme} database URL`;
  return Promise.reject(
    new Error(`meshbridge cannot use ${what}: give a postgres:// URL, or leave it unset for SQLite in the data folder`),
  );
}
