/**
 * Who is calling, what they may do, and the record of what they did.
 *
 * With authentication on, every request needs `Authorization: Bearer <token>` — the
 * admin token, an API token (`mb_...`) or an OIDC JWT — except the probes (`/healthz`,
 * `/readyz`), which the kubelet must reach. With it off (loopback only, see
 * `compose.ts`), the caller is the local operator with every right.
 * The policy (`core/access/policy.ts`) is checked before any body is read; the
 * audit event is written before the answer leaves, so an acknowledged write is on record.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditActionOf, outcomeOf } from '../../core/access/audit.js';
import { denial, requirementOf } from '../../core/access/policy.js';
import { ADMIN, type Principal } from '../../core/access/principal.js';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';
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

export function registerAccess(app: FastifyInstance, options: AccessOptions): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('auditAction', undefined);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] as string;
    if (PROBES.has(path)) return;
    const principal = await identify(request, options.authenticate);
    request.principal = principal;
    const secrets = showsSecrets(request);
    request.auditAction = auditActionOf(request.method, request.url, secrets);
    const why = denial(principal, requirementOf(request.method, request.url, secrets));
    if (why !== undefined) throw new ForbiddenError(`${principal.name} may not ${request.method} ${path}: ${why}`);
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.principal === undefined || request.auditAction === undefined) return;
    const event: AuditEvent = {
      at: options.now().toISOString(),
      actor: request.principal.name,
      action: request.auditAction,
      method: request.method,
      path: request.url.split('?')[0] as string,
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
