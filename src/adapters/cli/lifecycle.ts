/**
 * The deployment lifecycle of a deployment intent group from the command line:
 * `approve`, `instantiate`, `update`, `terminate`, `rollback`, `deploy` (instantiate
 * or update, whichever applies; `--dry-run` only shows the diff), `status`, `diff`
 * and `revisions`. With `--wait` a command follows the operation it started to its
 * end (see `progress.ts`).
 *
 * Exit status: 0 when it went well (with --wait: the operation succeeded on every
 * cluster); 1 when the operation failed, the server refused the request (409, 404,
 * ...) or could not be reached; 2 when the command was called wrongly.
 */
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { isDeployed } from '../../core/deploy/lifecycle.js';
import type { GroupStatus } from '../../core/deploy/status.js';
import { describeError, type ApiClient } from './api-client.js';
import { connect, contextOption } from './connection.js';
import { formatDiff, type GroupDiff } from './diff-view.js';
import { parseGroup, UsageError, type GroupPath } from './group-path.js';
import { diffNames, revisionView, statusView, type Revision } from './lifecycle-views.js';
import { formatData } from './output.js';
import type { CliDependencies } from './program.js';
import { fetchStatus, progressView, RequestFailed, waitForOperation, type ProgressView } from './progress.js';
import {
  parseResourceFormat,
  printDocument,
  printResources,
  resourceOutputOption,
  type ResourceFormat,
} from './resource-output.js';
import { statusOk } from './status-view.js';
import { watchStatus } from './status-watch.js';

export { UsageError } from './group-path.js';
export type { Terminal } from './progress.js';

const POLL_MS = 500;
const SILENT: ProgressView = { update: () => undefined, finish: () => undefined };
const DEFAULT_TIMEOUT_SECONDS = 600;
/** A diff is not a list of resources: `-o name` lists the objects it would touch. */
const DIFF_FORMATS = ['diff', 'name', 'yaml', 'json'];

type Verb = 'approve' | 'instantiate' | 'update' | 'terminate' | 'rollback';

interface Accepted {
  state: string;
  revision: number;
  action?: string;
}

interface CommonOptions {
  server?: string;
  context?: string;
  output?: string;
  wait?: boolean;
  timeout: number;
}

interface Context {
  client: ApiClient;
  group: GroupPath;
  deps: CliDependencies;
  options: CommonOptions;
}

const HELP = `
<group> is the deployment intent group's path,
  projects/<project>/composite-apps/<app>/<version>/deployment-intent-groups/<group>
(with or without /v2/ in front), or the short form <project>/<app>/<version>/<group>.

Exit status: 0 when it went well (with --wait: the operation succeeded on every
cluster); 1 when the operation failed, or the server refused the request or could
not be reached; 2 when the command was called wrongly.`;

function seconds(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a number of seconds above 0');
  return number;
}

/** Usage mistakes that commander finds (a missing argument, a bad option) exit 2, as ours do. */
function usageExit(error: CommanderError): never {
  throw error.exitCode === 0 ? error : new CommanderError(2, error.code, error.message);
}

function groupCommand(program: Command, name: string, description: string, defaultServer: string): Command {
  return program
    .command(name)
    .description(description)
    .argument('<group>', 'the group: projects/p/composite-apps/ca/v1/deployment-intent-groups/dig or p/ca/v1/dig')
    .addOption(new Option('-s, --server <url>', `meshbridge server (env MESHBRIDGE_SERVER; default ${defaultServer})`))
    .addOption(contextOption())
    .addHelpText('after', HELP)
    .exitOverride(usageExit);
}

function withWait(command: Command): Command {
  return command
    .option('-w, --wait', 'follow the operation to its end; exit 0 only if it succeeded on every cluster')
    .option(
      '--timeout <seconds>',
      'with --wait: give up waiting after this long (the operation goes on)',
      seconds,
      DEFAULT_TIMEOUT_SECONDS,
    );
}

type Work = (context: Context, ...rest: (string | undefined)[]) => Promise<number>;

