/**
 * Valid objects of every kind, after the reference and the seeds (000 multi-cloud connectivity,
 * 001 replication across clusters). Each call returns a fresh copy that a test may mutate.
 */
import type {
  AuthorizationPolicy,
  ConfigMap,
  DestinationRule,
  Gateway,
  PeerAuthentication,
  KnownObject,
  Secret,
  ServiceEntry,
  VirtualService,
} from '../objects.js';

/** Seed 000: `httpbin` of logicalcloud02 reached from cluster01 through the east-west gateway. */
export function serviceEntry(): ServiceEntry {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: {
      name: 'service-entry-httpbin',
      namespace: 'namespace01',
      labels: { 'app.kubernetes.io/managed-by': 'meshbridge' },
    },
    spec: {
      hosts: ['httpbin.namespace02.logicalcloud02'],
      location: 'MESH_INTERNAL',
      ports: [{ name: 'http1', number: 8000, protocol: 'http' }],
      resolution: 'DNS',
      addresses: ['240.0.0.2'],
      endpoints: [{ address: '172.25.55.50', ports: { http1: 15443 } }],
    },
  };
}

/** Seed 000's productpage rule, corrected: ISTIO_MUTUAL, `loadBalancer`, consecutive5xxErrors. */
export function destinationRule(): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'bookinfo-productpage-dr', namespace: 'namespace01' },
    spec: {
      host: 'productpage.namespace01.svc.cluster.local',
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        loadBalancer: { consistentHash: { httpCookie: { name: 'user2', ttl: '0s' } } },
        connectionPool: {
          tcp: { maxConnections: 10 },
          http: { http2MaxRequests: 1000, maxRequestsPerConnection: 100 },
        },
        outlierDetection: { consecutive5xxErrors: 7, interval: '5m', baseEjectionTime: '15m' },
      },
    },
  };
}

/** Seed 001: one client spread 50/25/25 over a remote and two local servers. */
export function virtualService(): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews-route', namespace: 'bar' },
    spec: {
      hosts: ['service01.bar.svc.cluster.local'],
      http: [
        {
          match: [{ uri: { prefix: '/headers' } }],
          route: [
            { destination: { host: 'serverservice04.bar.global', port: { number: 8000 } }, weight: 50 },
            { destination: { host: 'serviceserver01.bar.svc.cluster.local', port: { number: 8000 } }, weight: 25 },
            { destination: { host: 'serviceserver02.bar.svc.cluster.local', port: { number: 8000 } }, weight: 25 },
          ],
        },
      ],
    },
  };
}

/** The east-west gateway of `samples/multicluster/expose-services.yaml`. */
export function gateway(): Gateway {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'cross-network-gateway', namespace: 'istio-system' },
    spec: {
      selector: { istio: 'eastwestgateway' },
      servers: [
        {
          port: { number: 15443, name: 'tls', protocol: 'TLS' },
          tls: { mode: 'AUTO_PASSTHROUGH' },
          hosts: ['*.local'],
        },
      ],
    },
  };
}

/** Seed 000's policy for productpage. */
export function authorizationPolicy(): AuthorizationPolicy {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'productpage-allow', namespace: 'namespace02' },
    spec: {
      selector: { matchLabels: { app: 'productpage' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            {
              source: {
                principals: ['cluster.global/ns/default/sa/sleep', 'cluster.global/ns/default/sa/bookinfo-user'],
              },
            },
          ],
          to: [
            { operation: { methods: ['GET'], paths: ['/static*'] } },
            { operation: { methods: ['GET'], paths: ['/api/v1/products'] } },
          ],
        },
      ],
    },
  };
}

/** Mesh-wide strict mTLS: no selector, in the root namespace. */
export function peerAuthentication(): PeerAuthentication {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

export function secret(): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'httpbin-credential', namespace: 'istio-system' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
  };
}

/** Seed 001: the CoreDNS stub domain for `.global`. */
export function configMap(): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: { Corefile: 'global:53 {\n    errors\n    cache 30\n    forward . 10.43.57.78\n}\n' },
  };
}

export const validObjects: Record<string, () => KnownObject> = {
  ServiceEntry: serviceEntry,
  DestinationRule: destinationRule,
  VirtualService: virtualService,
  Gateway: gateway,
  AuthorizationPolicy: authorizationPolicy,
  PeerAuthentication: peerAuthentication,
  Secret: secret,
  ConfigMap: configMap,
};
