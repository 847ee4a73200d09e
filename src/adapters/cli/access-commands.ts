/**
 * `meshbridge token create|list|revoke` and `meshbridge audit`: an admin's view of who
 * may use the API and what they did. The token's secret is printed once, on creation.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { StoredAuditEvent as AuditView } from '../../service/access/access-records.js';
import type { TokenView as StoredTokenView } from '../../service/access/tokens.js';
import { describeError, type ApiClient } from './api-client.js';
import { contextOption } from './connection.js';
import type { Output } from './output.js';
import {
  parseResourceFormat,
  printDocument,
  printResources,
  resourceOutputOption,
  type DocumentView,
  type ResourceView,
} from './resource-output.js';

interface Connected {
  server?: string;
  context?: string;
  output?: string;
}

export type Connector = (options: Connected) => Promise<ApiClient>;

/** As the API sends it; `token` only in the answer to a create. */
type TokenView = StoredTokenView & { token?: string };

const collect = (value: string, previous: string[] = []) => [...previous, value];

function dayCount(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number of days');
  return Number(value);
}

function withConnection(command: Command): Command {
  return command
    .addOption(new Option('-s, --server <url>', 'meshbridge server (env MESHBRIDGE_SERVER)'))
    .addOption(contextOption())
    .addOption(resourceOutputOption());
}

/** The answer's body, or the error on stderr and a failed exit. */
async function call(
  client: ApiClient,
  output: Output,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown | undefined> {
  const response = await client.request(method, path, body);
  if (response.status >= 200 && response.status < 300) return response.body;
  output.err(describeError(response));
  return undefined;
}

const tokenView: ResourceView<TokenView> = {
  headers: ['ID', 'NAME', 'GRANTS', 'SECRETS', 'STATE', 'EXPIRES', 'CREATED BY'],
  row: (token) => [
    token.id,
    token.name,
    token.grants.join(','),
    token.readSecrets ? 'read' : '-',
    token.state,
    token.expiresAt.slice(0, 10),
    token.createdBy,
  ],
  wideHeaders: ['CREATED', 'REVOKED'],
  wideRow: (token) => [token.createdAt, token.revokedAt ?? '-'],
  nameOf: (token) => `tokens/${token.id}`,
  empty: 'No tokens.',
};

const auditView: ResourceView<AuditView> = {
  headers: ['TIME', 'ACTOR', 'ACTION', 'STATUS', 'OUTCOME', 'PATH'],
  row: (event) => [
    event.at.replace(/\.\d+Z$/, 'Z'),
    event.actor,
    event.action,
    String(event.status),
    event.outcome,
    `${event.method} ${event.path}`,
  ],
  wideHeaders: ['SEQUENCE'],
  wideRow: (event) => [String(event.sequence)],
  // An event has no path of its own: `-o name` lists the resources acted on (the path `get` takes).
  nameOf: (event) => event.path.replace(/^\/v2\//, ''),
  empty: 'No events.',
};

/** The new token: the secret once, on stdout alone, so that `| meshbridge config set-context --token-stdin` works. */
const createdView: DocumentView<TokenView> = {
  table: (created) =>
    `token ${created.id} (${created.name}) created; it expires ${created.expiresAt}\n${created.token ?? ''}`,
  names: (created) => [`tokens/${created.id}`],
};

interface CreateOptions extends Connected {
  role: string[];
  readSecrets?: boolean;
  expiresInDays?: number;
}

interface AuditOptions extends Connected {
  actor?: string;
  action?: string;
  path?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit?: string;
}

export function addAccessCommands(
  program: Command,
  connectWith: Connector,
  output: Output,
  setCode: (code: number) => void,
): void {
  const done = (ok: boolean) => setCode(ok ? 0 : 1);
  const token = program.command('token').description('API tokens for people and automation (admin)');
  withConnection(
    token
      .command('create')
      .description('create a token; its secret is printed once')
      .argument('<name>', 'who or what it is for, e.g. "ci-deployer" or "alice@example.com"')
      .requiredOption(
        '--role <role[:project]>',
        'viewer, editor, deployer or admin, optionally :project (repeatable)',
        collect,
      )
      .option('--read-secrets', 'may show rendered secrets (showSecrets=true)')
      .option('--expires-in-days <days>', 'days until it expires (default 90, at most 366)', dayCount),
  ).action(async (name: string, options: CreateOptions) => {
    const body = {
      name,
      grants: options.role,
      readSecrets: options.readSecrets === true,
      ...(options.expiresInDays === undefined ? {} : { expiresInDays: options.expiresInDays }),
    };
    const created = (await call(await connectWith(options), output, 'POST', '/v2/tokens', body)) as
      TokenView | undefined;
    if (created !== undefined) {
      const format = parseResourceFormat(options.output, 'table');
      printDocument(created, format, createdView, output);
      if (format === 'table' || format === 'wide')
        output.err(
          'This is the only time the token is shown: store it now (e.g. meshbridge config set-context --token-stdin).',
        );
    }
    done(created !== undefined);
  });
  withConnection(token.command('list').description('every token, without secrets')).action(
    async (options: Connected) => {
      const tokens = (await call(await connectWith(options), output, 'GET', '/v2/tokens')) as TokenView[] | undefined;
      if (tokens !== undefined) printResources(tokens, parseResourceFormat(options.output, 'table'), tokenView, output);
      done(tokens !== undefined);
    },
  );
  withConnection(
    token.command('revoke').description('revoke a token (kept, revoked, for the record)').argument('<id>'),
  ).action(async (id: string, options: Connected) => {
    const revoked = (await call(
      await connectWith(options),
      output,
      'DELETE',
      `/v2/tokens/${encodeURIComponent(id)}`,
    )) as TokenView | undefined;
    if (revoked !== undefined) output.out(`token ${revoked.id} (${revoked.name}) revoked`);
    done(revoked !== undefined);
  });
  withConnection(
    program
      .command('audit')
      .description('who wrote, deployed, changed tokens or read secrets, newest first (admin)')
      .option('--actor <actor>', 'exactly this principal, e.g. admin or "token:<id> (<name>)"')
      .option('--action <action>', 'create, replace, delete, approve, instantiate, token.create, secrets.read, ...')
      .option('--path <prefix>', 'requests whose path starts with this')
      .addOption(
        new Option('--outcome <outcome>', 'succeeded, failed or denied').choices(['succeeded', 'failed', 'denied']),
      )
      .option('--since <time>', 'ISO 8601 date or time (UTC)')
      .option('--until <time>', 'ISO 8601 date or time (UTC)')
      .option('--limit <n>', 'at most this many (default 100)'),
  ).action(async (options: AuditOptions) => {
    const query = new URLSearchParams();
    for (const key of ['actor', 'action', 'path', 'outcome', 'since', 'until', 'limit'] as const) {
      const value = options[key];
      if (value !== undefined) query.set(key, value);
    }
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    const events = (await call(await connectWith(options), output, 'GET', `/v2/audit${suffix}`)) as
      AuditView[] | undefined;
    if (events !== undefined) printResources(events, parseResourceFormat(options.output, 'table'), auditView, output);
    done(events !== undefined);
  });
}
