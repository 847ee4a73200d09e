/** Collects issues at paths given as segments, formatted once with the project's `formatPath`. */
import type { Issue } from '../errors.js';
import { formatPath, type PathSegment } from '../validation/path.js';

export type Path = readonly PathSegment[];

export class Issues {
  readonly list: Issue[] = [];

  add(path: Path, message: string): void {
    this.list.push({ path: formatPath(path), message });
  }

  /** Adds `message` when it is defined: for checks that return an error text or nothing. */
  check(path: Path, message: string | undefined): void {
    if (message !== undefined) this.add(path, message);
  }
}

/** The array itself when `value` is one, else nothing to iterate: checks survive malformed input. */
export function list<T>(value: readonly T[] | undefined | null): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** The entries of a map-valued field, or none. */
export function entries<T>(value: Readonly<Record<string, T>> | undefined | null): [string, T][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

/** Set: a field the author wrote (not undefined or null). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Non-empty: a set string other than "", a non-empty array, or any other set value. */
export function isFilled(value: unknown): boolean {
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  return isSet(value);
}
