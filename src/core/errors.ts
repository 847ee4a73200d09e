/**
 * Domain errors. Every adapter maps these to its own vocabulary in one place
 * (HTTP: `adapters/http/errors.ts`); nothing else decides status codes.
 */

/** One problem with one field of a request, named by its dotted path. */
export interface Issue {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: Issue[];

  constructor(message: string, details: Issue[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The request names fields that are wrong; every one of them is in `details`. */
export class ValidationError extends DomainError {
  readonly code = 'ValidationFailed';
}

/** The body is not a document at all (not JSON, not an object). */
export class MalformedBodyError extends DomainError {
  readonly code = 'MalformedBody';
}

/** No credentials, or credentials meshbridge does not accept. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'Unauthenticated';
}

export class NotFoundError extends DomainError {
  readonly code = 'NotFound';
}

/**
 * A path EMCO has and meshbridge does not serve: a 404 like any missing path (nothing is
 * there, on any method), with its own code and a message naming the EMCO component and what to do.
 */
export class NotServedError extends DomainError {
  readonly code = 'NotServedByMeshbridge';
}

/** A path meshbridge serves, asked with a method it does not serve there. */
export class MethodNotAllowedError extends DomainError {
  readonly code = 'MethodNotAllowed';
  readonly allowed: readonly string[];

  constructor(message: string, allowed: readonly string[], details: Issue[] = []) {
    super(message, details);
    this.allowed = allowed;
  }
}

/** A duplicate name, a resource that still has children, or an ambiguous name. */
export class ConflictError extends DomainError {
  readonly code = 'Conflict';
  /** Where the existing resource lives, when the conflict is a duplicate. */
  readonly existingKey: string | undefined;

  constructor(message: string, options: { details?: Issue[]; existingKey?: string } = {}) {
    super(message, options.details);
    this.existingKey = options.existingKey;
  }
}

/** An `If-Match` version that is no longer current. */
export class StaleVersionError extends DomainError {
  readonly code = 'PreconditionFailed';
}

/** A finite pool (the virtual addresses of a cluster) has nothing left to give. */
export class ExhaustedError extends DomainError {
  readonly code = 'Exhausted';
}

/** A shared allowance (open event streams) is used up for now: the client may ask again later (429). */
export class TooManyRequestsError extends DomainError {
  readonly code = 'TooManyRequests';
}

/** Authenticated, but the grants do not cover what was asked. */
export class ForbiddenError extends DomainError {
  readonly code = 'Forbidden';
}

/** A group's operation is running, here or on another replica: a lifecycle request must wait for it (409). */
export class OperationBusyError extends ConflictError {}

/**
 * An operation's lease passed to another holder (fencing): the writes of the one that lost it are refused.
 * Shown as a 409 should it ever reach a request.
 */
export class LeaseLostError extends ConflictError {}
