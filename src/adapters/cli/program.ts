/** The `meshbridge` command line. */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { OidcConfig } from '../../core/access/oidc-config.js';
import type { Api, ApiClient } from './api-client.js';
import { applyDocuments, deleteDocuments, report } from './apply.js';
import { addAccessCommands } from './access-commands.js';
import { addCheckCommand } from './check.js';
import { addConfigCommands } from './config-commands.js';
import { connect, contextOption } from './connection.js';
import { addClusterCommands } from './cluster-add.js';
import { FileError } from './emcoctl-file.js';
import { fileArgument, processStdin, readFileArguments } from './file-sources.js';
import { getResource } from './get.js';
import {
  addKeysCommands,
  masterKeyFileHelp,
  masterKeyOf,
  type MasterKeyText,
  type RotateReport,
  type RotateRequest,
} from './keys.js';
import { addLifecycleCommands, type Terminal } from './lifecycle.js';
import { oidcSettings } from './oidc-settings.js';
import type { Output } from './output.js';
import { renderWith, type RenderOptions } from './render.js';
import { parseResourceFormat, resourceOutputOption } from './resource-output.js';
import { addCompletionCommand } from './completion.js';
import { addVersionCommand } from './version.js';
import { addGitOpsCommands } from './gitops-bootstrap.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:9015';
export const DEFAULT_PORT = 9015;

export interface ServeRequest {
  port: number;
  host: string;
  dataDir: string;
  database?: string;
  /** Turns authentication on: every request but the probes needs it as a bearer token. */
  adminToken?: string;
  /** Turns authentication on too: bearer JWTs from this identity provider are accepted. */
  oidc?: OidcConfig;
  /** The master keys that seal secrets at rest; unset: `<data>/master.key` for SQLite, refused for PostgreSQL. */
  masterKey?: MasterKeyText;
  deploy: {
    /** Clusters worked at the same time. */
    concurrency: number;
    /** Seconds between reconcile passes; 0 turns them off. */
    reconcileSeconds: number;
    /** Deadline of one call to a cluster. */
    retry: { timeoutMs: number };
    /** Where GitOps repositories may be: local roots and URL prefixes; none when empty. */
    gitopsAllow: string[];
    /** Seconds an operation lease lives unrenewed (failover time after a replica dies). */
    leaseSeconds: number;
  };
}

export interface CliDependencies {
  output: Output;
  env: Record<string, string | undefined>;
  version: string;
  /** Starts the server and resolves when it has stopped. */
  serve(request: ServeRequest): Promise<void>;
  /** Runs `work` against the API in this process on a store in memory (offline rendering): no server, no socket. */
  withOfflineApi<T>(work: (api: Api) => Promise<T>): Promise<T>;
  /** stdout as a terminal (progress bars, colours); without it, output is plain lines. */
  terminal?: Terminal;
  /** The whole of standard input (`config set-context --token-stdin`); process.stdin when absent. */
  stdin?: () => Promise<string>;
  /** Stops `status --watch` (tests); without it, the first SIGINT does. */
  interrupt?: AbortSignal;
  /** `keys rotate`: seals every secret of a database under the active master key. */
  rotateKeys?(request: RotateRequest): Promise<RotateReport>;
}

interface ClientOptions {
  server?: string;
  context?: string;
  output?: string;
}

/** Flags, then the environment, then the config file's context (see connection.ts). */
function clientFor(options: ClientOptions, deps: CliDependencies): Promise<ApiClient> {
  return connect(options, deps.env, DEFAULT_SERVER, deps.output.err);
}

const serverOption = () =>
  new Option('-s, --server <url>', `meshbridge server (env MESHBRIDGE_SERVER; default ${DEFAULT_SERVER})`);

/** An option's value, else its environment variable's, else the default; a bad variable is named. */
function setting(
  given: number | undefined,
  env: CliDependencies['env'],
  name: string,
  minimum: number,
  fallback: number,
) {
  if (given !== undefined) return given;
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  try {
    return wholeNumber(minimum)(value);
  } catch (error) {
    throw new Error(`${name} ${(error as Error).message}`);
  }
}

function wholeNumber(minimum: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < minimum)
      throw new InvalidArgumentError(`must be a whole number ≥ ${minimum}`);
    return Number(value);
  };
}

interface ServeOptions {
  port: number;
  host: string;
  adminTokenFile?: string;
  oidcConfig?: string;
  masterKeyFile?: string;
  data: string;
  database?: string;
  deployConcurrency?: number;
  reconcileInterval?: number;
  callTimeout?: number;
  gitopsAllow?: string[];
  leaseTtl?: number;
}

