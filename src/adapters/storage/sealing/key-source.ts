/**
 * Where the master keyring comes from. Configured keys (MESHBRIDGE_MASTER_KEY, or a file named by
 * MESHBRIDGE_MASTER_KEY_FILE / --master-key-file) always win. Without them:
 *
 * - a throwaway in-memory database gets a fresh key: its data dies with the process anyway;
 * - SQLite in a data folder gets `<data>/master.key`, generated on first start (0600, in the 0700 folder). A copy of
 *   the database file alone then holds no usable secrets, but a copy of the folder does: operators who want more keep
 *   the key elsewhere and configure it;
 * - PostgreSQL refuses to start: there is no folder of ours to keep a key in, and one kept beside a replica would
 *   differ from the next replica's.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isPostgres, isSqlite, type StoreOptions } from '../open.js';
import { generateMasterKeyText, keyId, parseKeyring, randomKeyring, type Keyring } from './keyring.js';

/** Keys as text (base64, comma- or line-separated, active first) and where they were read, for messages. */
export interface KeySource {
  from: string;
  text: string;
}

export interface KeyringOptions extends StoreOptions {
  masterKey?: KeySource | undefined;
  inMemory?: boolean | undefined;
  /** False: a missing `<data>/master.key` is an error, not made (rotation needs the key the data has). */
  createMissing?: boolean | undefined;
}

export interface ChosenKeyring {
  keyring: Keyring;
  /** Said once in the log: a key was generated, and where it is. */
  notice?: string;
}

export const masterKeyFileName = 'master.key';

export async function masterKeyring(options: KeyringOptions): Promise<ChosenKeyring> {
  if (options.masterKey !== undefined) return { keyring: parseKeyring(options.masterKey.text, options.masterKey.from) };
  if (options.inMemory) return { keyring: randomKeyring() };
  if (isPostgres(options))
    throw new Error(
      'PostgreSQL needs a master key to seal secrets at rest: set MESHBRIDGE_MASTER_KEY or MESHBRIDGE_MASTER_KEY_FILE (make one with: meshbridge keys generate)',
    );
  // A database setting that is neither is refused when the database is opened.
  if (!isSqlite(options)) return { keyring: randomKeyring() };
  return dataFolderKeyring(options.dataDir, options.createMissing ?? true);
}

/** `<dataDir>/master.key`, created when missing unless `createMissing` is false. */
export async function dataFolderKeyring(dataDir: string, createMissing = true): Promise<ChosenKeyring> {
  const path = join(dataDir, masterKeyFileName);
  if (!createMissing) return { keyring: parseKeyring(await readExisting(path), path) };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const created = await createKeyFile(path);
  if ((await stat(path)).mode & 0o077) await chmod(path, 0o600);
  const keyring = parseKeyring(await readFile(path, 'utf8'), path);
  if (!created) return { keyring };
  return {
    keyring,
    notice: `generated master key ${keyring.active.id} in ${path}: it seals the secrets in the database; back it up apart from the database, or keep it elsewhere and set MESHBRIDGE_MASTER_KEY_FILE`,
  };
}

/**
 * Writes a fresh key to a private temporary file, flushes it, and links it into place: `link` fails when the file
 * exists, so of two servers starting at once one key wins whole, and nobody reads a half-written file.
 */
async function createKeyFile(path: string): Promise<boolean> {
  const text = generateMasterKeyText();
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(
      `# meshbridge master key ${keyId(Buffer.from(text, 'base64'))}, generated ${new Date().toISOString()}; active key first\n${text}\n`,
    );
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
    await syncFolder(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

async function readExisting(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `${path} does not exist: give the master keys with MESHBRIDGE_MASTER_KEY, MESHBRIDGE_MASTER_KEY_FILE or --master-key-file`,
      { cause: error },
    );
  }
}

async function syncFolder(path: string): Promise<void> {
  const folder = await open(join(path, '..'), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
