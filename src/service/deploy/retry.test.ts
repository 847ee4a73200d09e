import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  asTargetError,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  withRetries,
  withTimeout,
  type RetryPolicy,
} from './retry.js';
import { TargetError } from './target.js';

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 1000 };

/** A wait that returns at once and remembers what it was asked to wait. */
function recordingWait(): { wait: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, wait: (ms) => (waits.push(ms), Promise.resolve()) };
}

const ceiling = (policy: RetryPolicy, retry: number) =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));

const never = () => new Promise<never>(() => {});

describe('backoffDelay', () => {
  const policyArb = fc.record({
    attempts: fc.integer({ min: 1, max: 10 }),
    baseDelayMs: fc.integer({ min: 1, max: 2000 }),
    maxDelayMs: fc.integer({ min: 1, max: 60_000 }),
    timeoutMs: fc.constant(1000),
  });
  const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  test('is a whole number of ms in [0, min(max, base·2^(n-1))]', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 40 }), randomArb, (policy, retry, random) => {
        const delay = backoffDelay(policy, retry, () => random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling(policy, retry));
      }),
      { numRuns: 1000 },
    );
  });

  test('spans the whole range: 0 for the lowest random, just under the ceiling for the highest', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 40 }), (policy, retry) => {
        expect(backoffDelay(policy, retry, () => 0)).toBe(0);
        const top = backoffDelay(policy, retry, () => 1 - Number.EPSILON);
        expect(top).toBeGreaterThanOrEqual(ceiling(policy, retry) - 1);
      }),
    );
  });

  test.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [30, 1000],
  ])('retry %i: the ceiling is %i ms', (retry, expected) => {
    expect(backoffDelay(POLICY, retry, () => 0.5)).toBe(expected / 2);
  });

  test('the default policy waits 250 ms at first and never more than 5 s', () => {
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 0.999999)).toBe(249);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 50, () => 0.999999)).toBe(4999);
  });
});

describe('asTargetError', () => {
  test('keeps a TargetError as it is', () => {
    const error = new TargetError('nope', 'forbidden', false, 403);
    expect(asTargetError(error)).toBe(error);
  });

  test('wraps a plain error as a non-retryable server error with its message', () => {
    const wrapped = asTargetError(new Error('socket hang up'));
    expect(wrapped).toBeInstanceOf(TargetError);
    expect(wrapped).toMatchObject({ message: 'socket hang up', reason: 'server-error', retryable: false });
    expect(wrapped.name).toBe('TargetError');
  });

  test('wraps anything else by its string', () => {
    expect(asTargetError('just a string')).toMatchObject({ message: 'just a string', reason: 'server-error' });
    expect(asTargetError(42).message).toBe('42');
  });
});

describe('withTimeout', () => {
  test('returns what the call returns in time', async () => {
    await expect(withTimeout(() => Promise.resolve('ok'), 1000, 'read')).resolves.toBe('ok');
  });

  test('passes the call’s own failure through', async () => {
    const error = new TargetError('denied', 'forbidden', false);
    await expect(withTimeout(() => Promise.reject(error), 1000, 'read')).rejects.toBe(error);
  });

  test('a call with no answer is a retryable timeout naming what was tried', async () => {
    const failure = await withTimeout(never, 5, 'apply VirtualService/shop/a').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TargetError);
    expect(failure).toMatchObject({
      reason: 'timeout',
      retryable: true,
      message: 'apply VirtualService/shop/a: no answer within 5 ms',
    });
  });
});

