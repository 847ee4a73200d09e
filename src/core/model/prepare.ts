/**
 * The whole way from a body as a client sent it to the canonical body that is
 * stored: normalize spellings, check the shape, fill defaults, check the rules.
 * Every problem found is reported at once; nothing partial comes out.
 */
import { MalformedBodyError, ValidationError, type Issue } from '../errors.js';
import { checkSchema } from '../validation/check.js';
import { sizeIssues } from '../validation/limits.js';
import { normalize } from '../validation/normalize.js';
import { isPlainObject } from '../validation/values.js';
import type { KindContext, ResourceBody, ResourceKind } from './kind.js';
import { keepStoredSecrets, REDACTED } from './secrets.js';

/**
 * `stored` is the current body when replacing; write-only fields sent back as
 * `REDACTED` take their stored value.
 */
export function prepareBody(
  kind: ResourceKind,
  raw: unknown,
  context: KindContext,
  stored?: ResourceBody,
): ResourceBody {
  if (!isPlainObject(raw)) {
    throw new MalformedBodyError(`a ${kind.label} must be a JSON object with metadata and spec`);
  }
  const tooLarge = sizeIssues(raw);
  if (tooLarge.length > 0) throw new ValidationError(`the ${kind.label} is too large`, tooLarge);
  const { value, issues } = normalize(raw, kind.schema);
  const unset = keepStoredSecrets(kind, value as ResourceBody, stored).map((path) => ({
    path,
    message: `is "${REDACTED}", which keeps the stored value, but none is stored`,
  }));
  const shapeIssues = [...issues, ...unset, ...checkSchema(value, kind.schema)];
  if (shapeIssues.length > 0) throw invalid(kind, shapeIssues);

  const completed = kind.complete ? kind.complete(value as ResourceBody, context) : (value as ResourceBody);
  const ruleIssues = [...checkSchema(completed, kind.schema), ...(kind.check?.(completed, context) ?? [])];
  if (ruleIssues.length > 0) throw invalid(kind, ruleIssues);
  return completed;
}

export function invalid(kind: ResourceKind, issues: Issue[]): ValidationError {
  const fields = issues.length === 1 ? '1 field' : `${issues.length} fields`;
  return new ValidationError(`the ${kind.label} is invalid: ${fields} to fix`, issues);
}
