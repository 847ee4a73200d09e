import type { Issue } from '../errors.js';

/** One object that failed validation: `Kind namespace/name` and every issue found in it. */
export interface InvalidObject {
  object: string;
  issues: Issue[];
}

/**
 * The renderer produced objects that Istio or Kubernetes would reject. It is a bug in the renderer
 * (or in its input checks), never something to serve: the whole render fails.
 */
export class InvalidRenderError extends Error {
  readonly invalid: InvalidObject[];

  constructor(invalid: InvalidObject[]) {
    const count = invalid.reduce((sum, entry) => sum + entry.issues.length, 0);
    const first = invalid[0];
    const sample =
      first && first.issues[0] ? `; first: ${first.object} ${first.issues[0].path}: ${first.issues[0].message}` : '';
    super(`rendered ${invalid.length} invalid object(s) with ${count} issue(s)${sample}`);
    this.name = 'InvalidRenderError';
    this.invalid = invalid;
  }
}
