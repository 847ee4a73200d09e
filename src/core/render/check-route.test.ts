/** `check route` on hand-written rendered objects: routing, shares, visibility, serving clusters and authorization. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TEST_CALLER as CALLER, testObject as object, testWorld } from '../dataplane/test-support/world.js';
import type { World } from '../dataplane/world.js';
import { checkRoute } from './check-route.js';
import { inIpBlock, policyMatches, resolveCalledHost, searchCandidates } from './check-route-match.js';
import type { RenderedObject } from './objects.js';

const PRINCIPAL = 'cluster.local/ns/ns1/sa/sleep';

type Match = Record<string, unknown>;
const to = (host: string, weight?: number) => ({ destination: { host }, ...(weight === undefined ? {} : { weight }) });

function virtualService(
  namespace: string,
  host: string,
  http: { name?: string; match?: Match[]; route: ReturnType<typeof to>[] }[],
  extra: Record<string, unknown> = {},
): RenderedObject {
  return object('VirtualService', namespace, `${host.split('.')[0]}-vs`, { hosts: [host], http, ...extra });
}

function serviceEntry(
  namespace: string,
  host: string,
  addresses: (string | { address: string; weight: number })[],
  extra: Record<string, unknown> = {},
): RenderedObject {
  const endpoints = addresses.map((entry) =>
    typeof entry === 'string'
      ? { address: entry, ports: { 'http-80': 15443 } }
      : { ...entry, ports: { 'http-80': 15443 } },
  );
  return object('ServiceEntry', namespace, host.replaceAll('.', '-'), {
    hosts: [host],
    ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }],
    location: 'MESH_INTERNAL',
    resolution: 'STATIC',
    endpoints,
    ...extra,
  });
}

/** What a calling cluster has for a cross-cluster host: the ServiceEntry and mesh mTLS whose SNI names the real Service. */
function crossCluster(
  host: string,
  local: string,
  addresses: (string | { address: string; weight: number })[] = ['10.0.0.2'],
  extra: Record<string, unknown> = {},
): RenderedObject[] {
  return [
    serviceEntry('ns1', host, addresses, extra),
    object('DestinationRule', 'ns1', host, {
      host,
      ...extra,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', sni: `outbound_.80_._.${local}` } },
    }),
  ];
}

function policy(
  namespace: string,
  app: string,
  rules?: Record<string, unknown>[],
  action = 'ALLOW',
  name = `${app}-callers`,
): RenderedObject {
  return object('AuthorizationPolicy', namespace, name, {
    selector: { matchLabels: { app } },
    action,
    ...(rules ? { rules } : {}),
  });
}

const rule = (principals: string[] | undefined, operations?: Record<string, unknown>[]) => ({
  ...(principals ? { from: [{ source: { principals } }] } : {}),
  ...(operations ? { to: operations.map((operation) => ({ operation })) } : {}),
});

