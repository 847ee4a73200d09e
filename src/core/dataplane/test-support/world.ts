/** Hand-built fleets for data-plane tests: clusters with mesh facts, rendered objects and Services. */
import type { MeshSpec } from '../../model/infrastructure.js';
import { meshOf } from '../../render/mesh.js';
import type { RenderedObject } from '../../render/objects.js';
import type { ClusterFacts } from '../../render/snapshot.js';
import type { Caller } from '../outbound.js';
import { hostOf, type ClusterWorld, type ServiceFacts, type World } from '../world.js';

export interface TestCluster {
  /** `provider/cluster` */
  name: string;
  resources?: RenderedObject[];
  /** `name.namespace.svc.cluster.local`, or facts (port 80, HTTP, labels app=<name>, with a sidecar by default). */
  services?: (string | (Partial<ServiceFacts> & { name: string; namespace: string }))[];
  mesh?: MeshSpec;
  gatewayAddress?: string | null;
}

export function serviceFacts(
  entry: string | (Partial<ServiceFacts> & { name: string; namespace: string }),
): ServiceFacts {
  const given =
    typeof entry === 'string'
      ? { name: entry.split('.')[0] as string, namespace: entry.split('.')[1] as string }
      : entry;
  return {
    port: 80,
    targetPort: given.port ?? 80,
    protocol: 'HTTP',
    labels: { app: given.name },
    serviceAccount: given.name,
    sidecar: true,
    ...given,
  };
}

export function testCluster(cluster: TestCluster): ClusterWorld {
  const [provider, name] = cluster.name.split('/') as [string, string];
  const facts: ClusterFacts = {
    key: `cluster-providers/${provider}/clusters/${name}`,
    provider,
    name,
    labels: [],
    body: { metadata: { name }, spec: { mesh: { dnsCapture: true, ...cluster.mesh } } },
    gateway: {
      address: cluster.gatewayAddress === undefined ? null : cluster.gatewayAddress,
      port: 15443,
      internalPort: 15443,
      source: 'test',
      warnings: [],
    },
  };
  const services = (cluster.services ?? []).map(serviceFacts);
  return {
    name: cluster.name,
    mesh: meshOf(facts),
    gateway: { address: facts.gateway.address, port: 15443, internalPort: 15443 },
    resources: cluster.resources ?? [],
    services,
    serviceNames: new Set(services.map(hostOf)),
  };
}

export function testWorld(...clusters: TestCluster[]): World {
  return { clusters: clusters.map(testCluster) };
}

/** sleep in namespace ns1 of cluster p/c1, with a sidecar. */
export const TEST_CALLER: Caller = {
  cluster: 'p/c1',
  namespace: 'ns1',
  serviceAccount: 'sleep',
  trustDomain: 'cluster.local',
  labels: { app: 'sleep' },
  sidecar: true,
};

export function testObject(
  kind: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): RenderedObject {
  return { apiVersion: 'test/v1', kind, metadata: { name, namespace, labels: {} }, spec };
}
