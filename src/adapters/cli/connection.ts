/**
 * Which server the CLI talks to and with which token. Flags beat the environment, which beats
 * the config file's current context, which beats the default server:
 *
 * - server: `--server`, else `--context`'s server, else `MESHBRIDGE_SERVER`, else the context's
 *   (`MESHBRIDGE_CONTEXT`, else `current-context`), else the default;
 * - token: `--context`'s token, else `MESHBRIDGE_TOKEN`, else the context's.
 *
 * A context's token is sent only to that context's server: `--server elsewhere` never carries it away.
 */
import { Option } from 'commander';
import { ApiClient } from './api-client.js';
import { ConfigFileError, configPath, readConfig, tokenOf, type CliContext } from './config-file.js';

export interface ConnectionFlags {
  server?: string;
  context?: string;
}

export interface Connection {
  server: string;
  token?: string;
}

type Env = Record<string, string | undefined>;

const normalized = (server: string) =>
  (/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`).replace(/\/+$/, '').toLowerCase();

async function chosenContext(
  name: string | undefined,
  env: Env,
  warn: (text: string) => void,
): Promise<{ context?: CliContext; file?: string }> {
  const file = configPath(env);
  if (file === undefined) {
    if (name !== undefined)
      throw new ConfigFileError(`context ${name}: no config file (set HOME or MESHBRIDGE_CONFIG)`);
    return {};
  }
  const config = await readConfig(file, warn);
  const wanted = name ?? config.currentContext;
  if (wanted === undefined) return { file };
  const context = config.contexts.find((entry) => entry.name === wanted);
  if (!context) throw new ConfigFileError(`${file}: there is no context named ${wanted}`);
  return { context, file };
}

function serverOf(flags: ConnectionFlags, env: Env, context: CliContext | undefined, defaultServer: string): string {
  const fromFlag = flags.context ? context?.server : undefined;
  return flags.server || fromFlag || env.MESHBRIDGE_SERVER || context?.server || defaultServer;
}

export async function resolveConnection(
  flags: ConnectionFlags,
  env: Env,
  defaultServer: string,
  warn: (text: string) => void,
): Promise<Connection> {
  const { context, file } = await chosenContext(flags.context || env.MESHBRIDGE_CONTEXT || undefined, env, warn);
  const server = serverOf(flags, env, context, defaultServer);
  const ownServer = context !== undefined && file !== undefined && normalized(server) === normalized(context.server);
  // Read only when it is the one sent: a token file that is missing matters only then.
  const contextToken = () => (ownServer ? tokenOf(context, file, warn) : Promise.resolve(undefined));
  const envToken = env.MESHBRIDGE_TOKEN || undefined;
  const token = flags.context ? ((await contextToken()) ?? envToken) : (envToken ?? (await contextToken()));
  return { server, ...(token ? { token } : {}) };
}

/** The one way the CLI's commands make their client. */
export async function connect(
  flags: ConnectionFlags,
  env: Env,
  defaultServer: string,
  warn: (text: string) => void,
): Promise<ApiClient> {
  const { server, token } = await resolveConnection(flags, env, defaultServer, warn);
  return new ApiClient(server, token);
}

export const contextOption = () =>
  new Option(
    '--context <name>',
    'a context of the CLI config file (env MESHBRIDGE_CONTEXT; default its current-context)',
  );