const SERVICE_HOST = /\b([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local\b/g;

/** The Services a cluster runs: every `name.ns.svc.cluster.local` its objects route to, and those given. */
function servicesIn(objects: RenderedObject[], given: string[]): string[] {
  const routed = objects
    .filter((object) => object.kind === 'VirtualService')
    .flatMap((object) => [...JSON.stringify(object.spec?.http ?? []).matchAll(SERVICE_HOST)].map((match) => match[0]));
  return [...new Set([...routed, ...given])];
}

function fleet(c1: RenderedObject[], c2: RenderedObject[] = [], options: { c1?: string[]; c2?: string[] } = {}): World {
  return testWorld(
    { name: 'p/c1', resources: c1, services: servicesIn(c1, options.c1 ?? []), gatewayAddress: '10.0.0.1' },
    { name: 'p/c2', resources: c2, services: servicesIn(c2, options.c2 ?? []), gatewayAddress: '10.0.0.2' },
  );
}

/** The called host runs in the caller's cluster unless the test says where it runs. */
function withCalled(world: World, host: string): World {
  const service = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  const [c1, ...rest] = world.clusters;
  if (
    !service ||
    !c1 ||
    world.clusters.some((cluster) =>
      cluster.services.some((known) => `${known.name}.${known.namespace}.svc.cluster.local` === host),
    )
  )
    return world;
  const facts = {
    name: service[1] as string,
    namespace: service[2] as string,
    port: 80,
    targetPort: 80,
    protocol: 'HTTP',
    labels: { app: service[1] as string },
    serviceAccount: service[1] as string,
    sidecar: true,
  };
  return {
    clusters: [
      { ...c1, services: [...c1.services, facts], serviceNames: new Set([...c1.serviceNames, host]) },
      ...rest,
    ],
  };
}

const call = (world: World, host: string, path = '/', method = 'GET', caller = CALLER) => {
  const qualified = host.includes('.') ? host.replace(/\.$/, '') : `${host}.${caller.namespace}.svc.cluster.local`;
  return checkRoute(withCalled(world, qualified), caller, { host, path, method });
};

const split = (result: ReturnType<typeof checkRoute>) =>
  result.destinations.map((destination) => [destination.host, destination.share]);

describe('routing: first match and shares', () => {
  const routes = virtualService('ns1', 'svc.ns1.svc.cluster.local', [
    { name: 'prefix', match: [{ uri: { prefix: '/a' } }], route: [to('a.ns1.svc.cluster.local')] },
    { name: 'exact', match: [{ uri: { exact: '/b' } }], route: [to('b.ns1.svc.cluster.local')] },
    { name: 'regex', match: [{ uri: { regex: '/c/[0-9]+' } }], route: [to('c.ns1.svc.cluster.local')] },
    { name: 'post', match: [{ method: { exact: 'POST' } }], route: [to('p.ns1.svc.cluster.local')] },
    { name: 'rest', route: [to('d.ns1.svc.cluster.local')] },
  ]);
  const objects = fleet([routes]);

  test.each([
    ['/a', 'GET', 'prefix', 'a'],
    ['/abc/x?y=1', 'GET', 'prefix', 'a'],
    ['/b', 'GET', 'exact', 'b'],
    ['/b?debug=1', 'GET', 'exact', 'b'],
    ['/b/x', 'GET', 'rest', 'd'],
    ['/c/12', 'GET', 'regex', 'c'],
    ['/c/12/x', 'GET', 'rest', 'd'],
    ['/c/x', 'POST', 'post', 'p'],
    ['/a', 'POST', 'prefix', 'a'],
    ['/z', 'DELETE', 'rest', 'd'],
  ])('%s %s takes rule %s (the first that fits)', (path, method, name, target) => {
    const result = call(objects, 'svc', path, method);
    expect(result.virtualService).toBe('ns1/svc-vs');
    expect(result.rule?.name).toBe(name);
    expect(split(result)).toEqual([[`${target}.ns1.svc.cluster.local`, 100]]);
  });

  test('with no rule that fits, the call reaches nothing (the sidecar answers 404)', () => {
    const only = fleet([
      virtualService('ns1', 'svc.ns1.svc.cluster.local', [
        { match: [{ uri: { prefix: '/headers' } }], route: [to('a.ns1.svc.cluster.local')] },
      ]),
    ]);
    const result = call(only, 'svc', '/status');
    expect(result.rule).toBeNull();
    expect(result.destinations).toEqual([]);
    expect(result.route).toContain('404');
    expect(result).toMatchObject({ reaches: false, ok: false });
  });

  test('header matches never fit: the check sends no headers, and says so', () => {
    const headers = fleet([
      virtualService('ns1', 'svc.ns1.svc.cluster.local', [
        {
          name: 'canary',
          match: [{ headers: { 'x-canary': { exact: '1' } } }],
          route: [to('a.ns1.svc.cluster.local')],
        },
        { name: 'rest', route: [to('b.ns1.svc.cluster.local')] },
      ]),
    ]);
    const result = call(headers, 'svc');
    expect(result.rule?.name).toBe('rest');
    expect(result.notes.join('\n')).toContain('canary');
  });

  test('weights 50/25/25 give 50.00/25.00/25.00', () => {
    const weighted = fleet([
      virtualService('ns1', 'svc.ns1.svc.cluster.local', [
        {
          match: [{ uri: { prefix: '/headers' } }],
          route: [
            to('s4.ns1.svc.cluster.local', 50),
            to('s1.ns1.svc.cluster.local', 25),
            to('s2.ns1.svc.cluster.local', 25),
          ],
        },
      ]),
    ]);
    expect(split(call(weighted, 'svc', '/headers'))).toEqual([
      ['s4.ns1.svc.cluster.local', 50],
      ['s1.ns1.svc.cluster.local', 25],
      ['s2.ns1.svc.cluster.local', 25],
    ]);
  });

  test.each([
    [
      [1, 1, 1],
      [33.33, 33.33, 33.33],
    ],
    [
      [3, 1],
      [75, 25],
    ],
    [
      [10, 0],
      [100, 0],
    ],
    [
      [2, 1],
      [66.67, 33.33],
    ],
  ])('weights %j that do not sum to 100 give %j (weight / total)', (weights, shares) => {
    const objects = fleet([
      virtualService('ns1', 'svc.ns1.svc.cluster.local', [
        { route: weights.map((weight, index) => to(`s${index}.ns1.svc.cluster.local`, weight)) },
      ]),
    ]);
    expect(call(objects, 'svc').destinations.map((destination) => destination.share)).toEqual(shares);
  });

  test('a single destination without a weight gets everything', () => {
    const objects = fleet([
      virtualService('ns1', 'svc.ns1.svc.cluster.local', [{ route: [to('a.ns1.svc.cluster.local')] }]),
    ]);
    expect(split(call(objects, 'svc'))).toEqual([['a.ns1.svc.cluster.local', 100]]);
  });

  test('property: every share is weight / total, to two decimals', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 6 }), (weights) => {
        const objects = fleet([
          virtualService('ns1', 'svc.ns1.svc.cluster.local', [
            { route: weights.map((weight, index) => to(`s${index}.ns1.svc.cluster.local`, weight)) },
          ]),
        ]);
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        const shares = call(objects, 'svc').destinations.map((destination) => destination.share);
        expect(shares).toEqual(weights.map((weight) => Math.round((weight * 10000) / total) / 100));
        expect(Math.abs(shares.reduce((sum, share) => sum + share, 0) - 100)).toBeLessThanOrEqual(
          0.01 * weights.length,
        );
      }),
    );
  });

  test('with no VirtualService the call goes straight to the host', () => {
    const result = call(fleet([]), 'svc');
    expect(result.virtualService).toBeNull();
    expect(result.route).toContain('straight');
    expect(result.destinations).toMatchObject([
      { host: 'svc.ns1.svc.cluster.local', servingCluster: 'p/c1', share: 100, delivered: true },
    ]);
  });

  test('a short destination host is a Service of the VirtualService namespace', () => {
    const objects = fleet([virtualService('ns1', 'svc', [{ route: [to('other')] }])]);
    const result = call(objects, 'svc');
    expect(result.virtualService).toBe('ns1/svc-vs');
    expect(split(result)).toEqual([['other.ns1.svc.cluster.local', 100]]);
  });
});

