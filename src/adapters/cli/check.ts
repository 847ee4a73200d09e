/** `meshbridge check route`: where a call would go, with what share, and whether it is let in (seed 001 step 6). */
import { Option, type Command } from 'commander';
import { describeError, type ApiClient } from './api-client.js';
import { connect, contextOption } from './connection.js';
import { table, type Output } from './output.js';
import type { CliDependencies } from './program.js';
import { parseResourceFormat, printDocument, resourceOutputOption, type DocumentView } from './resource-output.js';

interface Hop {
  hop: string;
  cluster: string;
  ok: boolean;
  detail: string;
  source?: string;
}

interface CheckOptions {
  from: string;
  to: string;
  cluster: string;
  path: string;
  method: string;
  project?: string;
  namespace?: string;
  sourceIp?: string;
  port?: string;
  server?: string;
  context?: string;
  output?: string;
}

/** The answer of `GET /v2/check-route`, as far as the table shows it. */
interface CheckAnswer {
  from: { app: string; project: string; namespace: string };
  caller: { cluster: string; principal: string };
  request: { host: string; resolvedHost: string; method: string; path: string };
  dns: Hop;
  route: string;
  destinations: {
    host: string;
    servingCluster: string | null;
    share: number;
    delivered: boolean;
    refusedAt: string | null;
    reason: string;
    hops: Hop[];
  }[];
  ok: boolean;
  notes: string[];
}

const HELP = `
Traces the call through meshbridge's data-plane model, from the rendered objects
and each cluster's mesh facts, the way istiod and Envoy of that cluster's Istio
release would carry it: DNS; the VirtualService the caller sees and the first
http rule the call matches (destinations and shares); then, for each destination,
the caller's outbound cluster and its TLS, the endpoint, the serving cluster's
east-west gateway and SNI cluster, the server's inbound mTLS and trust domain,
and its AuthorizationPolicies. Each hop says what it decided; the first that
refuses is named.

Exit status: 0 when every destination the call is sent to is delivered;
1 otherwise (no DNS answer, no route, a refused hop, or an error).

Example:
  meshbridge check route --from sleep --to service01 --cluster metro/cluster1 --path /headers`;

function summary(answer: CheckAnswer): string {
  const { request, caller, from } = answer;
  const resolved = request.resolvedHost === request.host ? '' : ` (${request.resolvedHost})`;
  return [
    `${request.method} ${request.path} from ${from.app} (${caller.principal}) in ${caller.cluster} to ${request.host}${resolved}`,
    `DNS: ${answer.dns.detail}`,
    `Route: ${answer.route}`,
  ].join('\n');
}

function verdict(answer: CheckAnswer): string {
  const sent = answer.destinations.filter((destination) => destination.share > 0);
  if (!answer.dns.ok) return 'Result: refused at dns: nothing is sent';
  if (sent.length === 0) return 'Result: the call reaches no destination';
  const plural = (count: number) => `${count} destination${count === 1 ? '' : 's'}`;
  if (answer.ok) return `Result: delivered to ${plural(sent.length)}`;
  const refused = sent.filter((destination) => !destination.delivered);
  const where = [...new Set(refused.map((destination) => destination.refusedAt))].join(', ');
  return `Result: ${refused.length} of ${plural(sent.length)} refused (at ${where})`;
}

/** `sources`: each hop also names the istio/istio source it mirrors (`-o wide`). */
function hopLines(destination: CheckAnswer['destinations'][number], sources: boolean): string {
  const head = `${destination.host} → ${destination.servingCluster ?? '-'} (${destination.share.toFixed(2)}%)`;
  const lines = destination.hops.map((hop) => {
    const line = `  ${hop.ok ? '✓' : '✗'} ${hop.hop.padEnd(13)} ${hop.cluster.padEnd(16)} ${hop.detail}`;
    return sources && hop.source ? `${line}\n      source: ${hop.source}` : line;
  });
  return [head, ...lines].join('\n');
}

export function formatCheck(answer: CheckAnswer, sources = false): string {
  const rows = answer.destinations.map((destination) => [
    destination.host,
    destination.servingCluster ?? '-',
    `${destination.share.toFixed(2)}%`,
    destination.delivered ? 'delivered' : `refused at ${destination.refusedAt ?? '?'}`,
    destination.reason,
  ]);
  const parts = [summary(answer)];
  if (rows.length > 0) {
    parts.push(table(['DESTINATION', 'CLUSTER', 'SHARE', 'VERDICT', 'REASON'], rows));
    parts.push(answer.destinations.map((destination) => hopLines(destination, sources)).join('\n\n'));
  }
  if (answer.notes.length > 0) parts.push(answer.notes.map((note) => `note: ${note}`).join('\n'));
  parts.push(verdict(answer));
  return parts.join('\n\n');
}

/** `-o name`: where the call is sent, `provider/cluster/host` per destination. */
const checkView: DocumentView<CheckAnswer> = {
  table: (answer) => formatCheck(answer),
  wide: (answer) => formatCheck(answer, true),
  names: (answer) =>
    answer.destinations
      .filter((destination) => destination.share > 0)
      .map((destination) => `${destination.servingCluster ?? '-'}/${destination.host}`),
};

async function runCheck(options: CheckOptions, client: ApiClient, output: Output): Promise<boolean> {
  const query = new URLSearchParams({
    from: options.from,
    to: options.to,
    cluster: options.cluster,
    path: options.path,
    method: options.method.toUpperCase(),
  });
  for (const key of ['project', 'namespace', 'sourceIp', 'port'] as const) {
    const value = options[key];
    if (value !== undefined) query.set(key, value);
  }
  const response = await client.request('GET', `/v2/check-route?${query.toString()}`);
  if (response.status !== 200) {
    output.err(describeError(response));
    return false;
  }
  const answer = response.body as CheckAnswer;
  printDocument(answer, parseResourceFormat(options.output, 'table'), checkView, output);
  return answer.ok;
}

export function addCheckCommand(
  program: Command,
  deps: CliDependencies,
  setCode: (code: number) => void,
  defaultServer: string,
): void {
  const check = program.command('check').description('check what the rendered configuration does');
  check
    .command('route')
    .description('trace a call hop by hop: where it goes, with what share, and whether it is delivered')
    .requiredOption('--from <app>', 'the calling app')
    .requiredOption('--to <host>', 'the host it calls (service01, service01.bar, an FQDN or a cross-cluster host)')
    .requiredOption('--cluster <provider/cluster>', 'the cluster the caller runs in')
    .requiredOption('--path <path>', 'request path, e.g. /headers')
    .option('--method <method>', 'HTTP method', 'GET')
    .option('--port <port>', "the port called (default: the host's lowest port)")
    .option('--project <project>', 'the project, when the app runs in that cluster for several')
    .option('--namespace <namespace>', 'the namespace, when the app runs in several there')
    .option('--source-ip <ip>', "the caller's IP, for policies on ipBlocks")
    .addOption(new Option('-s, --server <url>', `meshbridge server (env MESHBRIDGE_SERVER; default ${defaultServer})`))
    .addOption(contextOption())
    .addOption(resourceOutputOption())
    .addHelpText('after', HELP)
    .action(async (options: CheckOptions) => {
      const client = await connect(options, deps.env, defaultServer, deps.output.err);
      setCode((await runCheck(options, client, deps.output)) ? 0 : 1);
    });
}