describe('withRetries', () => {
  test('returns the first success without waiting', async () => {
    const { wait, waits } = recordingWait();
    let calls = 0;
    await expect(withRetries(async () => (calls++, 'done'), 'list', POLICY, wait)).resolves.toBe('done');
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  test('retries a retryable failure until it succeeds', async () => {
    const { wait, waits } = recordingWait();
    let calls = 0;
    const call = async () => {
      calls++;
      if (calls < 3) throw new TargetError('busy', 'server-error', true, 503);
      return 'done';
    };
    await expect(withRetries(call, 'apply', POLICY, wait)).resolves.toBe('done');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  test('property: a call that always fails retryably is tried `attempts` times; the last error comes out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), async (attempts) => {
        const policy = { ...POLICY, attempts };
        const { wait, waits } = recordingWait();
        const errors: TargetError[] = [];
        const call = () => {
          const error = new TargetError(`failure ${errors.length + 1}`, 'unreachable', true);
          errors.push(error);
          return Promise.reject(error);
        };
        const failure = await withRetries(call, 'apply', policy, wait).catch((error: unknown) => error);
        expect(errors).toHaveLength(attempts);
        expect(failure).toBe(errors.at(-1));
        expect(waits).toHaveLength(attempts - 1);
        waits.forEach((ms, index) => {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(ceiling(policy, index + 1));
        });
      }),
      { numRuns: 30 },
    );
  });

  test.each([
    ['forbidden', new TargetError('denied', 'forbidden', false, 403)],
    ['rejected', new TargetError('invalid', 'rejected', false, 422)],
    ['not-owned', new TargetError('theirs', 'not-owned', false)],
  ])('does not retry a %s failure', async (_name, error) => {
    const { wait, waits } = recordingWait();
    let calls = 0;
    const failure = await withRetries(() => (calls++, Promise.reject(error)), 'apply', POLICY, wait).catch(
      (caught: unknown) => caught,
    );
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
    expect(failure).toBe(error);
  });

  test('stops at the first non-retryable failure after retryable ones', async () => {
    const { wait } = recordingWait();
    const errors = [
      new TargetError('busy', 'server-error', true, 503),
      new TargetError('denied', 'forbidden', false, 403),
      new TargetError('busy', 'server-error', true, 503),
    ];
    let calls = 0;
    const failure = await withRetries(() => Promise.reject(errors[calls++]), 'apply', POLICY, wait).catch(
      (caught: unknown) => caught,
    );
    expect(calls).toBe(2);
    expect(failure).toBe(errors[1]);
  });

  test('a plain error is wrapped and not retried', async () => {
    const { wait } = recordingWait();
    let calls = 0;
    const failure = await withRetries(() => (calls++, Promise.reject(new Error('bug'))), 'apply', POLICY, wait).catch(
      (caught: unknown) => caught,
    );
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(TargetError);
    expect(failure).toMatchObject({ message: 'bug', reason: 'server-error', retryable: false });
  });

  test('a call that never answers times out on every attempt, and the timeout comes out', async () => {
    const { wait, waits } = recordingWait();
    let calls = 0;
    const policy: RetryPolicy = { ...POLICY, attempts: 3, timeoutMs: 5 };
    const failure = await withRetries(() => (calls++, never()), 'list Secrets', policy, wait).catch(
      (caught: unknown) => caught,
    );
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect(failure).toBeInstanceOf(TargetError);
    expect(failure).toMatchObject({
      reason: 'timeout',
      retryable: true,
      message: 'list Secrets: no answer within 5 ms',
    });
  });

  test('a call that times out once and then answers succeeds', async () => {
    const { wait } = recordingWait();
    let calls = 0;
    const policy: RetryPolicy = { ...POLICY, attempts: 2, timeoutMs: 5 };
    const call = () => (++calls === 1 ? never() : Promise.resolve('late but fine'));
    await expect(withRetries(call, 'get', policy, wait)).resolves.toBe('late but fine');
    expect(calls).toBe(2);
  });

  test('one attempt means no retry', async () => {
    const { wait } = recordingWait();
    let calls = 0;
    const policy: RetryPolicy = { ...POLICY, attempts: 1 };
    const error = new TargetError('busy', 'server-error', true);
    await expect(withRetries(() => (calls++, Promise.reject(error)), 'get', policy, wait)).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
