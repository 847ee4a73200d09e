/**
 * The one place where errors become HTTP answers: `{error, message, details: [{path, message}]}`,
 * for the server and for the in-process API of offline rendering alike (`errorAnswer`).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConflictError,
  DomainError,
  ExhaustedError,
  TooManyRequestsError,
  ForbiddenError,
  MalformedBodyError,
  MethodNotAllowedError,
  NotFoundError,
  NotServedError,
  StaleVersionError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.js';
import { sendAnswer, type Answer } from './route.js';

export interface ErrorBody {
  error: string;
  message: string;
  details: { path: string; message: string }[];
}

function statusOf(error: DomainError): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError || error instanceof NotServedError) return 404;
  if (error instanceof MethodNotAllowedError) return 405;
  if (error instanceof ConflictError || error instanceof ExhaustedError) return 409;
  if (error instanceof StaleVersionError) return 412;
  if (error instanceof MalformedBodyError) return 422;
  if (error instanceof TooManyRequestsError) return 429;
  return 400;
}

/** At most this many details are sent; the rest are counted, so an error body stays small whatever was sent. */
export const MAX_DETAILS = 100;

function cappedDetails(details: ErrorBody['details']): ErrorBody['details'] {
  if (details.length <= MAX_DETAILS) return details;
  const rest = details.length - MAX_DETAILS;
  return [...details.slice(0, MAX_DETAILS), { path: '', message: `and ${rest} more` }];
}

/** Fastify's own client errors (body too large, wrong content type, ...) keep their status. */
function frameworkClientError(error: FastifyError): { status: number; body: ErrorBody } | undefined {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const isJsonSyntax = error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY';
  if (isJsonSyntax)
    return { status: 422, body: { error: 'MalformedBody', message: 'the body is not valid JSON', details: [] } };
  return { status, body: { error: error.code ?? 'BadRequest', message: error.message, details: [] } };
}

/** What a domain error answers: its status, the headers it calls for, and the error body. */
export function errorAnswer(error: DomainError): Answer {
  const headers: Record<string, string> = {};
  if (error instanceof ConflictError && error.existingKey) headers.location = `/v2/${error.existingKey}`;
  if (error instanceof UnauthenticatedError) headers['www-authenticate'] = 'Bearer realm="meshbridge"';
  if (error instanceof MethodNotAllowedError) headers.allow = error.allowed.join(', ');
  if (error instanceof TooManyRequestsError) headers['retry-after'] = '5';
  const body: ErrorBody = { error: error.code, message: error.message, details: cappedDetails(error.details) };
  return { status: statusOf(error), headers, body };
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DomainError) return sendAnswer(reply, errorAnswer(error));
  const client = frameworkClientError(error as FastifyError);
  if (client) return reply.status(client.status).send(client.body);
  // Only the error itself is logged: never the request body, which may hold secrets.
  request.log.error({ err: error }, 'request failed');
  const body: ErrorBody = {
    error: 'Internal',
    message: 'meshbridge failed to handle the request; see its log',
    details: [],
  };
  return reply.status(500).send(body);
}
