import { describe, expect, it } from 'vitest';
import type { AuthorizationPolicy, Rule } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { authorizationPolicy } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

const rule0 = (ap: AuthorizationPolicy): Rule => ap.spec.rules![0]!;

describe('AuthorizationPolicy', () => {
  it('accepts seed 000: principals, GET on /static* and /api/v1/products', () => {
    expect(validateObject(authorizationPolicy())).toEqual([]);
  });

  it.each<[string, (ap: AuthorizationPolicy) => void]>([
    ['allow-nothing (empty spec)', (ap) => (ap.spec = {})],
    ['allow-all (rules: [{}])', (ap) => (ap.spec.rules = [{}])],
    ['DENY with rules', (ap) => (ap.spec.action = 'DENY')],
    [
      'CUSTOM with a provider and paths',
      (ap) =>
        Object.assign(ap.spec, {
          action: 'CUSTOM',
          provider: { name: 'ext-authz' },
          rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }],
        }),
    ],
    [
      'targetRefs to a Service',
      (ap) =>
        Object.assign(ap.spec, {
          selector: undefined,
          targetRefs: [{ kind: 'Service', group: '', name: 'productpage' }],
        }),
    ],
    ['path templates', (ap) => (rule0(ap).to = [{ operation: { paths: ['/api/{*}/items/{**}', '*.html', '*'] } }])],
    [
      'ports, ipBlocks and when',
      (ap) =>
        Object.assign(rule0(ap), {
          from: [{ source: { ipBlocks: ['10.0.0.0/8'], namespaces: ['default'] } }],
          to: [{ operation: { ports: ['8080'] } }],
          when: [
            { key: 'request.headers[x-user]', values: ['a'] },
            { key: 'source.ip', notValues: ['10.1.2.3'] },
          ],
        }),
    ],
    ['serviceAccounts', (ap) => (rule0(ap).from = [{ source: { serviceAccounts: ['default/sleep'] } }])],
    ['v1beta1', (ap) => (ap.apiVersion = 'security.istio.io/v1beta1')],
  ])('accepts %s', (_name, mutate) => {
    expect(pathsAfter(authorizationPolicy, mutate).issues).toEqual([]);
  });

  const cases: InvalidCase<AuthorizationPolicy>[] = [
    {
      name: 'selector and targetRefs',
      mutate: (ap) => (ap.spec.targetRefs = [{ kind: 'Service', group: '', name: 'productpage' }]),
      paths: ['spec'],
      message: 'only one of selector',
    },
    {
      name: 'targetRef in another namespace',
      mutate: (ap) =>
        Object.assign(ap.spec, {
          selector: undefined,
          targetRefs: [{ kind: 'Service', group: '', name: 'x', namespace: 'other' }],
        }),
      paths: ['spec.targetRefs[0].namespace'],
    },
    {
      name: 'targetRef of an unsupported kind',
      mutate: (ap) => Object.assign(ap.spec, { selector: undefined, targetRefs: [{ kind: 'Deployment', name: 'x' }] }),
      paths: ['spec.targetRefs[0].kind'],
    },
    {
      name: 'DENY without rules',
      mutate: (ap) => Object.assign(ap.spec, { action: 'DENY', rules: [] }),
      paths: ['spec.rules'],
    },
    {
      name: 'CUSTOM without provider',
      mutate: (ap) => Object.assign(ap.spec, { action: 'CUSTOM', rules: [{ to: [{ operation: { paths: ['/x'] } }] }] }),
      paths: ['spec.provider.name'],
    },
    { name: 'provider without CUSTOM', mutate: (ap) => (ap.spec.provider = { name: 'ext' }), paths: ['spec.provider'] },
    {
      name: 'CUSTOM matching principals',
      mutate: (ap) => Object.assign(ap.spec, { action: 'CUSTOM', provider: { name: 'ext' } }),
      paths: ['spec.rules[0].from[0].source.principals'],
    },
    { name: 'empty from', mutate: (ap) => (rule0(ap).from = []), paths: ['spec.rules[0].from'] },
    { name: 'empty to', mutate: (ap) => (rule0(ap).to = []), paths: ['spec.rules[0].to'] },
    {
      name: 'empty source',
      mutate: (ap) => (rule0(ap).from = [{ source: {} }]),
      paths: ['spec.rules[0].from[0].source'],
    },
    { name: 'missing source', mutate: (ap) => (rule0(ap).from = [{}]), paths: ['spec.rules[0].from[0].source'] },
    {
      name: 'empty operation',
      mutate: (ap) => (rule0(ap).to = [{ operation: {} }]),
      paths: ['spec.rules[0].to[0].operation'],
    },
    {
      name: 'empty principal string',
      mutate: (ap) => (rule0(ap).from = [{ source: { principals: [''] } }]),
      paths: ['spec.rules[0].from[0].source.principals[0]'],
    },
    {
      name: 'principal with spiffe://',
      mutate: (ap) => (rule0(ap).from = [{ source: { principals: ['spiffe://cluster.local/ns/default/sa/sleep'] } }]),
      paths: ['spec.rules[0].from[0].source.principals[0]'],
      message: 'spiffe://',
    },
    {
      name: 'path with a middle *',
      mutate: (ap) => (rule0(ap).to = [{ operation: { paths: ['/api/*/items'] } }]),
      paths: ['spec.rules[0].to[0].operation.paths[0]'],
    },
    {
      name: 'path template with {**} not last',
      mutate: (ap) => (rule0(ap).to = [{ operation: { paths: ['/api/{**}/items'] } }]),
      paths: ['spec.rules[0].to[0].operation.paths[0]'],
    },
    {
      name: 'path template with a partial segment',
      mutate: (ap) => (rule0(ap).to = [{ operation: { paths: ['/api/x{*}'] } }]),
      paths: ['spec.rules[0].to[0].operation.paths[0]'],
    },
    {
      name: 'lower-case method',
      mutate: (ap) => (rule0(ap).to = [{ operation: { methods: ['get'] } }]),
      paths: ['spec.rules[0].to[0].operation.methods[0]'],
    },
    {
      name: 'non-numeric port',
      mutate: (ap) => (rule0(ap).to = [{ operation: { ports: ['http'] } }]),
      paths: ['spec.rules[0].to[0].operation.ports[0]'],
    },
    {
      name: 'port above 65535',
      mutate: (ap) => (rule0(ap).to = [{ operation: { notPorts: ['70000'] } }]),
      paths: ['spec.rules[0].to[0].operation.notPorts[0]'],
    },
    {
      name: 'bad ipBlock',
      mutate: (ap) => (rule0(ap).from = [{ source: { ipBlocks: ['10.0.0.0/99'] } }]),
      paths: ['spec.rules[0].from[0].source.ipBlocks[0]'],
    },
    {
      name: 'serviceAccounts with principals',
      mutate: (ap) => (rule0(ap).from = [{ source: { principals: ['a/ns/b/sa/c'], serviceAccounts: ['ns/sa'] } }]),
      paths: ['spec.rules[0].from[0].source.serviceAccounts'],
    },
    {
      name: 'serviceAccount with a wildcard',
      mutate: (ap) => (rule0(ap).from = [{ source: { serviceAccounts: ['ns/*'] } }]),
      paths: ['spec.rules[0].from[0].source.serviceAccounts[0]'],
    },
    {
      name: 'when without values',
      mutate: (ap) => (rule0(ap).when = [{ key: 'request.headers[x]' }]),
      paths: ['spec.rules[0].when[0]'],
    },
    {
      name: 'when with an unknown key',
      mutate: (ap) => (rule0(ap).when = [{ key: 'request.color', values: ['red'] }]),
      paths: ['spec.rules[0].when[0].key'],
    },
    {
      name: 'when destination.port not numeric',
      mutate: (ap) => (rule0(ap).when = [{ key: 'destination.port', values: ['http'] }]),
      paths: ['spec.rules[0].when[0].values[0]'],
    },
    { name: 'bad action (schema enum)', mutate: (ap) => (ap.spec.action = 'REJECT' as never), paths: ['spec.action'] },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths, message, options }) => {
    const result = pathsAfter(authorizationPolicy, mutate, options);
    expect(result.paths).toEqual(paths);
    if (message) expect(result.issues[0]?.message).toContain(message);
  });
});
