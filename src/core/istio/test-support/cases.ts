/** Table-driven invalid cases: a mutation of a valid fixture and the exact paths it must report. */
import type { KnownObject } from '../objects.js';
import { validateObject, type ValidateOptions } from '../validate.js';

export interface InvalidCase<T extends KnownObject> {
  name: string;
  mutate: (object: T) => void;
  /** Every path reported, in order. */
  paths: string[];
  /** A fragment of the first message, when the case is about wording too. */
  message?: string;
  options?: ValidateOptions;
}

export function pathsAfter<T extends KnownObject>(
  make: () => T,
  mutate: (object: T) => void,
  options?: ValidateOptions,
) {
  const object = make();
  mutate(object);
  const issues = validateObject(object, options);
  return { paths: issues.map((issue) => issue.path), issues };
}
