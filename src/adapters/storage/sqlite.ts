/**
 * The SQLite store: one file, one connection, the default for a single-node
 * install. Durability over speed: WAL with `synchronous = FULL` makes a committed
 * transaction survive a power cut, not only a process crash.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDialectConfig } from 'kysely';
import type { Store } from '../../service/store.js';
import { databaseOver } from './database.js';
import type { OpenedDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { randomKeyring, type Keyring } from './sealing/keyring.js';

/** How long a write waits for another process holding the file's write lock. */
const busyTimeoutMs = 5_000;

export async function openSqliteStore(path: string, keyring: Keyring): Promise<Store> {
  return (await openSqliteDatabase(path, keyring)).store;
}

/**
 * The data folder and the database files are the server's user's alone: they hold kubeconfigs and keys. SQLite
 * gives its -wal and -shm files the mode of the database file (unix VFS robust_open), so that file is created 0600.
 */
async function makePrivate(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await chmod(dirname(path), 0o700);
  await (await open(path, 'a', 0o600)).close();
  for (const file of [path, `${path}-wal`, `${path}-shm`])
    await chmod(file, 0o600).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
}

/**
 * The store, the address ledger and the deployment records over one SQLite file, its secrets sealed with
 * `keyring`. An in-memory database lives no longer than the process, so a fresh key is all it needs.
 */
export async function openSqliteDatabase(path: ':memory:', keyring?: Keyring): Promise<OpenedDatabase>;
export async function openSqliteDatabase(path: string, keyring: Keyring): Promise<OpenedDatabase>;
export async function openSqliteDatabase(path: string, keyring?: Keyring): Promise<OpenedDatabase> {
  if (keyring === undefined && path !== ':memory:') throw new Error('a SQLite file needs a master keyring');
  if (path !== ':memory:') await makePrivate(path);
  const database = new SqliteDatabase(path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) });
    await migrateToLatest(db, 'sqlite');
    return await databaseOver(db, 'sqlite', keyring ?? randomKeyring());
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * Takes the write lock when a transaction begins. A deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY if another process wrote
 * in between, and `busy_timeout` cannot help; an immediate one waits its turn.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.#config);
  }
}

class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
