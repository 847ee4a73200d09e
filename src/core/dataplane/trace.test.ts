/**
 * The data-plane model on hand-built fleets: each known way a cross-cluster call
 * fails is refused at the hop where Istio refuses it, and only on the releases where
 * it does.
 */
import { describe, expect, test } from 'vitest';
import type { MeshSpec } from '../model/infrastructure.js';
import { checkRoute, type RouteCaller } from '../render/check-route.js';
import type { RenderedObject } from '../render/objects.js';
import { TEST_CALLER as CALLER, testObject as object, testWorld, type TestCluster } from './test-support/world.js';

const ALIAS = 'httpbin.ns2.cloud2';
const REAL = 'httpbin.ns2.svc.cluster.local';

/** The caller's side of a federated call: the alias with a virtual address, and mesh mTLS with the given SNI. */
function callerSide(sni: string | undefined, tls: Record<string, unknown> = {}): RenderedObject[] {
  return [
    object('ServiceEntry', 'ns1', ALIAS, {
      hosts: [ALIAS],
      addresses: ['240.0.0.1'],
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address: '10.0.0.2', ports: { 'http-80': 15443 } }],
      exportTo: ['ns1'],
    }),
    object('DestinationRule', 'ns1', ALIAS, {
      host: ALIAS,
      exportTo: ['ns1'],
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', ...(sni ? { sni } : {}), ...tls } },
    }),
  ];
}

const allow = object('AuthorizationPolicy', 'ns2', 'httpbin-callers', {
  selector: { matchLabels: { app: 'httpbin' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: ['cluster.local/ns/ns1/sa/sleep'] } }] }],
});

function fleet(caller: RenderedObject[], server: Partial<TestCluster> = {}, callerMesh: MeshSpec = {}) {
  return testWorld(
    { name: 'p/c1', resources: caller, gatewayAddress: '10.0.0.1', mesh: callerMesh },
    {
      name: 'p/c2',
      gatewayAddress: '10.0.0.2',
      services: [REAL],
      ...server,
      resources: [allow, ...(server.resources ?? [])],
    },
  );
}

const trace = (world: ReturnType<typeof fleet>, caller = CALLER) => {
  const result = checkRoute(world, caller, { host: ALIAS, path: '/', method: 'GET' });
  return { result, destination: result.destinations[0] };
};

describe('the SNI override to the real Service (what meshbridge renders)', () => {
  test.each(['1.7', '1.8.3', '1.9.5', '1.12', '1.19', '1.20', '1.24'])(
    'is delivered on Istio %s behind a *.local Gateway',
    (version) => {
      const server = { mesh: { istioVersion: version, gateway: { exposesServices: true } } };
      const { destination } = trace(fleet(callerSide(`outbound_.80_._.${REAL}`), server));
      expect(destination).toMatchObject({ delivered: true, servingCluster: 'p/c2', service: REAL });
    },
  );

  test('without a cross-network Gateway on the serving cluster the gateway resets it', () => {
    const server = { mesh: { gateway: { exposesServices: false } } };
    expect(trace(fleet(callerSide(`outbound_.80_._.${REAL}`), server)).destination).toMatchObject({
      refusedAt: 'gateway',
    });
  });

  test('an SNI with the wrong Service port names no chain', () => {
    expect(trace(fleet(callerSide(`outbound_.8000_._.${REAL}`))).destination).toMatchObject({ refusedAt: 'gateway' });
  });

  test('pods without a sidecar are filtered out of the SNI cluster from 1.8.6', () => {
    const services = [{ name: 'httpbin', namespace: 'ns2', sidecar: false }];
    expect(trace(fleet(callerSide(`outbound_.80_._.${REAL}`), { services })).destination).toMatchObject({
      refusedAt: 'sni-cluster',
    });
  });

  test('the caller refuses a server whose identity is not the one it expects', () => {
    const caller = callerSide(`outbound_.80_._.${REAL}`, {
      subjectAltNames: ['spiffe://cluster.local/ns/ns2/sa/other'],
    });
    expect(trace(fleet(caller)).destination).toMatchObject({ refusedAt: 'inbound' });
  });
});

describe("meshbridge's former server-side ServiceEntry (a deliberately broken variant)", () => {
  /** An exact-host Gateway and a ServiceEntry mapping the alias to the Service, with DNS resolution, no labels. */
  const passthrough = (labels?: Record<string, string>) => [
    object('Gateway', 'istio-system', 'httpbin-passthrough', {
      selector: { istio: 'eastwestgateway' },
      servers: [
        { port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: [ALIAS], tls: { mode: 'AUTO_PASSTHROUGH' } },
      ],
    }),
    object('ServiceEntry', 'istio-system', `${ALIAS}-passthrough`, {
      hosts: [ALIAS],
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }],
      location: 'MESH_INTERNAL',
      resolution: 'DNS',
      endpoints: [{ address: REAL, ...(labels ? { labels } : {}) }],
      exportTo: ['.'],
    }),
  ];
  const server = (version: string, labels?: Record<string, string>) => ({
    mesh: { istioVersion: version, gateway: { exposesServices: false } },
    resources: passthrough(labels),
  });

  test('from 1.20 the SNI cluster is empty: the endpoint has no tlsMode label, and STRICT_DNS clusters are filtered', () => {
    const { destination } = trace(fleet(callerSide(undefined), server('1.24')));
    expect(destination).toMatchObject({ delivered: false, refusedAt: 'sni-cluster' });
    expect(destination?.reason).toContain('tlsMode');
  });

  test('on 1.19 the same objects carry the call (STRICT_DNS endpoints were not filtered)', () => {
    expect(trace(fleet(callerSide(undefined), server('1.19'))).destination).toMatchObject({ delivered: true });
  });

  test('with the tlsMode label the 1.24 SNI cluster keeps its endpoint', () => {
    const labelled = server('1.24', { 'security.istio.io/tlsMode': 'istio' });
    expect(trace(fleet(callerSide(undefined), labelled)).destination).toMatchObject({ delivered: true });
  });

  test('on 1.8.3 the exact-host Gateway never matches: those releases match hosts literally against the SNI', () => {
    const { destination } = trace(fleet(callerSide(undefined), server('1.8.3')));
    expect(destination).toMatchObject({ refusedAt: 'gateway' });
    expect(destination?.reason).toContain('literally');
  });
});

