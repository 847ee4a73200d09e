/** The issues `prepareBody` names for a body, or none when it is accepted. */
import { ValidationError, type Issue } from '../core/errors.js';
import type { KindContext, ResourceKind } from '../core/model/kind.js';
import { prepareBody } from '../core/model/prepare.js';

export function prepareIssues(kind: ResourceKind, raw: unknown, context: KindContext): Issue[] {
  try {
    prepareBody(kind, raw, context);
  } catch (error) {
    if (error instanceof ValidationError) return error.details;
    throw error;
  }
  return [];
}
