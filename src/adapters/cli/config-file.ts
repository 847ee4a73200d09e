/**
 * The CLI's own config file, like a kubeconfig: named contexts (a server, and a token or a file
 * holding one) and the current one. It lives at `$MESHBRIDGE_CONFIG`, else
 * `$XDG_CONFIG_HOME/meshbridge/config.yaml`, else `~/.config/meshbridge/config.yaml`; it is
 * written `0600` in a `0700` folder, whole and at once (a temporary file renamed over it).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export interface CliContext {
  name: string;
  server: string;
  /** The bearer token itself. */
  token?: string;
  /** A file holding the token (relative to the config file's folder). */
  tokenFile?: string;
}

export interface CliConfig {
  currentContext?: string;
  contexts: CliContext[];
}

export class ConfigFileError extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,127}$/;
const TOKEN = /^[\x21-\x7e]{1,8192}$/;
const CONTEXT_KEYS = ['name', 'server', 'token', 'token-file'];
const TOP_KEYS = ['current-context', 'contexts'];

/** Where the config file is, from the environment only (so a test's environment is the whole story). */
export function configPath(env: Record<string, string | undefined>): string | undefined {
  if (env.MESHBRIDGE_CONFIG) return resolve(env.MESHBRIDGE_CONFIG);
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'meshbridge', 'config.yaml');
  if (env.HOME) return join(env.HOME, '.config', 'meshbridge', 'config.yaml');
  return undefined;
}

export function contextNameProblem(name: string): string | undefined {
  return NAME.test(name)
    ? undefined
    : 'must be 1-128 letters, digits and . _ @ : / - (starting with a letter or digit)';
}

/** A server as the client takes it: `https://host`, `http://host:port`, or `host:port` (http). */
export function serverProblem(server: string): string | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
    if (url.username || url.password) return 'must not carry credentials (use token or token-file)';
    return undefined;
  } catch {
    return 'must be a URL such as https://meshbridge.example.com';
  }
}

function stringAt(entry: Record<string, unknown>, key: string, path: string, problems: string[]): string | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  problems.push(`${path}.${key}: must be a non-empty string`);
  return undefined;
}

function contextProblems(context: CliContext, path: string): string[] {
  const problems: string[] = [];
  const nameProblem = contextNameProblem(context.name);
  if (nameProblem) problems.push(`${path}.name: ${nameProblem}`);
  const problem = serverProblem(context.server);
  if (problem) problems.push(`${path}.server: ${problem}`);
  if (context.token !== undefined && !TOKEN.test(context.token))
    problems.push(`${path}.token: must be printable characters without spaces`);
  if (context.token !== undefined && context.tokenFile !== undefined)
    problems.push(`${path}: has both token and token-file; keep one`);
  return problems;
}

function contextOf(raw: unknown, path: string, problems: string[]): CliContext | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${path}: must be a mapping with name and server`);
    return undefined;
  }
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry))
    if (!CONTEXT_KEYS.includes(key))
      problems.push(`${path}.${key}: is not a context field (${CONTEXT_KEYS.join(', ')})`);
  const before = problems.length;
  const name = stringAt(entry, 'name', path, problems);
  const server = stringAt(entry, 'server', path, problems);
  const token = stringAt(entry, 'token', path, problems);
  const tokenFile = stringAt(entry, 'token-file', path, problems);
  if (name === undefined || server === undefined) {
    if (problems.length === before) problems.push(`${path}: needs name and server`);
    return undefined;
  }
  const context: CliContext = { name, server, ...(token ? { token } : {}), ...(tokenFile ? { tokenFile } : {}) };
  problems.push(...contextProblems(context, path));
  return context;
}

function configOf(raw: unknown, problems: string[]): CliConfig {
  if (raw === undefined || raw === null) return { contexts: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('must be a mapping with current-context and contexts');
    return { contexts: [] };
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!TOP_KEYS.includes(key)) problems.push(`${key}: is not a setting (${TOP_KEYS.join(', ')})`);
  const list = record.contexts ?? [];
  if (!Array.isArray(list)) problems.push('contexts: must be a list');
  const contexts = (Array.isArray(list) ? list : []).flatMap((entry, index) => {
    const context = contextOf(entry, `contexts[${index}]`, problems);
    return context ? [context] : [];
  });
  const names = contexts.map((context) => context.name);
  for (const [index, name] of names.entries())
    if (names.indexOf(name) !== index)
      problems.push(`contexts[${index}].name: ${name} is already the name of a context`);
  const current = stringAt(record, 'current-context', 'config', problems);
  if (current !== undefined && !names.includes(current))
    problems.push(`current-context: ${current} is not the name of a context`);
  return { ...(current !== undefined ? { currentContext: current } : {}), contexts };
}

/** The config in `text`; a bad file is an error naming the file and every bad field. */
export function parseConfig(text: string, file: string): CliConfig {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 0 });
  } catch (error) {
    throw new ConfigFileError(`${file}: not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const problems: string[] = [];
  const config = configOf(raw, problems);
  if (problems.length > 0) throw new ConfigFileError(`${file}: ${problems.join('; ')}`);
  return config;
}

export function serializeConfig(config: CliConfig): string {
  return stringify({
    ...(config.currentContext !== undefined ? { 'current-context': config.currentContext } : {}),
    contexts: config.contexts.map((context) => ({
      name: context.name,
      server: context.server,
      ...(context.token !== undefined ? { token: context.token } : {}),
      ...(context.tokenFile !== undefined ? { 'token-file': context.tokenFile } : {}),
    })),
  });
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Said on stderr (as kubectl does) rather than refused: it is the user's own file on their own machine. */
async function warnIfShared(file: string, warn: (text: string) => void): Promise<void> {
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0)
    warn(`warning: ${file} holds a token and is readable by others (mode ${mode.toString(8)}): chmod 600 ${file}`);
}

/** The config, or an empty one when the file does not exist. */
export async function readConfig(file: string, warn: (text: string) => void): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return { contexts: [] };
    throw new ConfigFileError(`${file}: ${(error as Error).message}`);
  }
  const config = parseConfig(text, file);
  if (config.contexts.some((context) => context.token !== undefined)) await warnIfShared(file, warn);
  return config;
}

/** Writes the whole file at once: readers see the old file or the new one, never half of one. */
export async function writeConfig(file: string, config: CliConfig): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, serializeConfig(config), { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A context's token: its own, or its token file's first line. */
export async function tokenOf(
  context: CliContext,
  file: string,
  warn: (text: string) => void,
): Promise<string | undefined> {
  if (context.token !== undefined) return context.token;
  if (context.tokenFile === undefined) return undefined;
  const path = resolve(dirname(file), context.tokenFile);
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new ConfigFileError(`${file}: context ${context.name}: token-file ${path}: ${(error as Error).message}`);
  }
  if (!TOKEN.test(token))
    throw new ConfigFileError(`${file}: context ${context.name}: token-file ${path} holds no token on one line`);
  await warnIfShared(path, warn);
  return token;
}
