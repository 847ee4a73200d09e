/**
 * OpenAPI pieces shared by the route modules: the one error schema, the answers each
 * status code stands for, and path parameters. Route schemas only feed the document
 * (bodies are validated by the core), so they describe; they do not enforce.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** Registered once with `app.addSchema`; the document shows it as `#/components/schemas/ErrorResponse`. */
export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'The kind of error, e.g. ValidationFailed, NotFound, Conflict' }),
    message: Type.String(),
    details: Type.Array(
      Type.Object({
        path: Type.String({ description: 'The field, e.g. spec.port; (body) for the body as a whole' }),
        message: Type.String(),
      }),
      { description: 'Every bad field at once; at most 100, then "and N more"' },
    ),
  },
  {
    $id: 'ErrorResponse',
    title: 'ErrorResponse',
    description: 'Every error has this shape (src/adapters/http/errors.ts).',
  },
);

/** Why each status is sent (errors.ts maps domain errors to them). */
const ERROR_MEANINGS = {
  400: 'Bad input: every bad field is named in details',
  401: 'Authentication is on and no bearer token, or one that is not accepted, was sent',
  403: "The caller's roles do not allow this",
  404: 'The resource, or a parent it lives under, does not exist',
  409: 'Conflict with what is stored: the name is taken, the resource still has children, no address is left to allocate, or the lifecycle does not allow it now',
  412: 'If-Match names a version that is no longer current',
  413: 'The body is larger than the limit',
  415: 'The body is neither JSON nor multipart',
  422: 'The body is not valid JSON',
  429: 'A shared allowance of the server is used up for now (open event streams, request bodies held at once): ask again after Retry-After seconds',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** Any call can meet these once authentication is on. */
export const ACCESS_ERRORS: readonly ErrorStatus[] = [401, 403];
/** What reading a body can add: too large, not JSON or multipart, not valid JSON, too many bodies held at once. */
export const BODY_ERRORS: readonly ErrorStatus[] = [400, 413, 415, 422, 429];

const errorContent = { 'application/json': { schema: { $ref: 'ErrorResponse#' } } };

/** Error answers for the given statuses, plus 401 and 403, all with the shared error schema. */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, object> {
  const all = [...new Set([...statuses, ...ACCESS_ERRORS])].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => [status, { description: ERROR_MEANINGS[status], content: errorContent }]),
  );
}

interface SuccessOptions {
  /** Content type → schema; JSON when a bare schema is given. */
  content?: Record<string, TSchema | object>;
  headers?: Record<string, { type: 'string'; description: string }>;
}

/** A 2xx answer: a description, and the body and headers it carries. */
export function success(description: string, schema?: TSchema | object, options: SuccessOptions = {}): object {
  const content = options.content ?? (schema ? { 'application/json': schema } : undefined);
  return {
    description,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(content
      ? { content: Object.fromEntries(Object.entries(content).map(([type, body]) => [type, { schema: body }])) }
      : { type: 'null' }),
  };
}

/** A JSON object answer whose shape is documented in prose (docs/*.md), not in a schema. */
export const AnyObject = Type.Object({}, { additionalProperties: true });

/** A params schema for a route pattern: every `:name` is a required string. */
export function paramsSchema(pattern: string) {
  const names = [...pattern.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
  return Type.Object(Object.fromEntries(names.map((name) => [name, Type.String()])));
}

/** `If-Match` on PUT and DELETE: the write happens only while the resource is at that version. */
export const ifMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'A version from an ETag, e.g. "3", or *: the write happens only at that version' }),
  ),
});

/** `compositeApp` → `CompositeApp`, for operation ids. */
export const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
