/**
 * Turns a body as users write it (EMCO's camelCase, seed 000's `servicename`,
 * `sidecar-proxy`, `traffic-management-info`, Go's case-insensitive keys, strings
 * for numbers and booleans) into the one canonical form the schema describes.
 * It never throws: every key it cannot place is reported with its path.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { formatPath, type PathSegment } from './path.js';
import { deepEqual, isPlainObject, setOwn } from './values.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

interface Moved {
  target: string[];
  value: Json;
  from: PathSegment[];
}

interface Walk {
  issues: Issue[];
  moved: Moved[];
}

/** Key spellings that differ only in case, dashes or underscores are the same key. */
export function foldKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

export function normalize(input: Json, schema: TSchema): { value: Json; issues: Issue[] } {
  const walk: Walk = { issues: [], moved: [] };
  const value = normalizeValue(input, schema, [], walk);
  for (const moved of walk.moved) placeMoved(value, schema, moved, walk);
  return { value, issues: walk.issues };
}

function normalizeValue(value: Json, schema: TSchema, path: PathSegment[], walk: Walk): Json {
  if (schema.properties || schema.additionalProperties) return normalizeObject(value, schema, path, walk);
  switch (schema.type) {
    case 'array':
      return normalizeArray(value, schema, path, walk);
    case 'integer':
    case 'number':
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    case 'boolean':
      return normalizeBoolean(value);
    case 'string':
      return normalizeString(value, schema);
    default:
      return value;
  }
}

function normalizeArray(value: Json, schema: TSchema, path: PathSegment[], walk: Walk): Json {
  const items = schema.items as TSchema | undefined;
  if (!Array.isArray(value)) {
    const wrap = schema['x-wrap-scalar'] === true && (typeof value === 'string' || isPlainObject(value));
    return wrap && items ? [normalizeValue(value, items, [...path, 0], walk)] : value;
  }
  return items ? value.map((item, index) => normalizeValue(item, items, [...path, index], walk)) : value;
}

function normalizeBoolean(value: Json): Json {
  if (typeof value !== 'string') return value;
  const folded = value.trim().toLowerCase();
  if (folded === 'true' || folded === 'yes') return true;
  if (folded === 'false' || folded === 'no') return false;
  return value;
}

function normalizeString(value: Json, schema: TSchema): Json {
  if (typeof value === 'number' && schema['x-minutes'] === true) return `${value}m`;
  if ((typeof value === 'number' || typeof value === 'boolean') && schema['x-strict-string'] !== true) {
    return String(value);
  }
  if (typeof value !== 'string') return value;
  const allowed = schema.enum as string[] | undefined;
  if (!allowed) return value;
  const aliases = (schema['x-value-aliases'] ?? {}) as Record<string, string>;
  const folded = foldKey(value);
  return (
    allowed.find((candidate) => foldKey(candidate) === folded) ??
    Object.entries(aliases).find(([alias]) => foldKey(alias) === folded)?.[1] ??
    value
  );
}

function keyIndex(schema: TSchema): Map<string, string> {
  const index = new Map<string, string>();
  for (const key of Object.keys(schema.properties ?? {})) index.set(foldKey(key), key);
  for (const [alias, key] of Object.entries((schema['x-aliases'] ?? {}) as Record<string, string>)) {
    index.set(foldKey(alias), key);
  }
  return index;
}

function movedIndex(schema: TSchema): Map<string, string[]> {
  const moved = (schema['x-moved'] ?? {}) as Record<string, string[]>;
  return new Map(Object.entries(moved).map(([alias, target]) => [foldKey(alias), target]));
}

function isAbsent(value: Json): boolean {
  return value === null || value === undefined || value === '';
}

interface ObjectWalk extends Walk {
  schema: TSchema;
  properties: Record<string, TSchema>;
  required: Set<string>;
  keys: Map<string, string>;
  moved: Moved[];
  movedKeys: Map<string, string[]>;
  mapValues: TSchema | undefined;
  out: JsonObject;
  spelledAs: Map<string, string>;
}

function normalizeObject(value: Json, schema: TSchema, path: PathSegment[], walk: Walk): Json {
  if (!isPlainObject(value)) return value;
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  const object: ObjectWalk = {
    ...walk,
    schema,
    properties,
    required: new Set<string>((schema.required as string[] | undefined) ?? []),
    keys: keyIndex(schema),
    movedKeys: movedIndex(schema),
    mapValues: isPlainObject(schema.additionalProperties) ? (schema.additionalProperties as TSchema) : undefined,
    out: {},
    spelledAs: new Map<string, string>(),
  };
  for (const [key, raw] of Object.entries(value)) placeKey(key, raw, path, object);
  return orderLikeSchema(object.out, properties);
}

