/**
 * Calls to a cluster are given a deadline and retried with exponential backoff and
 * full jitter (AWS's "Exponential Backoff and Jitter"), so that a fleet of clients
 * recovering together does not hammer a cluster in step.
 */
import { TargetError } from './target.js';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  attempts: number;
  /** The first backoff ceiling; doubled after every failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long one call may take before it counts as a timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5000, timeoutMs: 15000 };

export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Rejects with a retryable `timeout` when `call` has not settled in `timeoutMs`. */
export async function withTimeout<T>(call: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new TargetError(`${what}: no answer within ${timeoutMs} ms`, 'timeout', true)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function asTargetError(error: unknown): TargetError {
  if (error instanceof TargetError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TargetError(message, 'server-error', false);
}

/**
 * Runs `call` until it succeeds, fails for good, or the attempts run out; then rethrows its last error.
 * `onRetry` hears of each failure that is tried again (for metrics).
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  what: string,
  policy: RetryPolicy,
  wait: Sleep = sleep,
  onRetry?: (failure: TargetError) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(call, policy.timeoutMs, what);
    } catch (error) {
      const failure = asTargetError(error);
      if (!failure.retryable || attempt >= policy.attempts) throw failure;
      onRetry?.(failure);
      await wait(backoffDelay(policy, attempt));
    }
  }
}