describe('the called name, as DNS search paths resolve it', () => {
  const route = virtualService('bar', 'service01.bar.svc.cluster.local', [{ route: [to('s1.bar.svc.cluster.local')] }]);
  const caller = { ...CALLER, namespace: 'bar' };

  test.each([
    'service01',
    'service01.bar',
    'service01.bar.svc',
    'service01.bar.svc.cluster.local',
    'service01.bar.svc.cluster.local.',
  ])('%s from namespace bar is service01.bar.svc.cluster.local', (name) => {
    const result = call(fleet([route]), name, '/', 'GET', caller);
    expect(result.request.resolvedHost).toBe('service01.bar.svc.cluster.local');
    expect(result.virtualService).toBe('bar/service01-vs');
  });

  test('a cross-cluster host is taken as written when no search candidate is known', () => {
    expect(resolveCalledHost('httpbin.namespace02.logicalcloud02', 'namespace01', () => false)).toBe(
      'httpbin.namespace02.logicalcloud02',
    );
    expect(searchCandidates('httpbin.namespace02.logicalcloud02', 'namespace01')).toEqual([
      'httpbin.namespace02.logicalcloud02.namespace01.svc.cluster.local',
      'httpbin.namespace02.logicalcloud02.svc.cluster.local',
      'httpbin.namespace02.logicalcloud02.cluster.local',
      'httpbin.namespace02.logicalcloud02',
    ]);
  });

  test('a short name resolves in the caller namespace, not in the VirtualService one', () => {
    const elsewhere = virtualService('ns2', 'svc.ns2.svc.cluster.local', [{ route: [to('x.ns2.svc.cluster.local')] }]);
    const result = call(fleet([elsewhere]), 'svc');
    expect(result.request.resolvedHost).toBe('svc.ns1.svc.cluster.local');
    expect(result.virtualService).toBeNull();
    expect(call(fleet([elsewhere]), 'svc.ns2').virtualService).toBe('ns2/svc-vs');
  });
});