/** One key of an object: a canonical field, a field that lives elsewhere, a map entry, or unknown. */
function placeKey(key: string, raw: Json, path: PathSegment[], object: ObjectWalk): void {
  // Folded once, and only when some spelling could match (a map of 1,000 keys has none).
  const folded = object.keys.size > 0 || object.movedKeys.size > 0 ? foldKey(key) : key;
  const canonical = Object.hasOwn(object.properties, key) ? key : object.keys.get(folded);
  const target = object.movedKeys.get(folded);
  if (canonical !== undefined) {
    if (!isAbsent(raw) || object.required.has(canonical)) placeField(key, canonical, raw, path, object);
  } else if (target) {
    if (!isAbsent(raw)) object.moved.push({ target, value: raw, from: [...path, key] });
  } else if (object.mapValues) {
    const mapKey = object.schema['x-key-case'] === 'upper' ? key.toUpperCase() : key;
    setOwn(object.out, mapKey, normalizeValue(raw, object.mapValues, [...path, mapKey], object));
  } else {
    object.issues.push({
      path: formatPath([...path, key]),
      message: `unknown field${suggestion(key, object.properties)}`,
    });
  }
}

function placeField(key: string, canonical: string, raw: Json, path: PathSegment[], object: ObjectWalk): void {
  const normalized = normalizeValue(raw, object.properties[canonical] as TSchema, [...path, canonical], object);
  const earlier = object.spelledAs.get(canonical);
  if (earlier !== undefined && !deepEqual(object.out[canonical], normalized)) {
    object.issues.push({
      path: formatPath([...path, canonical]),
      message: `given twice, as "${earlier}" and "${key}", with different values`,
    });
  }
  object.spelledAs.set(canonical, key);
  object.out[canonical] = normalized;
}

/** Canonical bodies list their keys in schema order, so equal documents serialize equally. */
function orderLikeSchema(out: JsonObject, properties: Record<string, TSchema>): JsonObject {
  // A map (no properties) keeps the order it was given in: copying it would change nothing.
  if (Object.keys(properties).length === 0) return out;
  const ordered: JsonObject = {};
  for (const key of Object.keys(properties)) if (Object.hasOwn(out, key)) setOwn(ordered, key, out[key]);
  for (const key of Object.keys(out)) if (!Object.hasOwn(ordered, key)) setOwn(ordered, key, out[key]);
  return ordered;
}

function schemaAt(schema: TSchema, target: string[]): TSchema | undefined {
  let current: TSchema | undefined = schema;
  for (const key of target) current = (current?.properties as Record<string, TSchema> | undefined)?.[key];
  return current;
}

function placeMoved(root: Json, schema: TSchema, moved: Moved, walk: Walk): void {
  const targetSchema = schemaAt(schema, moved.target);
  if (!isPlainObject(root) || !targetSchema) return;
  const value = normalizeValue(moved.value, targetSchema, moved.target, walk);
  let parent: JsonObject = root;
  let parentSchema: TSchema = schema;
  for (const key of moved.target.slice(0, -1)) {
    parentSchema = (parentSchema.properties as Record<string, TSchema>)[key] as TSchema;
    const next = parent[key];
    if (next === undefined) parent[key] = {};
    else if (!isPlainObject(next)) return;
    parent = parent[key] as JsonObject;
  }
  const leaf = moved.target[moved.target.length - 1] as string;
  if (Object.hasOwn(parent, leaf) && !deepEqual(parent[leaf], value)) {
    walk.issues.push({
      path: formatPath(moved.from),
      message: `conflicts with ${moved.target.join('.')}, which is given with another value`,
    });
    return;
  }
  parent[leaf] = value;
  const reordered = orderLikeSchema(parent, (parentSchema.properties ?? {}) as Record<string, TSchema>);
  if (reordered === parent) return;
  for (const key of Object.keys(parent)) delete parent[key];
  Object.assign(parent, reordered);
}

function suggestion(key: string, properties: Record<string, TSchema>): string {
  const folded = foldKey(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of Object.keys(properties)) {
    const distance = editDistance(folded, foldKey(candidate));
    if (distance <= Math.max(2, Math.floor(candidate.length / 4)) && (!best || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  const known = Object.keys(properties);
  if (best) return ` (did you mean "${best.key}"?)`;
  return known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
