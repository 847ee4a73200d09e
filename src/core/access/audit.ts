/**
 * Which requests the audit log records, and under what action: every write, every
 * lifecycle verb, every token change and every read of secrets. Plain reads are not
 * recorded (they would drown the rest), nor are requests never authenticated.
 */
import { requirementOf } from './policy.js';

const READING = new Set(['GET', 'HEAD', 'OPTIONS']);
const VERBS = new Set(['approve', 'instantiate', 'update', 'terminate', 'rollback']);

export function auditActionOf(method: string, url: string, showSecrets: boolean): string | undefined {
  const verb = method.toUpperCase();
  const path = url.split('?')[0]!;
  const last = path.split('/').filter(Boolean).pop() ?? '';
  if (READING.has(verb)) return showSecrets ? 'secrets.read' : undefined;
  if (path.startsWith('/v2/tokens')) return verb === 'DELETE' ? 'token.revoke' : 'token.create';
  if (requirementOf(verb, url, false).permission === 'deploy') return VERBS.has(last) ? last : 'status.refresh';
  if (verb === 'POST') return 'create';
  if (verb === 'DELETE') return 'delete';
  return 'replace';
}

export function outcomeOf(status: number): 'succeeded' | 'failed' | 'denied' {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'succeeded' : 'failed';
}