/** Runs `work` with the group parsed and the client made; usage mistakes exit 2, refused requests 1. */
function action(deps: CliDependencies, setCode: (code: number) => void, defaultServer: string, work: Work) {
  return async (groupArgument: string, ...rest: unknown[]) => {
    const command = rest.at(-1) as Command;
    const options = command.opts<CommonOptions>();
    const extra = rest.slice(0, -2) as (string | undefined)[];
    try {
      const group = parseGroup(groupArgument);
      const client = await connect(options, deps.env, defaultServer, deps.output.err);
      setCode(await work({ client, group, deps, options }, ...extra));
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof RequestFailed)) throw error;
      deps.output.err(error instanceof UsageError ? `error: ${error.message}` : error.message);
      setCode(error instanceof UsageError ? 2 : 1);
    }
  };
}

async function post(context: Context, verb: Verb, body?: unknown): Promise<Accepted> {
  const response = await context.client.request('POST', `${context.group.path}/${verb}`, body);
  if (response.status !== 202 && response.status !== 200) throw new RequestFailed(describeError(response));
  return response.body as Accepted;
}

const clusterCount = (count: number) => `${count} cluster${count === 1 ? '' : 's'}`;

function outcome(status: GroupStatus): string {
  const operation = status.operation;
  if (operation === undefined) return `${status.group}: no operation`;
  const what = `${operation.action} of revision ${operation.revision}`;
  const { summary } = status;
  if (operation.status === 'succeeded') {
    return operation.action === 'terminate'
      ? `${what} succeeded: every cluster emptied`
      : `${what} succeeded: ${clusterCount(summary.clusters)}, ${summary.applied} objects applied`;
  }
  const clusters = `${summary.clustersFailed} of ${clusterCount(summary.clusters)} failed`;
  if (operation.action === 'terminate')
    return `${what} failed: ${clusters}, ${summary.removing + summary.failed} objects left to remove`;
  const failed = summary.failed > 0 ? `, ${summary.failed} failed` : '';
  return `${what} failed: ${clusters}, ${summary.applied}/${summary.objects} objects applied${failed}`;
}

/** Follows the running operation to its end; 0 when it succeeded. `quiet`: no progress and no outcome line. */
async function follow(context: Context, before: readonly string[], quiet = false): Promise<number> {
  const { deps, group, options } = context;
  const view = quiet ? SILENT : progressView(deps.terminal, deps.output, before);
  const { status, timedOut } = await waitForOperation(context.client, group.path, view, {
    timeoutMs: options.timeout * 1000,
    intervalMs: POLL_MS,
  });
  const operation = status.operation;
  if (timedOut && operation) {
    deps.output.err(
      `timed out after ${options.timeout}s: ${operation.action} of revision ${operation.revision} is still running on the server; ` +
        `meshbridge status ${group.short} --wait follows it`,
    );
    return 1;
  }
  if (operation === undefined || quiet) return operation?.status === 'failed' ? 1 : 0;
  deps.output.out(outcome(status));
  if (operation.status === 'succeeded') return 0;
  deps.output.out(`meshbridge status ${group.short} shows every failed object and why`);
  return 1;
}

/** Sends the verb; with --wait follows the operation it started. */
async function runVerb(context: Context, verb: Verb, body?: unknown): Promise<number> {
  const { deps, group, options } = context;
  const waiting = options.wait === true && verb !== 'approve';
  const before = waiting ? (await fetchStatus(context.client, group.path, false)).clusters.map((c) => c.cluster) : [];
  const accepted = await post(context, verb, body);
  if (verb === 'approve') {
    deps.output.out(`approved: ${group.short} is ${accepted.state}`);
    return 0;
  }
  deps.output.out(`${accepted.action ?? verb} of revision ${accepted.revision} started (${accepted.state})`);
  if (!waiting) {
    deps.output.out(`follow it with: meshbridge status ${group.short} --wait`);
    return 0;
  }
  return follow(context, before);
}