describe('exportTo visibility', () => {
  const host = 'svc.ns2.svc.cluster.local';
  const route = (exportTo?: string[]) =>
    virtualService('ns2', host, [{ route: [to('x.ns2.svc.cluster.local')] }], exportTo ? { exportTo } : {});

  test.each([
    [undefined, true],
    [['*'], true],
    [['ns1'], true],
    [['.'], false],
    [['ns3'], false],
    [['~'], false],
  ])('a VirtualService in ns2 with exportTo %j is seen from ns1: %s', (exportTo, seen) => {
    expect(call(fleet([route(exportTo)]), host).virtualService !== null).toBe(seen);
  });

  test('a VirtualService bound only to a gateway does not route mesh calls', () => {
    const gatewayOnly = virtualService('ns2', host, [{ route: [to('x.ns2.svc.cluster.local')] }], {
      gateways: ['istio-system/ingress'],
    });
    expect(call(fleet([gatewayOnly]), host).virtualService).toBeNull();
  });

  test.each([
    [['ns1'], true],
    [['.'], false],
    [['ns2'], false],
  ])('a ServiceEntry in ns2 with exportTo %j serves ns1: %s', (exportTo, seen) => {
    const entry = object('ServiceEntry', 'ns2', 'svc-ns2-cloud', {
      hosts: ['svc.ns2.cloud'],
      addresses: ['240.0.0.9'],
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address: '10.0.0.2', ports: { 'http-80': 15443 } }],
      exportTo,
    });
    const rule = object('DestinationRule', 'ns2', 'svc-ns2-cloud', {
      host: 'svc.ns2.cloud',
      exportTo,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', sni: 'outbound_.80_._.svc.ns2.svc.cluster.local' } },
    });
    const result = call(fleet([entry, rule], [], { c2: ['svc.ns2.svc.cluster.local'] }), 'svc.ns2.cloud');
    expect(result.dns.ok).toBe(seen);
    expect(result.ok).toBe(seen);
    if (!seen) expect(result.dns.detail).toContain('nothing in p/c1 declares svc.ns2.cloud');
  });
});

