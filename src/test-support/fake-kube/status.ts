/**
 * `metav1.Status` bodies, the way the API server answers errors (and successful deletes).
 * A handler throws a `KubeError`; the server turns it into the Status answer.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The Status reason the API server uses for an HTTP status code. */
export function reasonFor(code: number): string {
  return REASONS[code] ?? (code >= 500 ? 'InternalError' : code >= 400 ? 'BadRequest' : '');
}

export class KubeError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason: string = reasonFor(code),
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    return failureStatus(this.code, this.message, this.reason, this.details);
  }
}

export function failureStatus(
  code: number,
  message: string,
  reason = reasonFor(code),
  details?: StatusDetails,
): Status {
  // Key order as the API server writes it: …, reason, details, code.
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details) status.details = details;
  status.code = code;
  return status;
}

export function successStatus(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/** What the API server calls a resource in messages: `configmaps`, `serviceentries.networking.istio.io`. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

function identity(group: string, plural: string, name: string): StatusDetails {
  return group ? { name, group, kind: plural } : { name, kind: plural };
}

export function notFound(group: string, plural: string, name: string): KubeError {
  const message = `${qualifiedResource(group, plural)} "${name}" not found`;
  return new KubeError(404, message, 'NotFound', identity(group, plural, name));
}

export function alreadyExists(group: string, plural: string, name: string): KubeError {
  const message = `${qualifiedResource(group, plural)} "${name}" already exists`;
  return new KubeError(409, message, 'AlreadyExists', identity(group, plural, name));
}

export function badRequest(message: string): KubeError {
  return new KubeError(400, message, 'BadRequest');
}

/** 422 Invalid, e.g. `ServiceEntry.networking.istio.io "X" is invalid: metadata.name: Invalid value: …`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ');
  const details: StatusDetails = group ? { name, group, kind, causes } : { name, kind, causes };
  return new KubeError(422, `${qualifiedKind} "${name}" is invalid: ${summary}`, 'Invalid', details);
}

/** 409 Conflict for a stale `metadata.resourceVersion` (optimistic concurrency). */
export function staleResourceVersion(group: string, plural: string, name: string): KubeError {
  const message =
    `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": ` +
    'the object has been modified; please apply your changes to the latest version and try again';
  return new KubeError(409, message, 'Conflict', identity(group, plural, name));
}