function revisionNumber(positional: string | undefined, option: string | undefined): number {
  if (positional !== undefined && option !== undefined && positional !== option)
    throw new UsageError(`two revisions given (${positional} and --revision ${option}): give one`);
  const value = positional ?? option;
  if (value === undefined)
    throw new UsageError('rollback needs the revision to go back to (meshbridge revisions <group> lists them)');
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`revision ${JSON.stringify(value)} is not a revision number (1 or more)`);
  return Number(value);
}

async function getJson<T>(context: Context, path: string): Promise<T> {
  const response = await context.client.request('GET', `${context.group.path}/${path}`);
  if (response.status !== 200) throw new RequestFailed(describeError(response));
  return response.body as T;
}

/**
 * The status with `changed` (after a refresh when asked). The server answers 409 when the
 * intents do not render cleanly now, since it cannot tell what changed: then the status
 * without `changed`, and a warning.
 */
async function readStatus(context: Context, refresh: boolean): Promise<GroupStatus> {
  const { client, group, deps } = context;
  const response = await client.request(
    refresh ? 'POST' : 'GET',
    `${group.path}/status${refresh ? '?refresh=true' : ''}`,
  );
  if (response.status === 200) return response.body as GroupStatus;
  if (response.status !== 409) throw new RequestFailed(describeError(response));
  deps.output.err(`warning: cannot tell whether the intents changed: ${describeError(response)}`);
  return fetchStatus(client, group.path, false);
}

interface StatusOptions extends CommonOptions {
  refresh?: boolean;
  watch?: boolean;
  watchInterval: number;
}

async function showStatus(context: Context): Promise<number> {
  const { deps, group } = context;
  const options = context.options as StatusOptions;
  const refresh = options.refresh === true;
  const format = parseResourceFormat(options.output, 'table');
  if (options.watch) {
    if (options.wait) throw new UsageError('--watch and --wait: give one (--watch follows until ^C)');
    let refreshNext = refresh; // --refresh: the first read only; the polls must not re-apply every time
    const read = () => {
      const fresh = refreshNext;
      refreshNext = false;
      return readStatus(context, fresh);
    };
    const intervalMs = options.watchInterval * 1000;
    return watchStatus({ read, short: group.short, format, intervalMs, output: deps.output, ...signalOf(deps) });
  }
  if (options.wait) {
    const before = await fetchStatus(context.client, group.path, false);
    if (before.operation?.status === 'running') {
      const clusters = before.clusters.map((cluster) => cluster.cluster);
      await follow(context, clusters, !isTable(format));
      if (isTable(format)) deps.output.out('');
    }
  }
  const status = await readStatus(context, refresh);
  printDocument(status, format, statusView(group.short), deps.output);
  return statusOk(status) ? 0 : 1;
}

const isTable = (format: ResourceFormat) => format === 'table' || format === 'wide';
const signalOf = (deps: CliDependencies) => (deps.interrupt ? { signal: deps.interrupt } : {});

async function showDiff(context: Context): Promise<number> {
  const { deps, options } = context;
  const diff = await getJson<GroupDiff>(context, 'diff');
  if (options.output === 'json' || options.output === 'yaml') deps.output.out(formatData(diff, options.output));
  else if (options.output === 'name') printNames(diffNames(diff), deps);
  else deps.output.out(formatDiff(diff, deps.terminal?.isTTY === true && !deps.env.NO_COLOR));
  return 0;
}

async function showRevisions(context: Context): Promise<number> {
  const { deps, options } = context;
  const revisions = await getJson<Revision[]>(context, 'revisions');
  const format = parseResourceFormat(options.output, 'table');
  // Only a table marks the deployed revision: the others print what the API answered.
  const status =
    isTable(format) && revisions.length > 0 ? await fetchStatus(context.client, context.group.path, false) : undefined;
  const deployed = status && isDeployed(status) ? status.revision : 0;
  printResources(revisions, format, revisionView(deployed), deps.output);
  return 0;
}

function printNames(names: string[], deps: CliDependencies): void {
  if (names.length > 0) deps.output.out(names.join('\n'));
}

/**
 * Instantiate when nothing is deployed or the instantiate failed (it is asked again), update
 * otherwise; `--dry-run` shows what it would change.
 */
