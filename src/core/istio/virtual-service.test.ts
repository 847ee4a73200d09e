import { describe, expect, it } from 'vitest';
import type { HTTPRoute, VirtualService } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { virtualService } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

const http0 = (vs: VirtualService): HTTPRoute => vs.spec.http![0]!;

describe('VirtualService', () => {
  it('accepts seed 001: 50/25/25 over three destinations', () => {
    expect(validateObject(virtualService())).toEqual([]);
    expect(validateObject(virtualService(), { weightsMustSum100: true })).toEqual([]);
  });

  it.each<[string, (vs: VirtualService) => void]>([
    ['weights not totalling 100 (Istio ≥ 1.14)', (vs) => (http0(vs).route![0]!.weight = 10)],
    [
      'one destination without weight',
      (vs) => (http0(vs).route = [{ destination: { host: 'httpbin.ns.svc.cluster.local' } }]),
    ],
    [
      'host "*" bound to a gateway only',
      (vs) => Object.assign(vs.spec, { hosts: ['*'], gateways: ['istio-system/ingress'] }),
    ],
    ['an IP host', (vs) => (vs.spec.hosts = ['10.0.0.1'])],
    ['a redirect', (vs) => (vs.spec.http = [{ redirect: { uri: '/v2', redirectCode: 308 } }])],
    ['a direct response', (vs) => (vs.spec.http = [{ directResponse: { status: 503, body: { string: 'down' } } }])],
    [
      'retries with attempts',
      (vs) => (http0(vs).retries = { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure,503' }),
    ],
    [
      'timeout, fault and mirror',
      (vs) =>
        Object.assign(http0(vs), {
          timeout: '10s',
          fault: { delay: { fixedDelay: '5s', percentage: { value: 0.1 } } },
          mirror: { host: 'mirror.ns.svc.cluster.local' },
          mirrorPercentage: { value: 50 },
        }),
    ],
    [
      'header matches, presence-only header',
      (vs) =>
        (http0(vs).match = [
          { headers: { 'x-user': { exact: 'a' }, 'x-trace': {} }, queryParams: { v: { regex: '^[0-9]+$' } } },
        ]),
    ],
    [
      'a TCP route',
      (vs) =>
        Object.assign(vs.spec, {
          http: undefined,
          tcp: [
            {
              match: [{ port: 27017 }],
              route: [{ destination: { host: 'mongo.backup.svc.cluster.local', port: { number: 5555 } } }],
            },
          ],
        }),
    ],
    [
      'a TLS route with matching SNI',
      (vs) =>
        Object.assign(vs.spec, {
          hosts: ['*.example.com'],
          gateways: ['mesh'],
          http: undefined,
          tls: [
            {
              match: [{ sniHosts: ['login.example.com'] }],
              route: [{ destination: { host: 'login.ns.svc.cluster.local' } }],
            },
          ],
        }),
    ],
    ['gateways in ns/name form and mesh', (vs) => (vs.spec.gateways = ['istio-system/cross-network-gateway', 'mesh'])],
    ['a subset', (vs) => (http0(vs).route![0]!.destination.subset = 'v1')],
  ])('accepts %s', (_name, mutate) => {
    expect(pathsAfter(virtualService, mutate).issues).toEqual([]);
  });

  const cases: InvalidCase<VirtualService>[] = [
    {
      name: 'no http, tcp or tls',
      mutate: (vs) => (vs.spec.http = []),
      paths: ['spec'],
      message: 'at least one of http, tcp or tls',
    },
    { name: 'no hosts', mutate: (vs) => (vs.spec.hosts = []), paths: ['spec.hosts'] },
    { name: 'invalid host', mutate: (vs) => (vs.spec.hosts = ['bad_host.example.com']), paths: ['spec.hosts[0]'] },
    {
      name: 'duplicate hosts',
      mutate: (vs) => (vs.spec.hosts = ['a.example.com', 'a.example.com']),
      paths: ['spec.hosts[1]'],
    },
    {
      name: 'overlapping wildcard hosts',
      mutate: (vs) => (vs.spec.hosts = ['*.example.com', 'a.example.com']),
      paths: ['spec.hosts[1]'],
    },
    {
      name: 'host "*" bound to the mesh (implicitly)',
      mutate: (vs) => (vs.spec.hosts = ['*']),
      paths: ['spec.hosts[0]'],
      message: 'mesh gateway',
    },
    {
      name: 'host "*" bound to mesh explicitly',
      mutate: (vs) => Object.assign(vs.spec, { hosts: ['*'], gateways: ['mesh', 'ns/gw'] }),
      paths: ['spec.hosts[0]'],
    },
    {
      name: 'an HTTP rule without route, redirect or directResponse',
      mutate: (vs) => (vs.spec.http = [{ match: [{ uri: { prefix: '/' } }] }]),
      paths: ['spec.http[0]'],
    },
    {
      name: 'route and redirect',
      mutate: (vs) => (http0(vs).redirect = { uri: '/x' }),
      paths: ['spec.http[0]'],
      message: 'cannot combine route and redirect',
    },
    {
      name: 'destination host "*"',
      mutate: (vs) => (http0(vs).route![0]!.destination.host = '*'),
      paths: ['spec.http[0].route[0].destination.host'],
    },
    {
      name: 'destination port 0',
      mutate: (vs) => (http0(vs).route![0]!.destination.port = { number: 0 }),
      paths: ['spec.http[0].route[0].destination.port.number'],
    },
    {
      name: 'destination port 70000',
      mutate: (vs) => (http0(vs).route![1]!.destination.port = { number: 70000 }),
      paths: ['spec.http[0].route[1].destination.port.number'],
    },
    {
      name: 'subset not a label',
      mutate: (vs) => (http0(vs).route![0]!.destination.subset = 'v1.0'),
      paths: ['spec.http[0].route[0].destination.subset'],
    },
    {
      name: 'negative weight',
      mutate: (vs) => (http0(vs).route![2]!.weight = -25),
      paths: ['spec.http[0].route[2].weight'],
    },
    {
      name: 'all weights zero',
      mutate: (vs) => http0(vs).route!.forEach((route) => (route.weight = 0)),
      paths: ['spec.http[0].route'],
      message: 'must not be 0',
    },
    {
      name: 'weights totalling 90 for old Istio',
      mutate: (vs) => (http0(vs).route![0]!.weight = 40),
      paths: ['spec.http[0].route'],
      message: 'exactly 100',
      options: { weightsMustSum100: true },
    },
    {
      name: 'unweighted destinations for old Istio',
      mutate: (vs) => http0(vs).route!.forEach((route) => delete route.weight),
      paths: ['spec.http[0].route'],
      options: { weightsMustSum100: true },
    },
    {
      name: 'TCP weights totalling 50 for old Istio',
      mutate: (vs) =>
        (vs.spec.tcp = [
          {
            route: [
              { destination: { host: 'a.ns.svc.cluster.local' }, weight: 25 },
              { destination: { host: 'b.ns.svc.cluster.local' }, weight: 25 },
            ],
          },
        ]),
      paths: ['spec.tcp[0].route'],
      options: { weightsMustSum100: true },
    },
    {
      name: 'StringMatch with exact and prefix',
      mutate: (vs) => (http0(vs).match = [{ uri: { exact: '/a', prefix: '/b' } }]),
      paths: ['spec.http[0].match[0].uri'],
      message: 'exactly one of exact, prefix or regex',
    },
    {
      name: 'empty StringMatch',
      mutate: (vs) => (http0(vs).match = [{ uri: {} }]),
      paths: ['spec.http[0].match[0].uri'],
    },
    {
      name: 'header StringMatch with two kinds',
      mutate: (vs) => (http0(vs).match = [{ headers: { 'x-user': { exact: 'a', regex: 'b' } } }]),
      paths: ['spec.http[0].match[0].headers.x-user'],
    },
    {
      name: 'look-ahead regex (not RE2)',
      mutate: (vs) => (http0(vs).match = [{ uri: { regex: '/(?=a)' } }]),
      paths: ['spec.http[0].match[0].uri.regex'],
    },
    { name: 'timeout 0s', mutate: (vs) => (http0(vs).timeout = '0s'), paths: ['spec.http[0].timeout'] },
    { name: 'timeout 0.5ms', mutate: (vs) => (http0(vs).timeout = '0.5ms'), paths: ['spec.http[0].timeout'] },
    {
      name: 'perTryTimeout in bare seconds',
      mutate: (vs) => (http0(vs).retries = { attempts: 2, perTryTimeout: '5' }),
      paths: ['spec.http[0].retries.perTryTimeout'],
    },
    {
      name: 'retryOn with attempts 0',
      mutate: (vs) => (http0(vs).retries = { attempts: 0, retryOn: '5xx' }),
      paths: ['spec.http[0].retries.attempts'],
    },
    {
      name: 'unknown retryOn policy',
      mutate: (vs) => (http0(vs).retries = { attempts: 2, retryOn: '5xx,sometimes' }),
      paths: ['spec.http[0].retries.retryOn'],
    },
    { name: 'fault without abort or delay', mutate: (vs) => (http0(vs).fault = {}), paths: ['spec.http[0].fault'] },
    {
      name: 'abort status 700',
      mutate: (vs) => (http0(vs).fault = { abort: { httpStatus: 700, percentage: { value: 10 } } }),
      paths: ['spec.http[0].fault.abort.httpStatus'],
    },
    {
      name: 'delay percentage 150',
      mutate: (vs) => (http0(vs).fault = { delay: { fixedDelay: '1s', percentage: { value: 150 } } }),
      paths: ['spec.http[0].fault.delay.percentage.value'],
    },
    {
      name: 'mirror host "*"',
      mutate: (vs) => (http0(vs).mirror = { host: '*' }),
      paths: ['spec.http[0].mirror.host'],
    },
    {
      name: 'redirect code 200',
      mutate: (vs) => (vs.spec.http = [{ redirect: { uri: '/x', redirectCode: 200 } }]),
      paths: ['spec.http[0].redirect.redirectCode'],
    },
    {
      name: 'direct response status 99',
      mutate: (vs) => (vs.spec.http = [{ directResponse: { status: 99 } }]),
      paths: ['spec.http[0].directResponse.status'],
    },
    {
      name: 'gateway with a bad namespace',
      mutate: (vs) => (vs.spec.gateways = ['Bad_NS/gw']),
      paths: ['spec.gateways[0]'],
    },
    {
      name: 'TLS route without match',
      mutate: (vs) =>
        Object.assign(vs.spec, {
          http: undefined,
          tls: [{ match: [], route: [{ destination: { host: 'a.ns.svc' } }] }],
        }),
      paths: ['spec.tls[0].match'],
    },
    {
      name: 'SNI host outside the VirtualService hosts',
      mutate: (vs) =>
        Object.assign(vs.spec, {
          http: undefined,
          tls: [{ match: [{ sniHosts: ['other.example.com'] }], route: [{ destination: { host: 'a.ns.svc' } }] }],
        }),
      paths: ['spec.tls[0].match[0].sniHosts[0]'],
    },
    {
      name: 'TCP match subnet invalid',
      mutate: (vs) =>
        (vs.spec.tcp = [
          { match: [{ destinationSubnets: ['10.0.0.0/40'] }], route: [{ destination: { host: 'a.ns.svc' } }] },
        ]),
      paths: ['spec.tcp[0].match[0].destinationSubnets[0]'],
    },
    {
      name: 'weight as a string (schema type)',
      mutate: (vs) => (http0(vs).route![0]!.weight = '50' as never),
      paths: ['spec.http[0].route[0].weight'],
    },
    { name: 'exportTo ~ (ServiceEntry only)', mutate: (vs) => (vs.spec.exportTo = ['~']), paths: ['spec.exportTo[0]'] },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths, message, options }) => {
    const result = pathsAfter(virtualService, mutate, options);
    expect(result.paths).toEqual(paths);
    if (message) expect(result.issues[0]?.message).toContain(message);
  });
});
