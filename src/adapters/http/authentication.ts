/**
 * Who is calling, what they may do, and the record of what they did.
 *
 * With authentication on, every request needs `Authorization: Bearer <token>` — the
 * admin token, an API token (`mb_...`) or an OIDC JWT — except the probes (`/healthz`,
 * `/readyz`), which the kubelet must reach, and the web page's static files (routes with
 * `config.publicPage`, `adapters/web/static-files.ts`). With it off (loopback only, see
 * `compose.ts`), the caller is the local operator with every right.
 * The policy (`core/access/policy.ts`) is checked before any body is read; the
 * audit event is written before the answer leaves, so an acknowledged write is on record.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditActionOf, outcomeOf } from '../../core/access/audit.js';
import { denial, requirementOf, type MatchedRequest } from '../../core/access/policy.js';
import { ADMIN, type Principal } from '../../core/access/principal.js';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';
import { rejectCrossSite } from './same-host.js';
import type { AuditEvent } from '../../service/access/access-records.js';

const PROBES = new Set(['/healthz', '/readyz']);
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** The principal a bearer token stands for; undefined when it is not accepted. */
export type Authenticator = (token: string) => Promise<Principal | undefined>;

export function adminTokenAuthenticator(adminToken: string): Authenticator {
  const expected = digest(adminToken);
  return async (token) => (timingSafeEqual(digest(token), expected) ? ADMIN : undefined);
}

/** The first authenticator that accepts the token decides. */
export function firstAccepting(authenticators: Authenticator[]): Authenticator {
  return async (token) => {
    for (const authenticate of authenticators) {
      const principal = await authenticate(token);
      if (principal !== undefined) return principal;
    }
    return undefined;
  };
}

/** Without authentication the API is reachable from this host only, by its operator. */
export const LOCAL_OPERATOR: Principal = { ...ADMIN, name: 'local (authentication off)' };

export interface AccessOptions {
  /** Absent: authentication is off. */
  authenticate?: Authenticator;
  audit(event: AuditEvent): Promise<void>;
  now(): Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    auditAction?: string;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const showsSecrets = (request: FastifyRequest) =>
  (request.query as { showSecrets?: unknown } | undefined)?.showSecrets === 'true';

async function identify(request: FastifyRequest, authenticate: Authenticator | undefined): Promise<Principal> {
  if (authenticate === undefined) return LOCAL_OPERATOR;
  const token = bearerToken(request);
  if (token === undefined) throw new UnauthenticatedError('authentication is on: send Authorization: Bearer <token>');
  const principal = await authenticate(token);
  if (principal === undefined) throw new UnauthenticatedError('the bearer token is not accepted');
  return principal;
}

/** What the router matched: the policy never reads the raw URL (absolute form, `#`, encodings). */
function matched(request: FastifyRequest): MatchedRequest {
  const params = (request.params ?? {}) as { project?: unknown };
  return {
    method: request.method,
    route: request.routeOptions.url,
    project: typeof params.project === 'string' ? params.project : undefined,
    showSecrets: showsSecrets(request),
  };
}

/** The path as the router saw it, for the audit log: no scheme and host, no query, no fragment. */
function pathOf(request: FastifyRequest): string {
  try {
    return new URL(request.url, 'http://meshbridge.invalid').pathname;
  } catch {
    return request.url.split(/[?#]/)[0] as string;
  }
}

export function registerAccess(app: FastifyInstance, options: AccessOptions): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('auditAction', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url !== undefined && PROBES.has(request.routeOptions.url)) return;
    // The web page's static files: they hold no data, and the API calls the page makes carry the token.
    if (request.routeOptions.config?.publicPage === true) return;
    rejectCrossSite(request, options.authenticate === undefined);
    const principal = await identify(request, options.authenticate);
    request.principal = principal;
    const asked = matched(request);
    request.auditAction = auditActionOf(asked);
    const why = denial(principal, requirementOf(asked));
    if (why === undefined) return;
    // A refused read is on record too: someone tried to see what they may not.
    request.auditAction ??= 'read';
    throw new ForbiddenError(`${principal.name} may not ${request.method} ${pathOf(request)}: ${why}`);
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.principal === undefined || request.auditAction === undefined) return;
    const event: AuditEvent = {
      at: options.now().toISOString(),
      actor: request.principal.name,
      action: request.auditAction,
      method: request.method,
      path: pathOf(request),
      status: reply.statusCode,
      outcome: outcomeOf(reply.statusCode),
    };
    request.auditAction = undefined;
    try {
      await options.audit(event);
    } catch (error) {
      request.log.error({ err: error, audit: event }, 'the audit event could not be recorded');
    }
  });
}
