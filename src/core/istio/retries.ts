/** HTTP retry policy rules of Istio's webhook (`validateHTTPRetry`). */
import { durationError } from './checks.js';
import { type Issues, isSet, type Path } from './issues.js';
import type { HTTPRoute } from './objects.js';

const retryOnPolicies = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** HTTP status codes Go's `http.StatusText` knows. */
const statusCodes = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400,
  401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425,
  426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

export function checkRetries(issues: Issues, path: Path, retries: HTTPRoute['retries']): void {
  if (!retries) return;
  const attempts = retries.attempts ?? 0;
  if (attempts < 0) issues.add([...path, 'attempts'], 'attempts cannot be negative');
  if (attempts === 0 && [retries.perTryTimeout, retries.retryOn, retries.retryRemoteLocalities].some(isSet)) {
    issues.add(
      [...path, 'attempts'],
      'attempts 0 disables retries: perTryTimeout, retryOn and retryRemoteLocalities must be unset',
    );
  }
  issues.check([...path, 'perTryTimeout'], durationError(retries.perTryTimeout));
  issues.check([...path, 'backoff'], durationError(retries.backoff));
  if (typeof retries.retryOn === 'string' && retries.retryOn !== '') {
    for (const policy of retries.retryOn.split(',')) {
      const code = /^[0-9]+$/.test(policy) ? Number(policy) : NaN;
      if (!retryOnPolicies.has(policy) && !statusCodes.has(code)) {
        issues.add([...path, 'retryOn'], `"${policy}" is not a retryOn policy or an HTTP status code`);
      }
    }
  }
}
