/** API tokens (`/v2/tokens`) and the audit log (`/v2/audit`): a global admin's. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError, type Issue } from '../../core/errors.js';
import { ADMIN } from '../../core/access/principal.js';
import type { AccessRecords, AuditFilter } from '../../service/access/access-records.js';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, readNewToken, type TokenService } from '../../service/access/tokens.js';
import { AnyObject, BODY_ERRORS, errorResponses, success } from './openapi.js';

const OUTCOMES = ['succeeded', 'failed', 'denied'] as const;
const MAX_EVENTS = 1000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/;

/** What `readNewToken` accepts (service/access/tokens.ts checks it and names every bad field). */
const NEW_TOKEN = Type.Object(
  {
    name: Type.String({ pattern: '^[\\w .@:-]{1,100}$' }),
    grants: Type.Array(Type.String({ description: 'viewer, editor, deployer or admin, optionally :project' }), {
      minItems: 1,
      maxItems: 50,
    }),
    readSecrets: Type.Optional(Type.Boolean({ description: 'may use showSecrets' })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS, default: DEFAULT_TOKEN_DAYS })),
  },
  { additionalProperties: false },
);

const auditQuery = {
  type: 'object',
  properties: {
    actor: { type: 'string', description: 'exactly this principal, e.g. admin or token:<id> (<name>)' },
    action: { type: 'string', description: 'create, replace, delete, instantiate, token.create, secrets.read, ...' },
    path: { type: 'string', description: 'paths starting with this' },
    outcome: { type: 'string', enum: [...OUTCOMES] },
    since: { type: 'string', description: 'ISO 8601, inclusive' },
    until: { type: 'string', description: 'ISO 8601, inclusive' },
    before: { type: 'string', description: 'events recorded before this sequence number (next page)' },
    limit: { type: 'string', description: `at most this many, newest first (default 100, at most ${MAX_EVENTS})` },
  },
};

function readFilter(query: Record<string, unknown>): AuditFilter {
  const issues: Issue[] = [];
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      issues.push({ path: name, message: 'must be given once, not empty' });
    return typeof value === 'string' ? value : undefined;
  };
  const whole = (name: string, max: number): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,15}$/.test(value) || Number(value) < 1 || Number(value) > max)
      issues.push({ path: name, message: `must be a whole number from 1 to ${max}` });
    return Number(value);
  };
  const instant = (name: string): string | undefined => {
    const value = text(name);
    if (value !== undefined && !ISO_INSTANT.test(value))
      issues.push({ path: name, message: 'must be an ISO 8601 date or time (UTC)' });
    return value;
  };
  const outcome = text('outcome');
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome))
    issues.push({ path: 'outcome', message: 'must be succeeded, failed or denied' });
  const filter: AuditFilter = { limit: whole('limit', MAX_EVENTS) ?? 100 };
  const actor = text('actor');
  const action = text('action');
  const pathPrefix = text('path');
  const since = instant('since');
  const until = instant('until');
  const before = whole('before', Number.MAX_SAFE_INTEGER);
  for (const key of Object.keys(query))
    if (!(key in auditQuery.properties)) issues.push({ path: key, message: 'is not a filter of the audit log' });
  if (issues.length > 0) throw new ValidationError('bad query parameters', issues);
  return {
    ...filter,
    ...(actor === undefined ? {} : { actor }),
    ...(action === undefined ? {} : { action }),
    ...(pathPrefix === undefined ? {} : { pathPrefix }),
    ...(outcome === undefined ? {} : { outcome: outcome as AuditFilter['outcome'] & string }),
    ...(since === undefined ? {} : { since }),
    // A day alone means the whole of it.
    ...(until === undefined ? {} : { until: /^\d{4}-\d{2}-\d{2}$/.test(until) ? `${until}T23:59:59.999Z` : until }),
    ...(before === undefined ? {} : { before }),
  };
}

const principalOf = (request: FastifyRequest) => request.principal ?? ADMIN;

export function registerAccessRoutes(app: FastifyInstance, tokens: TokenService, records: AccessRecords): void {
  const tags = ['access'];
  app.post(
    '/v2/tokens',
    {
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Create an API token; its secret is in this answer only',
        body: NEW_TOKEN,
        response: {
          201: success('The token, with its secret (mb_...): shown this once, stored hashed', AnyObject),
          ...errorResponses(...BODY_ERRORS),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await tokens.create(principalOf(request), readNewToken(request.body))),
  );
  app.get(
    '/v2/tokens',
    {
      schema: {
        tags,
        operationId: 'listTokens',
        summary: 'Every API token, without secrets',
        response: {
          200: success('Every token, revoked ones too, without secrets', Type.Array(AnyObject)),
          ...errorResponses(),
        },
      },
    },
    async () => tokens.list(),
  );
  app.delete(
    '/v2/tokens/:id',
    {
      schema: {
        tags,
        operationId: 'revokeToken',
        summary: 'Revoke an API token (it is kept, revoked, for the record)',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: success('The revoked token', AnyObject), ...errorResponses(404) },
      },
    },
    async (request) => tokens.revoke((request.params as { id: string }).id),
  );
  app.get(
    '/v2/audit',
    {
      schema: {
        tags,
        operationId: 'listAuditEvents',
        summary: 'Who wrote, deployed, changed tokens or read secrets, and when',
        querystring: auditQuery,
        response: { 200: success('The events, newest first', Type.Array(AnyObject)), ...errorResponses(400) },
      },
    },
    async (request) => records.listAudit(readFilter(request.query as Record<string, unknown>)),
  );
}
