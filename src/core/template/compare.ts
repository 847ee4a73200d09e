/** Go's template comparison functions: eq (with several arguments), ne, lt, le, gt, ge. */
import { isInt, isMap, NoValue } from './values.js';

/** An error a builtin reports; the executor words it `error calling NAME: message`. */
export class CallError extends Error {}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other';

function basicKind(value: unknown): BasicKind {
  if (value === null || value === undefined || value instanceof NoValue) return 'nil';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return isInt(value) ? 'int' : 'float';
  return 'other';
}

function equal(left: unknown, right: unknown): boolean {
  const [leftKind, rightKind] = [basicKind(left), basicKind(right)];
  if (leftKind === 'nil' || rightKind === 'nil') return leftKind === rightKind;
  if (leftKind !== rightKind) throw new CallError('incompatible types for comparison');
  if (leftKind === 'other') {
    const kind = Array.isArray(right) ? '[]interface {}' : isMap(right) ? 'map[string]interface {}' : typeof right;
    throw new CallError(`non-comparable type ${String(right)}: ${kind}`);
  }
  return left === right;
}

/** `eq a b c` is a == b || a == c. */
export function eq(first: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new CallError('missing argument for comparison');
  return others.some((other) => equal(first, other));
}

export function lt(left: unknown, right: unknown): boolean {
  const [leftKind, rightKind] = [basicKind(left), basicKind(right)];
  if (!['int', 'float', 'string'].includes(leftKind) || !['int', 'float', 'string'].includes(rightKind))
    throw new CallError('invalid type for comparison');
  if (leftKind !== rightKind) throw new CallError('incompatible types for comparison');
  return (left as number | string) < (right as number | string);
}

export const COMPARISONS = {
  eq: (first: unknown, ...others: unknown[]) => eq(first, ...others),
  ne: (left: unknown, right: unknown) => !eq(left, right),
  lt,
  le: (left: unknown, right: unknown) => lt(left, right) || eq(left, right),
  gt: (left: unknown, right: unknown) => !lt(left, right) && !eq(left, right),
  ge: (left: unknown, right: unknown) => !lt(left, right),
};
