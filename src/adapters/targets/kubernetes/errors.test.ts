import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { TargetError } from '../../../service/deploy/target.js';
import { isMissingNamespace, toTargetError } from './errors.js';

const WHAT = 'apply ServiceEntry/a/b on cluster edge/cluster01';

function systemError(code: string): FetchError {
  const cause = Object.assign(new Error(`getaddrinfo ${code} kube.secret-host.internal`), { code });
  return new FetchError(
    `request to https://kube.secret-host.internal:6443/apis failed, reason: ${cause.message}`,
    'system',
    cause,
  );
}

describe('toTargetError', () => {
  test.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT'])(
    '%s: unreachable, retryable, without the server name',
    (code) => {
      const error = toTargetError(systemError(code), WHAT, 1000);
      expect(error).toMatchObject({ reason: 'unreachable', retryable: true, status: undefined });
      expect(error.message).toContain(WHAT);
      expect(error.message).not.toContain('secret-host');
    },
  );

  test('a refused TLS certificate: unreachable, not retryable', () => {
    const error = toTargetError(systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), WHAT, 1000);
    expect(error).toMatchObject({ reason: 'unreachable', retryable: false });
    expect(error.message).toContain('TLS certificate');
  });

  test('an aborted request: timeout, retryable', () => {
    const error = toTargetError(new AbortError('The user aborted a request.'), WHAT, 1234);
    expect(error).toMatchObject({ reason: 'timeout', retryable: true });
    expect(error.message).toBe(`${WHAT}: no answer within 1234 ms`);
  });

  test('an answer that is not a Status: its text, on one line, cut short', () => {
    const page = `<html>\n<body>${'bad gateway '.repeat(100)}</body></html>`;
    const error = toTargetError(new ApiException(502, 'Unsuccessful HTTP Request', page, {}), WHAT, 1000);
    expect(error).toMatchObject({ reason: 'server-error', retryable: true, status: 502 });
    expect(error.message).toMatch(
      /^apply ServiceEntry\/a\/b on cluster edge\/cluster01: the cluster answered 502: <html> <body>bad/,
    );
    expect(error.message.length).toBeLessThan(WHAT.length + 350);
  });

  test('a Status answer: its message', () => {
    const body = JSON.stringify({
      kind: 'Status',
      code: 404,
      message: 'the server could not find the requested resource',
    });
    const error = toTargetError(new ApiException(404, 'Unsuccessful HTTP Request', body, {}), WHAT, 1000);
    expect(error).toMatchObject({ reason: 'rejected', retryable: false, status: 404 });
    expect(error.message).toBe(`${WHAT}: the cluster answered 404: the server could not find the requested resource`);
  });

  test('a TargetError stays as it is; anything else is a retryable server error', () => {
    const given = new TargetError('x', 'not-configured', false);
    expect(toTargetError(given, WHAT, 1000)).toBe(given);
    expect(toTargetError(new SyntaxError('Unexpected token < in JSON'), WHAT, 1000)).toMatchObject({
      reason: 'server-error',
      retryable: true,
    });
  });
});

describe('isMissingNamespace', () => {
  const notFound = (body: unknown) => new ApiException(404, 'Unsuccessful HTTP Request', JSON.stringify(body), {});

  test('by the details of the Status, or by its message', () => {
    expect(isMissingNamespace(notFound({ details: { name: 'ns1', kind: 'namespaces' } }), 'ns1')).toBe(true);
    expect(isMissingNamespace(notFound({ message: 'namespaces "ns1" not found' }), 'ns1')).toBe(true);
  });

  test('not for another 404, nor another status, nor a cluster-scoped object', () => {
    const missingObject = {
      message: 'serviceentries.networking.istio.io "x" not found',
      details: { kind: 'serviceentries' },
    };
    expect(isMissingNamespace(notFound(missingObject), 'ns1')).toBe(false);
    expect(isMissingNamespace(new ApiException(403, 'x', '{}', {}), 'ns1')).toBe(false);
    expect(isMissingNamespace(notFound({ details: { kind: 'namespaces' } }), undefined)).toBe(false);
    expect(isMissingNamespace(new Error('namespaces "ns1" not found'), 'ns1')).toBe(false);
  });
});
