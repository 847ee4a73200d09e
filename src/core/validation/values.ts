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
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
    );
  }
  return false;
}

/** A copy of `values` with keys in the order of `properties` (a schema's), undefined values dropped. */
export function orderLike(values: Record<string, unknown>, properties: object): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(properties))
    if (Object.hasOwn(values, key) && values[key] !== undefined) setOwn(ordered, key, values[key]);
  for (const key of Object.keys(values))
    if (!Object.hasOwn(ordered, key) && values[key] !== undefined) setOwn(ordered, key, values[key]);
  return ordered;
}

/**
 * Sets an own property whatever its name: a client's map key `__proto__` or
 * `constructor` is data, not a way to reach the object's prototype.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Adds to the list kept under `key`, in place: building a map of lists stays linear. */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, [...values]);
}
