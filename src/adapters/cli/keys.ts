/**
 * The master keys that seal secrets at rest: where `serve` and `keys rotate` read them, `keys generate` to make one,
 * and `keys rotate` to move every secret under the active key so an old one can be removed (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliDependencies } from './program.js';

/** Keys as text (base64, comma- or line-separated, active first) and where they were read, for messages. */
export interface MasterKeyText {
  from: string;
  text: string;
}

/** Which database to rotate, and with which keys; unset keys mean `<data>/master.key` for SQLite. */
export interface RotateRequest {
  dataDir: string;
  database?: string;
  masterKey?: MasterKeyText;
}

export interface RotateReport {
  activeKey: string;
  resources: number;
  files: number;
  records: number;
}

export const masterKeyFileHelp =
  'file of base64 master keys, one a line, the active first (env MESHBRIDGE_MASTER_KEY_FILE, or the keys themselves, comma-separated, in MESHBRIDGE_MASTER_KEY)';

/** A file (the option, else MESHBRIDGE_MASTER_KEY_FILE) wins over MESHBRIDGE_MASTER_KEY; neither gives undefined. */
export async function masterKeyOf(
  file: string | undefined,
  env: CliDependencies['env'],
): Promise<MasterKeyText | undefined> {
  const path = file || env.MESHBRIDGE_MASTER_KEY_FILE;
  if (path) return { from: path, text: await readFile(path, 'utf8') };
  const text = env.MESHBRIDGE_MASTER_KEY;
  return text ? { from: 'MESHBRIDGE_MASTER_KEY', text } : undefined;
}

interface RotateOptions {
  data: string;
  database?: string;
  masterKeyFile?: string;
}

export function addKeysCommands(program: Command, deps: CliDependencies, setCode: (code: number) => void): void {
  const keys = program.command('keys').description('master keys that seal secrets at rest');
  keys
    .command('generate')
    .description('print a fresh master key (base64 of 32 random bytes)')
    .action(() => {
      deps.output.out(randomBytes(32).toString('base64'));
      setCode(0);
    });
  keys
    .command('rotate')
    .description(
      'seal every secret of the database under the active (first) master key; afterwards the others can be removed',
    )
    .option('-d, --data <dir>', 'data folder of the SQLite database', deps.env.MESHBRIDGE_DATA ?? './.meshbridge')
    .option('--database <url>', 'postgres://... to use PostgreSQL (env DATABASE_URL)')
    .option('--master-key-file <file>', masterKeyFileHelp)
    .action(async (options: RotateOptions) => {
      if (deps.rotateKeys === undefined) throw new Error('keys rotate is not available here');
      const database = options.database ?? deps.env.DATABASE_URL;
      const masterKey = await masterKeyOf(options.masterKeyFile, deps.env);
      const report = await deps.rotateKeys({
        dataDir: options.data,
        ...(database ? { database } : {}),
        ...(masterKey ? { masterKey } : {}),
      });
      deps.output.out(
        `every secret is now sealed under master key ${report.activeKey} (rewritten: ${report.resources} resources, ${report.files} files, ${report.records} deployment records); other keys may now be removed from the keyring`,
      );
      setCode(0);
    });
}
