export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values; key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** A copy of `values` with keys in the order of `properties` (a schema's), undefined values dropped. */
export function orderLike(values: Record<string, unknown>, properties: object): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) if (values[key] !== undefined) ordered[key] = values[key];
  for (const key of Object.keys(values)) if (!(key in ordered) && values[key] !== undefined) ordered[key] = values[key];
  return ordered;
}
