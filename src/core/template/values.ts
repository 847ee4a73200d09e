/**
 * The data a template sees: what a YAML values file holds (strings, numbers, booleans,
 * null, lists, maps), read the way emcoctl's gopkg.in/yaml.v3 decodes it into Go.
 */

/** What a field of a map that has no such key yields: Go's invalid reflect.Value, printed `<no value>`. */
export class NoValue {
  constructor(readonly key: string) {}
}

export type Map = Record<string, unknown>;

export const isMap = (value: unknown): value is Map =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof NoValue);

/** Go keeps YAML integers as int and the rest as float64; JavaScript has one number, so integral means int. */
export const isInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 63;

/** The Go type name of a value, for messages such as `%!d(string=x)`. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined || value instanceof NoValue) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isInt(value) ? 'int' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  return typeof value;
}

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false; so is a missing value. */
export function isTrue(value: unknown): boolean {
  if (value === null || value === undefined || value instanceof NoValue) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** Go sorts map keys when it prints or ranges over a map; strings sort by their bytes. */
export function sortedKeys(map: Map): string[] {
  return Object.keys(map).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
