/**
 * Field whitelists and the unknown-field walk. Ajv-compiled CRD validators accept any extra
 * property (the CRDs set no `additionalProperties: false`), so a misspelled `loadbalancer` would
 * pass them; this walk reports every key that the whitelist does not define.
 *
 * A shape is written as `{a,b{c,d},m{*}}`: `b` is an object (or array of objects) with fields
 * `c` and `d`, `m` is a map whose keys are free (`*`) and whose values are leaves. Arrays are
 * transparent: the shape of an array field describes its elements.
 */
import type { Issue } from '../errors.js';
import { formatPath, type PathSegment } from '../validation/path.js';

/** `null` marks a leaf: its value is not walked (the structural validator checks its type). */
export type Shape = ReadonlyMap<string, Shape | null>;

/** Parses the compact notation above; throws on malformed input (a programming error). */
export function parseShape(source: string): Shape {
  let at = 0;
  const text = source.replace(/\s+/g, '');
  function node(): Map<string, Shape | null> {
    if (text[at] !== '{') throw new Error(`shape: expected "{" at ${at} in ${text.slice(at, at + 20)}`);
    at++;
    const out = new Map<string, Shape | null>();
    while (text[at] !== '}') {
      const match = /^(\*|[A-Za-z0-9_]+)/.exec(text.slice(at));
      if (!match) throw new Error(`shape: expected a field name at ${at} in ${text.slice(at, at + 20)}`);
      at += match[0].length;
      out.set(match[0], text[at] === '{' ? node() : null);
      if (text[at] === ',') at++;
    }
    at++;
    return out;
  }
  const root = node();
  if (at !== text.length) throw new Error(`shape: trailing text at ${at}`);
  return root;
}

/** The canonical text of a shape: fields sorted, `*` last. */
export function formatShape(shape: Shape): string {
  const keys = [...shape.keys()].filter((key) => key !== '*').sort();
  if (shape.has('*')) keys.push('*');
  const parts = keys.map((key) => {
    const child = shape.get(key);
    return child ? key + formatShape(child) : key;
  });
  return `{${parts.join(',')}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports, at its full path, every key of `value` that `shape` does not define. */
export function unknownFields(value: unknown, shape: Shape, path: PathSegment[], issues: Issue[]): void {
  walk(value, shape, [...path], issues);
}

/** `stack` is the current path, pushed and popped in place: no array is built unless a key is unknown. */
function walk(value: unknown, shape: Shape, stack: PathSegment[], issues: Issue[]): void {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      stack.push(index);
      walk(value[index], shape, stack, issues);
      stack.pop();
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const anyKey = shape.get('*');
  for (const key of Object.keys(value)) {
    // `get` tells a leaf (null) from an unknown key (undefined) in one lookup.
    const own = shape.get(key);
    const child = own === undefined ? anyKey : own;
    if (child === undefined) {
      issues.push({ path: formatPath([...stack, key]), message: unknownMessage(key, shape) });
    } else if (child !== null) {
      stack.push(key);
      walk(value[key], child, stack, issues);
      stack.pop();
    }
  }
}

function unknownMessage(key: string, shape: Shape): string {
  const suggestion = closest(key, [...shape.keys()]);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
  return `unknown field "${key}": the schema does not define it${hint}`;
}

/** A known key that differs only in case, or by at most two edits. */
function closest(key: string, candidates: string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
