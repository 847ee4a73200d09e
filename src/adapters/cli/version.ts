/**
 * `meshbridge version`: the client's version and the server's (`GET /v2/version`), as
 * `kubectl version` prints them; `--client` asks no server. An unreachable server is
 * an error after the client's version has been printed.
 */
import { Option, type Command } from 'commander';
import type { ApiClient } from './api-client.js';
import { describeError } from './api-client.js';
import { contextOption, type ConnectionFlags } from './connection.js';
import { formatData, type Output } from './output.js';

export interface VersionDependencies {
  version: string;
  output: Output;
  connect(flags: ConnectionFlags): Promise<ApiClient>;
}

interface VersionOptions extends ConnectionFlags {
  client?: boolean;
  output?: 'yaml' | 'json';
}

async function serverVersion(client: ApiClient): Promise<{ version?: string; error?: string }> {
  try {
    const response = await client.request('GET', '/v2/version');
    const version = (response.body as { version?: unknown } | undefined)?.version;
    if (response.status === 200 && typeof version === 'string') return { version };
    return { error: describeError(response) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function addVersionCommand(
  program: Command,
  deps: VersionDependencies,
  defaultServer: string,
  setCode: (code: number) => void,
): void {
  program
    .command('version')
    .description('print the client and server versions')
    .option('--client', 'only the client version (no server is asked)')
    .addOption(new Option('-s, --server <url>', `meshbridge server (env MESHBRIDGE_SERVER; default ${defaultServer})`))
    .addOption(contextOption())
    .addOption(new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']))
    .action(async (options: VersionOptions) => {
      const server = options.client ? {} : await serverVersion(await deps.connect(options));
      const versions = {
        clientVersion: deps.version,
        ...(server.version === undefined ? {} : { serverVersion: server.version }),
      };
      if (options.output) deps.output.out(formatData(versions, options.output));
      else {
        deps.output.out(`Client Version: ${versions.clientVersion}`);
        if (versions.serverVersion !== undefined) deps.output.out(`Server Version: ${versions.serverVersion}`);
      }
      if (server.error !== undefined) deps.output.err(`error: the server's version: ${server.error}`);
      setCode(server.error === undefined ? 0 : 1);
    });
}
