/**
 * What a failed call to the API server means for the deploy service: a TargetError
 * whose message names the object and the cluster's answer. Messages never carry the
 * kubeconfig, nor the server's URL (node-fetch puts it in its own messages).
 */
import { ApiException } from '@kubernetes/client-node';
import { TargetError, type TargetFailure } from '../../../service/deploy/target.js';

/** The useful part of a Kubernetes `Status` error body. */
export interface StatusBody {
  message?: string;
  reason?: string;
  details?: { kind?: string; name?: string };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const DESCRIBED: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
};

/** The HTTP status and parsed body of an answer the server gave, if `error` is one. */
export function answerOf(error: unknown): { status: number; body: StatusBody; text: string } | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const raw: unknown = error.body;
  const text = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
  let body: StatusBody = {};
  try {
    const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (typeof parsed === 'object' && parsed !== null) body = parsed as StatusBody;
  } catch {
    // A proxy's HTML or plain text page: kept as text.
  }
  return { status: error.code, body, text };
}

export function isNotFound(error: unknown): boolean {
  return answerOf(error)?.status === 404;
}

/** The server refused because the object's namespace does not exist. */
export function isMissingNamespace(error: unknown, namespace: string | undefined): boolean {
  const answer = answerOf(error);
  if (!answer || answer.status !== 404 || namespace === undefined) return false;
  if (answer.body.details?.kind === 'namespaces') return true;
  return (answer.body.message ?? answer.text).includes(`namespaces "${namespace}" not found`);
}

function failureOf(status: number): { reason: TargetFailure; retryable: boolean } {
  if (status === 401 || status === 403) return { reason: 'forbidden', retryable: false };
  if (status === 409) return { reason: 'conflict', retryable: true };
  if (status === 429 || status >= 500) return { reason: 'server-error', retryable: true };
  return { reason: 'rejected', retryable: false };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function errorCode(error: Error): string | undefined {
  const { code, cause } = error as Error & { code?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  return cause instanceof Error ? errorCode(cause) : undefined;
}

function fromNetwork(error: Error, what: string, timeoutMs: number): TargetError | undefined {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return new TargetError(`${what}: no answer within ${timeoutMs} ms`, 'timeout', true);
  }
  const code = errorCode(error);
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new TargetError(`${what}: the API server is unreachable (${DESCRIBED[code] ?? code})`, 'unreachable', true);
  }
  if (code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new TargetError(`${what}: the API server's TLS certificate was refused (${code})`, 'unreachable', false);
  }
  return undefined;
}

/**
 * `what` says what was done, to what, on which cluster: `apply ServiceEntry/ns/name on cluster edge/c1`.
 */
export function toTargetError(error: unknown, what: string, timeoutMs: number): TargetError {
  if (error instanceof TargetError) return error;
  const answer = answerOf(error);
  if (answer) {
    const { reason, retryable } = failureOf(answer.status);
    const said = oneLine(answer.body.message ?? answer.text);
    return new TargetError(
      `${what}: the cluster answered ${answer.status}${said ? `: ${said}` : ''}`,
      reason,
      retryable,
      answer.status,
    );
  }
  if (error instanceof Error) {
    const network = fromNetwork(error, what, timeoutMs);
    if (network) return network;
    const code = errorCode(error);
    if (error.name === 'FetchError') {
      return new TargetError(`${what}: the request failed (${code ?? 'network error'})`, 'unreachable', true);
    }
    return new TargetError(`${what}: the answer could not be used (${code ?? error.name})`, 'server-error', true);
  }
  return new TargetError(`${what}: the request failed`, 'server-error', true);
}
