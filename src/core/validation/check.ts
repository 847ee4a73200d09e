/**
 * Structural validation of a normalized body against its canonical schema, with
 * every error reported at once as `{path, message}`.
 */
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Issue } from '../errors.js';
import { formatPath, pointerToSegments } from './path.js';

// verbose: errors carry their schema, whose x-type-message and x-pattern-message say what is expected.
// unicode: false measures lengths in UTF-16 units (String.length, as the input limits do): counting
// code points walks every character and held the event loop for tens of ms on a 1 MiB kubeconfig.
// validateSchema and optimize off: compiling is most of what a kind's first check costs (render -f compiles
// a dozen kinds at start, bench/startup.ts); the kinds' schemas are our own and check.test.ts holds every one
// valid against the meta-schema, and unoptimized code answers the same, a little more slowly.
// ajv lists `unicode` as deprecated (it still honours it) and says so on every start: that one warning is dropped.
const quietAboutUnicode = {
  log: console.log,
  warn: (...args: unknown[]) => {
    if (!String(args[0]).startsWith('DEPRECATED: option unicode.')) console.warn(...args);
  },
  error: console.error,
};
const ajv = new Ajv({
  logger: quietAboutUnicode,
  allErrors: true,
  strict: false,
  verbose: true,
  unicode: false,
  validateSchema: false,
  code: { optimize: false },
});
const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorOf(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Compiles the validators now rather than at each schema's first use: compiling one takes tens
 * of milliseconds (hundreds for the first, while ajv warms up), in one turn of the event loop.
 */
export function precompile(schemas: readonly TSchema[]): void {
  for (const schema of schemas) validatorOf(schema);
}

export function isCompiled(schema: TSchema): boolean {
  return compiled.has(schema);
}

export function checkSchema(value: unknown, schema: TSchema): Issue[] {
  const validate = validatorOf(schema);
  if (validate(value)) return [];
  const issues = (validate.errors ?? []).filter(isUseful).map(toIssue);
  return dedupe(issues);
}

/** `anyOf`/`if` wrappers only repeat what their branches already said. */
function isUseful(error: ErrorObject): boolean {
  return error.keyword !== 'anyOf' && error.keyword !== 'if';
}

function toIssue(error: ErrorObject): Issue {
  const segments = pointerToSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: formatPath([...segments, String(params.missingProperty)]), message: 'is required' };
    case 'additionalProperties':
      return { path: formatPath([...segments, String(params.additionalProperty)]), message: 'unknown field' };
    case 'enum':
      return {
        path: formatPath(segments),
        message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'type': {
      const custom = (error.parentSchema as Record<string, unknown> | undefined)?.['x-type-message'];
      return {
        path: formatPath(segments),
        message: typeof custom === 'string' ? custom : `must be ${article(String(params.type))}`,
      };
    }
    case 'pattern': {
      const custom = (error.parentSchema as Record<string, unknown> | undefined)?.['x-pattern-message'];
      return {
        path: formatPath(segments),
        message: typeof custom === 'string' ? custom : `must match ${String(params.pattern)}`,
      };
    }
    default:
      return { path: formatPath(segments), message: error.message ?? 'is invalid' };
  }
}

function article(type: string): string {
  const noun =
    type === 'object' ? 'an object' : type === 'array' ? 'a list' : type === 'integer' ? 'an integer' : `a ${type}`;
  return noun;
}

/** One message a field: an empty name breaks both minLength and pattern, and saying so twice is noise. */
function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    if (seen.has(issue.path)) return false;
    seen.add(issue.path);
    return true;
  });
}