describe('serving clusters', () => {
  const host = 'httpbin.ns2.cloud2';
  const local = 'httpbin.ns2.svc.cluster.local';
  const remote = { c2: [local] };

  test('a cross-cluster host is served by the cluster whose gateway is the endpoint, hop by hop', () => {
    const result = call(fleet(crossCluster(host, local), [], remote), host);
    expect(result.destinations).toMatchObject([
      { host, servingCluster: 'p/c2', service: local, share: 100, delivered: true, refusedAt: null },
    ]);
    expect(result.destinations[0]?.hops.map((hop) => [hop.hop, hop.cluster, hop.ok])).toEqual([
      ['outbound', 'p/c1', true],
      ['endpoint', 'p/c1', true],
      ['gateway', 'p/c2', true],
      ['sni-cluster', 'p/c2', true],
      ['inbound', 'p/c2', true],
      ['authorization', 'p/c2', true],
    ]);
    expect(result.dns).toMatchObject({ hop: 'dns', ok: true });
  });

  test('a host nobody declares does not resolve: nothing is sent', () => {
    const result = call(fleet([]), 'nowhere.ns9.cloud9', '/x');
    expect(result.dns.ok).toBe(false);
    expect(result.destinations).toEqual([]);
    expect(result).toMatchObject({ reaches: false, ok: false });
  });

  test('an endpoint that is no cluster gateway goes nowhere', () => {
    const result = call(fleet(crossCluster(host, local, ['192.0.2.7']), [], remote), host);
    expect(result.destinations[0]).toMatchObject({ delivered: false, refusedAt: 'endpoint' });
    expect(result.destinations[0]?.reason).toContain('is no known cluster');
  });

  test('a serving cluster whose platform has no cross-network Gateway and meshbridge rendered none resets the call', () => {
    const world = testWorld(
      { name: 'p/c1', resources: crossCluster(host, local), gatewayAddress: '10.0.0.1' },
      { name: 'p/c2', services: [local], gatewayAddress: '10.0.0.2', mesh: { gateway: { exposesServices: false } } },
    );
    const result = checkRoute(world, CALLER, { host, path: '/', method: 'GET' });
    expect(result.destinations[0]).toMatchObject({ servingCluster: 'p/c2', delivered: false, refusedAt: 'gateway' });
  });

  test('endpoints in several clusters split the destination share by endpoint weight', () => {
    const both = crossCluster(host, local, [
      { address: '10.0.0.1', weight: 1 },
      { address: '10.0.0.2', weight: 3 },
    ]);
    const result = call(fleet(both, [], { c1: [local], c2: [local] }), host);
    expect(result.destinations.map((destination) => [destination.servingCluster, destination.share])).toEqual([
      ['p/c1', 25],
      ['p/c2', 75],
    ]);
  });

  test('a weighted split across a local Service and a remote host', () => {
    const route = virtualService('ns1', 'svc.ns1.svc.cluster.local', [
      { route: [to(host, 50), to('local.ns1.svc.cluster.local', 50)] },
    ]);
    const result = call(fleet([route, ...crossCluster(host, local)], [], remote), 'svc');
    expect(result.destinations.map((destination) => [destination.servingCluster, destination.share])).toEqual([
      ['p/c2', 50],
      ['p/c1', 50],
    ]);
    expect(result.ok).toBe(true);
  });

  test('a partly unresolved split is not ok, though the call reaches something', () => {
    const route = virtualService('ns1', 'svc.ns1.svc.cluster.local', [
      { route: [to('gone.ns9.cloud', 50), to('local.ns1.svc.cluster.local', 50)] },
    ]);
    expect(call(fleet([route]), 'svc')).toMatchObject({ reaches: true, ok: false });
  });
});