/** `--gitops-allow`, repeated; without it, `MESHBRIDGE_GITOPS_ALLOW` (comma-separated). */
function gitopsAllowOf(flags: string[] | undefined, env: CliDependencies['env']): string[] {
  const entries = flags ?? (env.MESHBRIDGE_GITOPS_ALLOW ?? '').split(',');
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** The admin token: from a file (the operator's choice of path, read once at start), else the environment. */
async function adminTokenOf(file: string | undefined, env: CliDependencies['env']): Promise<string | undefined> {
  const token = file === undefined ? env.MESHBRIDGE_ADMIN_TOKEN : (await readFile(file, 'utf8')).trim();
  if (token !== undefined && token.length < 16)
    throw new Error('the admin token must be at least 16 characters (e.g. openssl rand -hex 32)');
  return token || undefined;
}

function addServe(program: Command, deps: CliDependencies, setCode: (code: number) => void): void {
  const env = deps.env;
  program
    .command('serve')
    .description('serve the API (SQLite in --data unless --database or DATABASE_URL names PostgreSQL)')
    .option('-p, --port <port>', 'TCP port', (value) => Number(value), Number(env.MESHBRIDGE_PORT ?? DEFAULT_PORT))
    .option(
      '--host <host>',
      'address to listen on; other than loopback only with authentication (env MESHBRIDGE_HOST)',
      env.MESHBRIDGE_HOST ?? '127.0.0.1',
    )
    .option(
      '--admin-token-file <file>',
      'file holding the admin bearer token, which turns authentication on (env MESHBRIDGE_ADMIN_TOKEN_FILE, or the token itself in MESHBRIDGE_ADMIN_TOKEN)',
    )
    .option(
      '--oidc-config <file>',
      'JSON or YAML file of OIDC settings (issuer, audience, rolesClaim, roleMap, ...), which turns authentication on (env MESHBRIDGE_OIDC_CONFIG, or MESHBRIDGE_OIDC_ISSUER, _AUDIENCE, _ROLES_CLAIM, _ROLE_MAP, ...)',
    )
    .option('--master-key-file <file>', masterKeyFileHelp)
    .option('-d, --data <dir>', 'data folder for the SQLite database', env.MESHBRIDGE_DATA ?? './.meshbridge')
    .option('--database <url>', 'postgres://... to use PostgreSQL (env DATABASE_URL)')
    .option(
      '--deploy-concurrency <n>',
      'clusters deployed to at the same time (env MESHBRIDGE_DEPLOY_CONCURRENCY; default 8)',
      wholeNumber(1),
    )
    .option(
      '--reconcile-interval <seconds>',
      'seconds between drift-repair passes, 0 for none (env MESHBRIDGE_RECONCILE_INTERVAL; default 300)',
      wholeNumber(0),
    )
    .option(
      '--call-timeout <seconds>',
      'deadline of one call to a cluster (env MESHBRIDGE_CALL_TIMEOUT; default 15)',
      wholeNumber(1),
    )
    .option(
      '--lease-ttl <seconds>',
      'seconds an operation lease lives unrenewed: how soon another replica takes over a dead one (env MESHBRIDGE_LEASE_TTL; default 15)',
      wholeNumber(3),
    )
    .option(
      '--gitops-allow <prefix>',
      'a folder or https:// / ssh URL prefix GitOps repositories may be under; repeatable (env MESHBRIDGE_GITOPS_ALLOW, comma-separated; default none)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .action(async (options: ServeOptions) => {
      const database = options.database ?? env.DATABASE_URL;
      const adminToken = await adminTokenOf(options.adminTokenFile ?? env.MESHBRIDGE_ADMIN_TOKEN_FILE, env);
      const oidc = await oidcSettings(options.oidcConfig ?? env.MESHBRIDGE_OIDC_CONFIG, env);
      const masterKey = await masterKeyOf(options.masterKeyFile, env);
      await deps.serve({
        port: options.port,
        host: options.host,
        ...(adminToken ? { adminToken } : {}),
        ...(oidc ? { oidc } : {}),
        ...(masterKey ? { masterKey } : {}),
        dataDir: options.data,
        ...(database ? { database } : {}),
        deploy: {
          concurrency: setting(options.deployConcurrency, env, 'MESHBRIDGE_DEPLOY_CONCURRENCY', 1, 8),
          reconcileSeconds: setting(options.reconcileInterval, env, 'MESHBRIDGE_RECONCILE_INTERVAL', 0, 300),
          retry: { timeoutMs: setting(options.callTimeout, env, 'MESHBRIDGE_CALL_TIMEOUT', 1, 15) * 1000 },
          gitopsAllow: gitopsAllowOf(options.gitopsAllow, env),
          leaseSeconds: setting(options.leaseTtl, env, 'MESHBRIDGE_LEASE_TTL', 3, 15),
        },
      });
      setCode(0);
    });
}

function addFileCommands(program: Command, deps: CliDependencies, setCode: (code: number) => void): void {
  for (const verb of ['apply', 'delete'] as const) {
    program
      .command(verb)
      .description(
        verb === 'apply'
          ? 'create or update every document of an emcoctl file, in order'
          : 'delete every document of an emcoctl file, last first',
      )
      .requiredOption(
        '-f, --file <file>',
        'emcoctl-format YAML file, folder (its .yaml/.yml/.json) or - (stdin); repeatable',
        fileArgument,
      )
      .option('-v, --values <file>', 'values for {{.Key}} in the file')
      .option('--stop-on-failure', 'stop at the first document that fails')
      .addOption(serverOption())
      .addOption(contextOption())
      .addOption(resourceOutputOption())
      .action(async (options: ClientOptions & { file: string[]; values?: string; stopOnFailure?: boolean }) => {
        const documents = await readFileArguments(options.file, options.values, deps.stdin ?? processStdin);
        const client = await clientFor(options, deps);
        const run = verb === 'apply' ? applyDocuments : deleteDocuments;
        const results = await run(client, documents, options.stopOnFailure ?? false);
        setCode(report(results, parseResourceFormat(options.output, 'table'), deps.output) ? 0 : 1);
      });
  }
}

function addGet(program: Command, deps: CliDependencies, setCode: (code: number) => void): void {
  program
    .command('get')
    .description('show a resource or list a collection, e.g. `get projects/demo/logical-clouds`')
    .argument('<anchor>', 'path below /v2')
    .addOption(serverOption())
    .addOption(contextOption())
    .addOption(resourceOutputOption())
    .action(async (anchor: string, options: ClientOptions) => {
      const ok = await getResource(
        await clientFor(options, deps),
        anchor,
        options.output ? parseResourceFormat(options.output, 'yaml') : undefined,
        deps.output,
      );
      setCode(ok ? 0 : 1);
    });
}

function addRender(program: Command, deps: CliDependencies, setCode: (code: number) => void): void {
  program
    .command('render')
    .description('print the Istio objects of every cluster; with -f, offline from emcoctl files (no server needed)')
    .option(
      '-f, --file <file...>',
      'emcoctl files, folders or - (stdin) to render, applied in order to an in-memory store (lifecycle documents skipped)',
    )
    .option('-v, --values <file>', 'values for the templates of the -f files')
    .option('--cluster <provider/cluster>', 'only this cluster')
    .option('--out <dir>', 'write one file per cluster: <dir>/<provider>/<cluster>.yaml')
    .option('--show-secrets', 'show Secret data instead of redacting it')
    .addOption(serverOption())
    .addOption(contextOption())
    .addOption(resourceOutputOption('yaml'))
    .action(
      async (
        options: ClientOptions & {
          file?: string[];
          values?: string;
          cluster?: string;
          out?: string;
          showSecrets?: boolean;
        },
      ) => {
        const request: RenderOptions = {
          files: options.file ?? [],
          ...(options.values ? { values: options.values } : {}),
          ...(deps.stdin ? { stdin: deps.stdin } : {}),
          format: parseResourceFormat(options.output, 'yaml'),
          showSecrets: options.showSecrets ?? false,
          ...(options.cluster ? { cluster: options.cluster } : {}),
          ...(options.out ? { out: options.out } : {}),
        };
        const ok =
          request.files.length > 0 && !options.server && !options.context
            ? await deps.withOfflineApi((api) => renderWith(api, { ...request, offline: true }, deps.output))
            : await renderWith(await clientFor(options, deps), request, deps.output);
        setCode(ok ? 0 : 1);
      },
    );
}

export function buildProgram(deps: CliDependencies, setCode: (code: number) => void): Command {
  const program = new Command('meshbridge')
    .description('Cross-cluster Istio traffic intents: an EMCO-compatible control plane')
    .version(deps.version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.output.out(text.trimEnd()),
      writeErr: (text) => deps.output.err(text.trimEnd()),
    });
  addServe(program, deps, setCode);
  addFileCommands(program, deps, setCode);
  addGet(program, deps, setCode);
  addRender(program, deps, setCode);
  addCheckCommand(program, deps, setCode, DEFAULT_SERVER);
  addLifecycleCommands(program, deps, setCode, DEFAULT_SERVER);
  addConfigCommands(program, deps, setCode);
  addClusterCommands(program, deps, setCode, DEFAULT_SERVER);
  addKeysCommands(program, deps, setCode);
  addAccessCommands(program, (options) => clientFor(options, deps), deps.output, setCode);
  addVersionCommand(program, { ...deps, connect: (options) => clientFor(options, deps) }, DEFAULT_SERVER, setCode);
  addGitOpsCommands(program, { ...deps, connect: (options) => clientFor(options, deps) }, setCode, DEFAULT_SERVER);
  addCompletionCommand(program, deps.output, setCode);
  return program;
}

/** Runs the CLI and returns its exit code; never exits the process itself. */
export async function runCli(argv: string[], deps: CliDependencies): Promise<number> {
  let code = 0;
  const program = buildProgram(deps, (value) => (code = value));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    deps.output.err(`error: ${error instanceof FileError || error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