describe('trust domains', () => {
  const other: RouteCaller = { ...CALLER, trustDomain: 'other.example' };
  const otherAllow = object('AuthorizationPolicy', 'ns2', 'other-callers', {
    selector: { matchLabels: { app: 'httpbin' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: ['other.example/ns/ns1/sa/sleep'] } }] }],
  });
  const world = (mesh: MeshSpec) =>
    fleet(callerSide(`outbound_.80_._.${REAL}`), { mesh, resources: [otherAllow] }, { trustDomain: 'other.example' });

  test('a caller from another trust domain is refused at the handshake without an alias', () => {
    expect(trace(world({}), other).destination).toMatchObject({ refusedAt: 'inbound' });
  });

  test('trustDomainAliases let it in from 1.7', () => {
    expect(trace(world({ trustDomainAliases: ['other.example'] }), other).destination).toMatchObject({
      delivered: true,
    });
  });

  test('1.5 and 1.6 ignore the aliases', () => {
    const old = world({
      istioVersion: '1.6',
      trustDomainAliases: ['other.example'],
      gateway: { exposesServices: true },
    });
    expect(trace(old, other).destination).toMatchObject({ refusedAt: 'inbound' });
  });
});

describe('TLS that is not the mesh’s', () => {
  test('SIMPLE offers no Istio ALPN, and the gateway resets it', () => {
    const caller = [
      callerSide(undefined)[0] as RenderedObject,
      object('DestinationRule', 'ns1', ALIAS, {
        host: ALIAS,
        trafficPolicy: { tls: { mode: 'SIMPLE', sni: `outbound_.80_._.${REAL}` } },
      }),
    ];
    expect(trace(fleet(caller)).destination).toMatchObject({ refusedAt: 'gateway' });
  });

  test('credentialName before 1.14 leaves the sidecar sending plaintext', () => {
    const local = testWorld({
      name: 'p/c1',
      services: [REAL],
      mesh: { istioVersion: '1.12' },
      resources: [
        object('DestinationRule', 'ns1', 'httpbin-tls', {
          host: REAL,
          workloadSelector: { matchLabels: { app: 'sleep' } },
          trafficPolicy: { tls: { mode: 'SIMPLE', credentialName: 'httpbin-ca' } },
        }),
      ],
    });
    const result = checkRoute(local, CALLER, { host: REAL, path: '/', method: 'GET' });
    expect(result.destinations[0]?.hops[0]?.detail).toContain('plaintext');
  });
});

describe('callers without a sidecar', () => {
  const plain: RouteCaller = { ...CALLER, sidecar: false };
  const strictWorld = (resources: RenderedObject[] = []) =>
    testWorld({ name: 'p/c1', services: [REAL], mesh: { mtlsMode: 'STRICT' }, resources });

  test('are refused by a STRICT mesh', () => {
    const result = checkRoute(strictWorld(), plain, { host: REAL, path: '/', method: 'GET' });
    expect(result.destinations[0]).toMatchObject({ refusedAt: 'inbound' });
  });

  test('are let in on the container port a workload PeerAuthentication makes PERMISSIVE', () => {
    const permissive = object('PeerAuthentication', 'ns2', 'httpbin-permissive', {
      selector: { matchLabels: { app: 'httpbin' } },
      portLevelMtls: { '80': { mode: 'PERMISSIVE' } },
    });
    const result = checkRoute(strictWorld([permissive]), plain, { host: REAL, path: '/', method: 'GET' });
    expect(result.destinations[0]).toMatchObject({ delivered: true });
  });

  test('cannot resolve a cross-cluster name', () => {
    const result = checkRoute(fleet(callerSide(`outbound_.80_._.${REAL}`)), plain, {
      host: ALIAS,
      path: '/',
      method: 'GET',
    });
    expect(result.dns.ok).toBe(false);
  });
});

describe('DNS', () => {
  test('with DNS capture off the cross-cluster name does not resolve: nothing is sent', () => {
    const { result } = trace(fleet(callerSide(`outbound_.80_._.${REAL}`), {}, { dnsCapture: false }));
    expect(result.dns).toMatchObject({ ok: false });
    expect(result.destinations).toEqual([]);
    expect(result.ok).toBe(false);
  });

  test('before 1.8, a .global name resolves only through istiocoredns', () => {
    const global = 'httpbin.ns2.global';
    const entry = object('ServiceEntry', 'ns1', global, {
      hosts: [global],
      addresses: ['240.0.0.1'],
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }],
      endpoints: [{ address: '10.0.0.2', ports: { 'http-80': 15443 } }],
    });
    const without = testWorld({ name: 'p/c1', resources: [entry], mesh: { istioVersion: '1.7' } });
    const withStub = testWorld({
      name: 'p/c1',
      resources: [entry],
      mesh: { istioVersion: '1.7', istioCoreDnsAddress: '10.96.0.53' },
    });
    expect(checkRoute(without, CALLER, { host: global, path: '/' }).dns.ok).toBe(false);
    expect(checkRoute(withStub, CALLER, { host: global, path: '/' }).dns.ok).toBe(true);
  });
});