async function deploy(context: Context, dryRun: boolean): Promise<number> {
  const { deps, group, options } = context;
  const status = await fetchStatus(context.client, group.path, false);
  const verb = isDeployed(status) && status.state !== 'InstantiateFailed' ? 'update' : 'instantiate';
  if (!dryRun) return runVerb(context, verb);
  const diff = await getJson<GroupDiff>(context, 'diff');
  if (options.output === 'json' || options.output === 'yaml') {
    deps.output.out(formatData({ action: verb, ...diff }, options.output));
    return 0;
  }
  if (options.output === 'name') {
    printNames(diffNames(diff), deps);
    return 0;
  }
  deps.output.out(`dry run: would ${verb} ${group.short}; nothing was changed`);
  if (verb === 'instantiate' && !status.approved)
    deps.output.out(`note: the group is not approved yet: meshbridge approve ${group.short} first`);
  deps.output.out('');
  deps.output.out(formatDiff(diff, deps.terminal?.isTTY === true && !deps.env.NO_COLOR));
  return 0;
}

const VERBS: { verb: Exclude<Verb, 'rollback'>; description: string }[] = [
  { verb: 'approve', description: 'approve the group for instantiation' },
  { verb: 'instantiate', description: "deploy the group's rendered objects to every cluster" },
  { verb: 'update', description: 'deploy what changed in the intents since the deployed revision' },
  { verb: 'terminate', description: 'remove everything the group deployed' },
];

function addVerbs(program: Command, deps: CliDependencies, setCode: (code: number) => void, server: string): void {
  for (const { verb, description } of VERBS) {
    withWait(groupCommand(program, verb, description, server)).action(
      action(deps, setCode, server, (context) => runVerb(context, verb)),
    );
  }
  withWait(groupCommand(program, 'rollback', 'deploy the objects of an earlier revision again', server))
    .argument('[revision]', 'the revision to go back to (meshbridge revisions lists them)')
    .option('--revision <n>', 'the revision to go back to')
    .action(
      action(deps, setCode, server, async (context, positional) => {
        const option = (context.options as CommonOptions & { revision?: string }).revision;
        const revision = revisionNumber(positional, option);
        return runVerb(context, 'rollback', { spec: { revision } });
      }),
    );
  withWait(groupCommand(program, 'deploy', 'instantiate the group, or update it when it is deployed', server))
    .option('--dry-run', 'show what would change (the diff) and touch nothing')
    .addOption(new Option('-o, --output <format>', 'with --dry-run: diff, name, yaml or json').choices(DIFF_FORMATS))
    .action(
      action(deps, setCode, server, (context) =>
        deploy(context, (context.options as CommonOptions & { dryRun?: boolean }).dryRun === true),
      ),
    );
}

export function addLifecycleCommands(
  program: Command,
  deps: CliDependencies,
  setCode: (code: number) => void,
  defaultServer: string,
): void {
  addVerbs(program, deps, setCode, defaultServer);
  withWait(groupCommand(program, 'status', 'where every cluster and object of the group stands', defaultServer))
    .option('--refresh', 'read every cluster now, repair drift and retry failures first')
    .option('--watch', 'after the status, print what changes until ^C (as kubectl get -w)')
    .option('--watch-interval <seconds>', 'with --watch: seconds between polls', seconds, 2)
    .addOption(resourceOutputOption())
    .addHelpText(
      'after',
      '\nstatus exits 0 when every cluster is applied (or emptied) and no operation runs or failed.',
    )
    .action(action(deps, setCode, defaultServer, showStatus));
  groupCommand(program, 'diff', 'what an update would create, change and delete (nothing is touched)', defaultServer)
    .addOption(new Option('-o, --output <format>', 'diff, name, yaml or json').choices(DIFF_FORMATS))
    .action(action(deps, setCode, defaultServer, showDiff));
  groupCommand(program, 'revisions', "the group's revisions, oldest first", defaultServer)
    .addOption(resourceOutputOption())
    .action(action(deps, setCode, defaultServer, showRevisions));
}
