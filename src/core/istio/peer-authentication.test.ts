import { describe, expect, it } from 'vitest';
import type { PeerAuthentication } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { peerAuthentication } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

describe('PeerAuthentication', () => {
  it('accepts a mesh-wide STRICT policy (no selector, root namespace)', () => {
    expect(validateObject(peerAuthentication())).toEqual([]);
  });

  it.each<[string, (pa: PeerAuthentication) => void]>([
    [
      'port-level mTLS with a selector',
      (pa) =>
        Object.assign(pa.spec, {
          selector: { matchLabels: { app: 'httpbin' } },
          portLevelMtls: { '8080': { mode: 'DISABLE' } },
        }),
    ],
    [
      'PERMISSIVE on v1beta1',
      (pa) => Object.assign(pa, { apiVersion: 'security.istio.io/v1beta1', spec: { mtls: { mode: 'PERMISSIVE' } } }),
    ],
    ['an empty spec (inherit)', (pa) => (pa.spec = {})],
  ])('accepts %s', (_name, mutate) => {
    expect(pathsAfter(peerAuthentication, mutate).issues).toEqual([]);
  });

  const cases: InvalidCase<PeerAuthentication>[] = [
    {
      name: 'mode in lower case (schema enum)',
      mutate: (pa) => (pa.spec.mtls = { mode: 'strict' as never }),
      paths: ['spec.mtls.mode'],
    },
    { name: 'unknown mode', mutate: (pa) => (pa.spec.mtls = { mode: 'MUTUAL' as never }), paths: ['spec.mtls.mode'] },
    {
      name: 'portLevelMtls without a selector',
      mutate: (pa) => (pa.spec.portLevelMtls = { '8080': { mode: 'DISABLE' } }),
      paths: ['spec.portLevelMtls'],
      message: 'selector',
    },
    {
      name: 'portLevelMtls on port 0',
      mutate: (pa) =>
        Object.assign(pa.spec, { selector: { matchLabels: { app: 'a' } }, portLevelMtls: { '0': { mode: 'STRICT' } } }),
      paths: ['spec.portLevelMtls["0"]'],
    },
    {
      name: 'portLevelMtls keyed by name',
      mutate: (pa) =>
        Object.assign(pa.spec, {
          selector: { matchLabels: { app: 'a' } },
          portLevelMtls: { http: { mode: 'STRICT' } },
        }),
      paths: ['spec.portLevelMtls.http'],
    },
    {
      name: 'selector with a wildcard',
      mutate: (pa) => (pa.spec.selector = { matchLabels: { app: 'http*' } }),
      paths: ['spec.selector.matchLabels.app'],
    },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths, message, options }) => {
    const result = pathsAfter(peerAuthentication, mutate, options);
    expect(result.paths).toEqual(paths);
    if (message) expect(result.issues[0]?.message).toContain(message);
  });
});
