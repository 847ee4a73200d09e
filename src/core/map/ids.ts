/** Map ids: short, URL-safe and stable, a digest of what the item stands for (never of its position). */
import { createHash } from 'node:crypto';

export function mapId(prefix: 'c' | 's' | 'e', ...parts: (string | number)[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  return `${prefix}-${digest.slice(0, 16)}`;
}
