/**
 * Write-only fields (`x-secret` in a schema): stored and used, never shown. A GET
 * shows `REDACTED` where one is set; a PUT that sends `REDACTED` back keeps
 * the stored value, so a resource can be read, edited and written back whole.
 */
import type { TSchema } from '@sinclair/typebox';
import { isPlainObject } from '../validation/values.js';
import type { ResourceBody, ResourceKind } from './kind.js';

export const REDACTED = '<redacted>';

type Path = string[];

const secretPathCache = new WeakMap<TSchema, Path[]>();

/** Paths of every write-only field of a schema (objects only; secrets never sit in lists). */
export function secretPaths(schema: TSchema): Path[] {
  const cached = secretPathCache.get(schema);
  if (cached) return cached;
  const found: Path[] = [];
  const visit = (node: TSchema, path: Path) => {
    if (node['x-secret'] === true) found.push(path);
    for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, TSchema>))
      visit(child, [...path, key]);
  };
  visit(schema, []);
  secretPathCache.set(schema, found);
  return found;
}

function mapAt(
  body: unknown,
  path: Path,
  change: (value: unknown, holder: Record<string, unknown>, key: string) => void,
): void {
  let holder: unknown = body;
  for (const key of path.slice(0, -1)) holder = isPlainObject(holder) ? holder[key] : undefined;
  const leaf = path[path.length - 1];
  if (isPlainObject(holder) && leaf !== undefined && holder[leaf] !== undefined) change(holder[leaf], holder, leaf);
}

export function redact(kind: ResourceKind, body: ResourceBody): ResourceBody {
  const copy = structuredClone(body);
  for (const path of secretPaths(kind.schema)) mapAt(copy, path, (_value, holder, key) => (holder[key] = REDACTED));
  return copy;
}

/**
 * Puts stored secret values where the new body says `REDACTED`. Returns the paths
 * that asked to keep a value that was never set.
 */
export function keepStoredSecrets(kind: ResourceKind, body: ResourceBody, stored: ResourceBody | undefined): string[] {
  const missing: string[] = [];
  for (const path of secretPaths(kind.schema)) {
    mapAt(body, path, (value, holder, key) => {
      if (value !== REDACTED) return;
      let previous: unknown = stored;
      for (const step of path) previous = isPlainObject(previous) ? previous[step] : undefined;
      if (typeof previous === 'string') holder[key] = previous;
      else missing.push(path.join('.'));
    });
  }
  return missing;
}
