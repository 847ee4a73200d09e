/**
 * Object names are derived from what they are for, so they are stable across
 * renders and readable in `kubectl get`; a name too long for Kubernetes keeps a
 * readable prefix and ends in a short hash of the whole.
 */
import { createHash } from 'node:crypto';

function sanitize(part: string): string {
  return part
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A DNS-1123 label (≤ 63) by default; pass 253 for names that may be subdomains.
 * Parts are joined with `-`, so when a part holds a `-` itself (`a-b` + `c` and
 * `a` + `b-c`) the name ends in a hash of the parts, and distinct parts never meet.
 */
export function stableName(parts: readonly string[], maxLength = 63): string {
  const clean = parts.map(sanitize).filter((part) => part !== '');
  const joined = clean.join('-') || 'meshbridge';
  const ambiguous = clean.length > 1 && clean.some((part) => part.includes('-'));
  if (joined.length <= maxLength && !ambiguous) return joined;
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 8);
  return `${joined.slice(0, maxLength - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
