/**
 * Calling a remote service by the name it would have if it were local (`http-service`), on
 * hand-built fleets: meshbridge's ServiceEntry for the Service's own name carries the call;
 * EMCO's bare-host ServiceEntry (`hosts: [http-service]`, DestinationRule `http-service`)
 * resolves but leaves in plaintext, which the gateway refuses.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkRoute } from '../render/check-route.js';
import type { RenderedObject } from '../render/objects.js';
import { serviceFacts, TEST_CALLER as CALLER, testObject as object, testWorld } from './test-support/world.js';
import type { ServiceFacts } from './world.js';

const REAL = 'http-service.ns1.svc.cluster.local';
const SNI = `outbound_.30083_._.${REAL}`;

const allow = object('AuthorizationPolicy', 'ns1', 'http-service-callers', {
  selector: { matchLabels: { app: 'http-service' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: ['cluster.local/ns/ns1/sa/sleep'] } }] }],
});

function entry(host: string, protocol: string, address = '240.0.0.2'): RenderedObject {
  const name = `${protocol.toLowerCase()}-30083`;
  return object('ServiceEntry', 'ns1', host, {
    hosts: [host],
    addresses: [address],
    ports: [{ number: 30083, name, protocol }],
    location: 'MESH_INTERNAL',
    resolution: 'STATIC',
    endpoints: [{ address: '10.0.0.2', ports: { [name]: 15443 } }],
  });
}

function rule(host: string, tls: Record<string, unknown>): RenderedObject {
  return object('DestinationRule', 'ns1', host, { host, trafficPolicy: { tls } });
}

/** What meshbridge renders in the caller's cluster for the Service's own name. */
const byOwnName = (protocol = 'HTTP') => [
  entry(REAL, protocol),
  rule(REAL, { mode: 'ISTIO_MUTUAL', sni: SNI, subjectAltNames: ['spiffe://cluster.local/ns/ns1/sa/http-service'] }),
];

/** What EMCO's Istio controller rendered (action.go createClientResources): a bare host, a bare DestinationRule. */
const emcos = [entry('http-service', 'TCP'), rule('http-service', { mode: 'ISTIO_MUTUAL' })];

function fleet(callerObjects: RenderedObject[], istioVersion = '1.24', callerServices: ServiceFacts[] = []) {
  return testWorld(
    {
      name: 'p/c1',
      resources: callerObjects,
      gatewayAddress: '10.0.0.1',
      mesh: { istioVersion },
      services: callerServices,
    },
    {
      name: 'p/c2',
      gatewayAddress: '10.0.0.2',
      services: [{ name: 'http-service', namespace: 'ns1', port: 30083, targetPort: 3333 }],
      resources: [allow],
    },
  );
}

const call = (world: ReturnType<typeof fleet>, host: string, namespace = 'ns1') =>
  checkRoute(world, { ...CALLER, namespace }, { host, path: '/', method: 'GET', port: 30083 });

describe("the Service's own name, in the caller's cluster", () => {
  test.each(['1.8', '1.12', '1.13', '1.20', '1.24'])(
    '`http-service` reaches the remote pods on Istio %s',
    (version) => {
      const result = call(fleet(byOwnName(), version), 'http-service');
      expect(result.request.resolvedHost).toBe(REAL);
      expect(result.dns.detail).toContain(`http-service → ${REAL}`);
      expect(result.destinations[0]).toMatchObject({ delivered: true, servingCluster: 'p/c2', service: REAL });
      expect(result.destinations[0]?.hops[0]?.detail).toContain(
        `Host http-service:30083 is an alias (for namespace ns1) of the virtual host ${REAL}:30083`,
      );
    },
  );

  test('a TCP port is matched by the address called, not the Host header', () => {
    const result = call(fleet(byOwnName('TCP')), 'http-service');
    expect(result.ok).toBe(true);
    expect(result.destinations[0]?.hops[0]?.detail).toContain(`TCP to 240.0.0.2:30083, the listener of ${REAL}`);
  });

  test('from another namespace the short name is another Service; `http-service.ns1` is this one', () => {
    const world = fleet(byOwnName());
    expect(call(world, 'http-service', 'ns9').dns.ok).toBe(false);
    const qualified = call(world, 'http-service.ns1', 'ns9');
    expect(qualified.request.resolvedHost).toBe(REAL);
    expect(qualified.destinations[0]?.hops[0]?.detail).toContain('Host http-service.ns1:30083 is an alias');
  });

  test('before 1.8 there is no DNS proxy: kube-dns knows no such name', () => {
    const result = call(fleet(byOwnName(), '1.7'), 'http-service');
    expect(result.dns.ok).toBe(false);
  });

  const local = { name: 'http-service', namespace: 'ns1', port: 30083 };
  test("a Service of the caller's own cluster with that name answers through kube-dns and takes the call", () => {
    const result = call(fleet([], '1.24', [serviceFacts(local)]), 'http-service');
    expect(result.dns.detail).toContain('kube-dns resolves');
    expect(result.destinations[0]?.servingCluster).toBe('p/c1');
  });
});

describe("EMCO's bare host `http-service`", () => {
  test('resolves (the DNS proxy answers the ServiceEntry host) but its DestinationRule means another host', () => {
    const result = call(fleet(emcos), 'http-service');
    expect(result.request.resolvedHost).toBe('http-service');
    expect(result.dns.ok).toBe(true);
    // A DestinationRule's short host is qualified with its namespace: http-service.ns1.svc.cluster.local.
    expect(result.destinations[0]?.hops[0]?.detail).toContain('no DestinationRule applies');
    expect(result.destinations[0]).toMatchObject({ delivered: false, refusedAt: 'gateway' });
  });
});

describe('property: any Service name and namespace', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
  test('a caller in its namespace reaches it by its short name, one elsewhere by <name>.<ns> and never by the short name', () => {
    fc.assert(
      fc.property(label, label, label, (name, namespace, elsewhere) => {
        fc.pre(namespace !== elsewhere);
        const host = `${name}.${namespace}.svc.cluster.local`;
        const sni = `outbound_.30083_._.${host}`;
        const world = testWorld(
          {
            name: 'p/c1',
            gatewayAddress: '10.0.0.1',
            resources: [
              { ...entry(host, 'HTTP'), metadata: { name: host, namespace: elsewhere, labels: {} } },
              {
                ...rule(host, { mode: 'ISTIO_MUTUAL', sni }),
                metadata: { name: host, namespace: elsewhere, labels: {} },
              },
              { ...entry(host, 'HTTP'), metadata: { name: `${host}-b`, namespace, labels: {} } },
              { ...rule(host, { mode: 'ISTIO_MUTUAL', sni }), metadata: { name: `${host}-b`, namespace, labels: {} } },
            ],
          },
          {
            name: 'p/c2',
            gatewayAddress: '10.0.0.2',
            services: [{ name, namespace, port: 30083 }],
            resources: [object('AuthorizationPolicy', namespace, 'any', { action: 'ALLOW', rules: [{}] })],
          },
        );
        const from = (ns: string, written: string) =>
          checkRoute(world, { ...CALLER, namespace: ns }, { host: written, path: '/', port: 30083 });
        expect(from(namespace, name).ok).toBe(true);
        expect(from(elsewhere, `${name}.${namespace}`).ok).toBe(true);
        expect(from(elsewhere, name).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
