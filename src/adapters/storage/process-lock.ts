/**
 * One `meshbridge serve` per SQLite data folder. Deploy operations are coordinated
 * through leases in the database, but SQLite is for a single node: a second server on
 * the same folder is refused at start instead of sharing the work by accident.
 *
 * The lock is SQLite's own: `<data>/serve.lock` is a small database that the server
 * opens in EXCLUSIVE locking mode and writes once, so it holds the file's exclusive
 * lock (a POSIX advisory lock) until it closes it. The kernel drops that lock when the
 * process ends in any way, SIGKILL and power loss included, so no stale lock survives
 * a crash and nothing has to guess whether a recorded pid is still alive (pids repeat:
 * every container's server is pid 1). `<data>/serve.pid` names the holder, for the
 * message only.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export const LOCK_FILE = 'serve.lock';
export const PID_FILE = 'serve.pid';

export class DataFolderInUseError extends Error {}

export interface DataFolderLock {
  /** Lets the next server in. Releasing again does nothing. */
  release(): void;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

async function holderOf(dataDir: string): Promise<string> {
  const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '');
  const [pid, startedAt] = text.trim().split(/\s+/);
  return pid ? ` (pid ${pid}, started ${startedAt ?? 'at an unknown time'}, according to ${PID_FILE})` : '';
}

/** Takes the data folder for this process, or refuses with a `DataFolderInUseError` naming the holder. */
export async function lockDataFolder(dataDir: string): Promise<DataFolderLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = new SqliteDatabase(join(dataDir, LOCK_FILE));
  try {
    lock.pragma('busy_timeout = 0');
    lock.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; in EXCLUSIVE mode it is kept after the commit.
    lock.exec('begin exclusive');
    lock.exec('create table if not exists holder (pid integer not null, started_at text not null)');
    lock.exec('delete from holder');
    lock.prepare('insert into holder values (?, ?)').run(process.pid, new Date().toISOString());
    lock.exec('commit');
  } catch (error) {
    lock.close();
    if (!isBusy(error)) throw error;
    throw new DataFolderInUseError(
      `another meshbridge serve is using the data folder ${dataDir}${await holderOf(dataDir)}; SQLite serves one process: stop that one first, or use PostgreSQL (--database) to run replicas`,
    );
  }
  await writeFile(join(dataDir, PID_FILE), `${process.pid} ${new Date().toISOString()}\n`, { mode: 0o600 });
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      lock.close();
    },
  };
}
