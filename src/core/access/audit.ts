/**
 * Which requests the audit log records, and under what action: every write, every
 * lifecycle verb, every token change and every read of secrets (and, in the HTTP adapter, every
 * refused request, as `read` when it was one). Plain reads are not
 * recorded (they would drown the rest), nor are requests never authenticated.
 */
import { requirementOf, type MatchedRequest } from './policy.js';

const READING = new Set(['GET', 'HEAD', 'OPTIONS']);
const VERBS = new Set(['approve', 'instantiate', 'update', 'terminate', 'rollback']);

/** Decided on the matched route, as the policy is: a resource named `update` is a `replace`, not a deploy. */
export function auditActionOf(request: MatchedRequest): string | undefined {
  const verb = request.method.toUpperCase();
  if (READING.has(verb)) return request.showSecrets ? 'secrets.read' : undefined;
  const route = request.route ?? '';
  if (route.startsWith('/v2/tokens')) return verb === 'DELETE' ? 'token.revoke' : 'token.create';
  const last = route.split('/').filter(Boolean).pop() ?? '';
  if (requirementOf(request).permission === 'deploy') return VERBS.has(last) ? last : 'status.refresh';
  if (verb === 'POST') return 'create';
  if (verb === 'DELETE') return 'delete';
  return 'replace';
}

export function outcomeOf(status: number): 'succeeded' | 'failed' | 'denied' {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'succeeded' : 'failed';
}
