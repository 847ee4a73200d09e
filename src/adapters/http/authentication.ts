/**
 * Bearer-token authentication. With an admin token configured, every request needs
 * `Authorization: Bearer <token>`, except the probes (`/healthz`, `/readyz`), which must be
 * reachable by the kubelet. The token is kept only as its SHA-256 and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../../core/errors.js';

const PROBES = new Set(['/healthz', '/readyz']);
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Whether a presented token is accepted (the admin's, or a JWT of the IdP); it may throw a reason. */
export type TokenCheck = (token: string) => boolean | Promise<boolean>;

export function adminTokenCheck(adminToken: string): TokenCheck {
  const expected = digest(adminToken);
  return (token) => timingSafeEqual(digest(token), expected);
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function registerAuthentication(app: FastifyInstance, check: TokenCheck): void {
  app.addHook('onRequest', async (request) => {
    if (PROBES.has(request.url.split('?')[0] as string)) return;
    const token = bearerToken(request);
    if (token === undefined) throw new UnauthenticatedError('authentication is on: send Authorization: Bearer <token>');
    if (!(await check(token))) throw new UnauthenticatedError('the bearer token is not accepted');
  });
}
