/**
 * Field paths for managed-fields bookkeeping: the leaf paths of an object, reading and
 * writing a value at a path, and the FieldsV1 encoding (`{"f:spec": {"f:hosts": {}}}`).
 *
 * Simplification (vs. structured-merge-diff): a leaf is a scalar, an array or an empty
 * object. Arrays are atomic — owned and replaced as a whole, never per item (`k:`/`v:`/
 * `i:` keys), like a `listType: atomic` list. Maps are granular down to their leaves.
 */

export type FieldPath = readonly string[];
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}

/** Every leaf path of `value` (a scalar, an array or an empty object ends a path). */
export function leafPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isPlainObject(value) || (Object.keys(value).length === 0 && prefix.length > 0)) return [prefix];
  return Object.entries(value)
    .filter(([, child]) => child !== undefined)
    .flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

export function getAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** Sets `path` to `leaf`, creating (or replacing non-object) intermediate maps. */
export function setAt(target: Record<string, unknown>, path: FieldPath, leaf: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) current[last] = leaf;
}

/** Deletes `path`, then the maps it leaves empty (but never `keep`, e.g. `metadata`). */
export function deleteAt(target: Record<string, unknown>, path: FieldPath, keep: (path: FieldPath) => boolean): void {
  const parents: Record<string, unknown>[] = [];
  let current: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(current)) return;
    parents.push(current);
    current = current[key];
  }
  const last = path[path.length - 1];
  if (!isPlainObject(current) || last === undefined) return;
  delete current[last];
  for (let depth = path.length - 1; depth > 0; depth -= 1) {
    const parent = parents[depth - 1] as Record<string, unknown>;
    const key = path[depth - 1] as string;
    const child = parent[key];
    if (!isPlainObject(child) || Object.keys(child).length > 0 || keep(path.slice(0, depth))) return;
    delete parent[key];
  }
}

export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

/** `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

/** `.spec.hosts`, `.metadata.labels.app.kubernetes.io/name`: how the API server prints a path. */
export function pathString(path: FieldPath): string {
  return path.map((key) => `.${key}`).join('');
}

export function encodeFieldsV1(paths: readonly FieldPath[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    let current = root;
    for (const key of path) {
      const field = `f:${key}`;
      if (!isPlainObject(current[field])) current[field] = {};
      current = current[field] as Record<string, unknown>;
    }
  }
  return root;
}

/**
 * The owned leaf paths of a FieldsV1 tree. An `f:` key whose children are only `.` or
 * list-item keys (`k:`, `v:`, `i:`) is read as owning that whole field.
 */
export function decodeFieldsV1(fields: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isPlainObject(fields)) return prefix.length > 0 ? [prefix] : [];
  const children = Object.entries(fields).filter(([key]) => key.startsWith('f:'));
  if (children.length === 0) return prefix.length > 0 ? [prefix] : [];
  return children.flatMap(([key, child]) => decodeFieldsV1(child, [...prefix, key.slice(2)]));
}