describe('authorization', () => {
  const host = 'httpbin.ns2.svc.cluster.local';
  const serving = (...policies: RenderedObject[]) => fleet(policies);
  const verdict = (world: World, path = '/', method = 'GET', caller = CALLER) => {
    const destination = call(world, host, path, method, caller).destinations[0];
    return { allowed: destination?.delivered === true, reason: destination?.reason ?? 'no destination' };
  };

  test('no policy: allowed', () => {
    expect(verdict(serving())).toEqual(expect.objectContaining({ allowed: true }));
    expect(verdict(serving()).reason).toContain('no ALLOW AuthorizationPolicy selects app=httpbin in ns2');
  });

  test('an ALLOW policy with no rules admits no one', () => {
    const result = verdict(serving(policy('ns2', 'httpbin')));
    expect(result.allowed).toBe(false);
    expect(result.reason).toBe('refused: ns2/httpbin-callers is an ALLOW policy with no rules: it admits no one');
  });

  const seeded = policy('ns2', 'httpbin', [rule([PRINCIPAL], [{ methods: ['GET'], paths: ['/headers', '/status*'] }])]);

  test('allowed by the rule that matches principal, method and path', () => {
    expect(verdict(serving(seeded), '/status/200')).toEqual(
      expect.objectContaining({
        allowed: true,
        reason: `allowed by ns2/httpbin-callers rule 1: principal ${PRINCIPAL}, GET /status*`,
      }),
    );
    expect(verdict(serving(seeded), '/headers?x=1').allowed).toBe(true);
  });

  test.each([
    ['/status', 'POST'],
    ['/anything', 'GET'],
    ['/headers/x', 'GET'],
  ])('%s %s is refused, naming the policy and what it admits', (path, method) => {
    expect(verdict(serving(seeded), path, method)).toEqual(
      expect.objectContaining({
        allowed: false,
        reason: `refused: ns2/httpbin-callers admits ${PRINCIPAL} only for GET /headers, /status*`,
      }),
    );
  });

  test('another caller is refused, and the reason names who is admitted', () => {
    const other = { ...CALLER, serviceAccount: 'intruder' };
    const result = verdict(serving(seeded), '/headers', 'GET', other);
    expect(result.allowed).toBe(false);
    expect(result.reason).toBe(
      `refused: ns2/httpbin-callers does not admit cluster.local/ns/ns1/sa/intruder (it admits ${PRINCIPAL})`,
    );
  });

  test('a rule with no `to` admits any operation; a rule with no `from` any caller', () => {
    expect(verdict(serving(policy('ns2', 'httpbin', [rule([PRINCIPAL])])), '/x', 'DELETE').reason).toBe(
      `allowed by ns2/httpbin-callers rule 1: principal ${PRINCIPAL}, any operation`,
    );
    expect(verdict(serving(policy('ns2', 'httpbin', [rule(undefined, [{ paths: ['/open*'] }])])), '/open/1')).toEqual(
      expect.objectContaining({
        allowed: true,
        reason: 'allowed by ns2/httpbin-callers rule 1: any source, any method /open*',
      }),
    );
  });

  test.each([
    ['/static*', '/static/app.js', true],
    ['/static*', '/stat', false],
    ['*.png', '/img/logo.png', true],
    ['*.png', '/img/logo.jpg', false],
    ['*', '/anything', true],
    ['/exact', '/exact', true],
    ['/exact', '/exact/', false],
    ['/api/{*}/items', '/api/v1/items', true],
    ['/api/{*}/items', '/api/v1/x/items', false],
    ['/files/{**}', '/files/a/b/c', true],
  ])('path %s against %s: %s', (pattern, path, allowed) => {
    const objects = serving(policy('ns2', 'httpbin', [rule([PRINCIPAL], [{ paths: [pattern] }])]));
    expect(verdict(objects, path).allowed).toBe(allowed);
  });

  test.each([
    ['cluster.local/ns/ns1/*', true],
    ['*/sa/sleep', true],
    ['*', true],
    ['cluster.local/ns/ns2/*', false],
    ['other.domain/ns/ns1/sa/sleep', false],
  ])('principal %s admits %s: %s', (principal, allowed) => {
    expect(verdict(serving(policy('ns2', 'httpbin', [rule([principal])]))).allowed).toBe(allowed);
  });

  test('namespaces, notPaths and notMethods', () => {
    const byNamespace = policy('ns2', 'httpbin', [
      {
        from: [{ source: { namespaces: ['ns1'] } }],
        to: [{ operation: { notPaths: ['/admin*'], notMethods: ['DELETE'] } }],
      },
    ]);
    expect(verdict(serving(byNamespace), '/x').reason).toBe(
      'allowed by ns2/httpbin-callers rule 1: namespace ns1, any method any path',
    );
    expect(verdict(serving(byNamespace), '/admin/x').allowed).toBe(false);
    expect(verdict(serving(byNamespace), '/x', 'DELETE').allowed).toBe(false);
    expect(verdict(serving(byNamespace), '/x', 'GET', { ...CALLER, namespace: 'ns3' }).allowed).toBe(false);
  });

  test('ipBlocks match only when the caller gives an IP in the block', () => {
    const byIp = policy('ns2', 'httpbin', [{ from: [{ source: { ipBlocks: ['10.1.0.0/16'] } }] }]);
    const result = verdict(serving(byIp));
    expect(result.allowed).toBe(false);
    expect(call(serving(byIp), host).notes.join('\n')).toContain('taken as not matching');
    expect(verdict(serving(byIp), '/', 'GET', { ...CALLER, ip: '10.1.2.3' }).allowed).toBe(true);
    expect(verdict(serving(byIp), '/', 'GET', { ...CALLER, ip: '10.2.0.1' }).allowed).toBe(false);
  });

  test('a DENY rule wins over an ALLOW rule', () => {
    const deny = policy('ns2', 'httpbin', [rule(undefined, [{ paths: ['/status/500'] }])], 'DENY', 'no-500');
    const objects = serving(seeded, deny);
    expect(verdict(objects, '/status/500')).toEqual(
      expect.objectContaining({
        allowed: false,
        reason: 'refused by ns2/no-500 (DENY) rule 1: any source, any method /status/500',
      }),
    );
    expect(verdict(objects, '/status/200').allowed).toBe(true);
  });

  test('only DENY policies: what they do not deny is allowed', () => {
    const deny = policy('ns2', 'httpbin', [rule(undefined, [{ methods: ['DELETE'] }])], 'DENY', 'no-delete');
    expect(verdict(serving(deny), '/x', 'DELETE').allowed).toBe(false);
    expect(verdict(serving(deny), '/x').allowed).toBe(true);
  });

  test('a policy for another app, or in another namespace, does not apply; one in the root namespace does', () => {
    expect(verdict(serving(policy('ns2', 'other'))).allowed).toBe(true);
    expect(verdict(serving(policy('ns3', 'httpbin'))).allowed).toBe(true);
    const meshWide = object('AuthorizationPolicy', 'istio-system', 'deny-all', { action: 'ALLOW' });
    expect(verdict(serving(meshWide)).reason).toBe(
      'refused: istio-system/deny-all is an ALLOW policy with no rules: it admits no one',
    );
  });

  test("a policy applies by the pods' labels, which come from the Service's facts, not from its name", () => {
    const custom = object('AuthorizationPolicy', 'ns2', 'httpbin-callers', {
      selector: { matchLabels: { run: 'httpbin-v2' } },
      action: 'ALLOW',
    });
    expect(verdict(serving(custom)).allowed).toBe(true);
    const relabelled = testWorld({
      name: 'p/c1',
      resources: [custom],
      services: [{ name: 'httpbin', namespace: 'ns2', labels: { run: 'httpbin-v2' } }],
    });
    expect(verdict(relabelled).allowed).toBe(false);
  });

  test('with tls.mode DISABLE the caller has no principal, so principals do not match', () => {
    const plain = object('DestinationRule', 'ns1', 'httpbin-plain', {
      host,
      trafficPolicy: { tls: { mode: 'DISABLE' } },
    });
    const result = verdict(fleet([plain, seeded]), '/headers');
    expect(result.allowed).toBe(false);
    expect(result.reason).toContain('without a known mesh identity (plaintext, no mesh certificate)');
  });

  test('cross-cluster: the serving cluster decides', () => {
    const cross = 'httpbin.ns2.cloud2';
    const objects = fleet(crossCluster(cross, host), [seeded], { c2: [host] });
    expect(call(objects, cross, '/status/200').destinations[0]).toMatchObject({
      servingCluster: 'p/c2',
      delivered: true,
    });
    expect(call(objects, cross, '/status', 'POST').destinations[0]).toMatchObject({ refusedAt: 'authorization' });
    expect(call(objects, cross, '/status', 'POST').destinations[0]?.reason).toContain('refused: ns2/httpbin-callers');
    expect(call(objects, cross, '/status', 'POST')).toMatchObject({ reaches: false, ok: false });
  });
});

describe('matching helpers', () => {
  test.each([
    ['10.0.0.0/8', '10.200.1.1', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.5', '192.168.1.5', true],
    ['0.0.0.0/0', '8.8.8.8', true],
  ])('%s contains %s: %s', (block, ip, inside) => {
    expect(inIpBlock(block, ip)).toBe(inside);
  });

  test('policy string matching: presence needs a value', () => {
    expect(policyMatches('*', '')).toBe(false);
    expect(policyMatches('*', 'x')).toBe(true);
  });
});
