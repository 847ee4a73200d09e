/** The plan a synthetic fleet is built from: its clusters and the shapes its builder fills. */
import { resolveGateway } from '../core/model/gateway.js';
import type { ResourceBody } from '../core/model/kind.js';
import { childKey, clusterKey } from '../core/model/keys.js';
import type { ClusterFacts, Snapshot } from '../core/render/snapshot.js';
import type { Random } from './fleet-random.js';
import { canonicalRecord } from './fleet-random.js';

export interface ClusterPlan {
  index: number;
  provider: string;
  name: string;
  key: string;
  labels: string[];
  facts: ClusterFacts;
  kvPair?: ResourceBody;
}

export interface CloudPlan {
  project: string;
  name: string;
  namespace: string;
  key: string;
  clusters: ClusterPlan[];
}

export interface GroupPlan {
  project: string;
  key: string;
  cloud: CloudPlan;
  apps: AppPlan[];
}

export interface AppPlan {
  name: string;
  project: string;
  compositeAppKey: string;
  group: GroupPlan;
  serviceAccount: string;
  clusters: ClusterPlan[];
  service?: ServicePlan;
}

export interface ServicePlan {
  app: AppPlan;
  key: string;
  protocol: string;
  serviceName: string;
  clients: Set<string>;
}

export const PROJECTS = ['alpha', 'beta', 'gamma', 'delta'];
export const PROVIDERS = ['edge', 'core'];
/** An EMCO-style app name (`S_3.v1`) as a Kubernetes service name (`s-3-v1`). */
export const dnsName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
export const pad = (value: number, width = 3) => String(value).padStart(width, '0');

export function clusterPlan(rng: Random, index: number, versions: readonly string[], meshIds = false): ClusterPlan {
  const provider = PROVIDERS[index % 2] as string;
  const name = `c${pad(index)}`;
  const version = rng.pick(versions);
  const legacy = version === '1.7';
  const ip = `172.${16 + ((index >> 8) & 15)}.${index & 255}.${10 + rng.int(200)}`;
  const address = index % 7 === 3 ? `gw-${name}.mesh.example.net` : ip;
  const viaKvPair = index % 5 === 4;
  const port = index % 6 === 5 ? 443 : 15443;
  const labels = [`region-${index % 5}`, `rack-${Math.floor(index / 4)}`, ...(index % 10 === 0 ? ['gpu'] : [])].sort();
  const mesh: Record<string, unknown> = {
    istioVersion: version,
    network: `network-${index}`,
    mtlsMode: rng.chance(0.2) ? 'STRICT' : 'PERMISSIVE',
  };
  if (!viaKvPair) mesh.gateway = { address, port, internalPort: 15443 };
  if (legacy && rng.chance(0.8)) mesh.istioCoreDnsAddress = `10.96.${index & 255}.53`;
  // A complete platform states its prerequisites: DNS capture from 1.8, the `.global` stub domain before.
  if (!legacy) mesh.dnsCapture = true;
  if (!legacy && meshIds) mesh.meshId = index % 2 === 0 ? 'mesh-a' : 'mesh-b';
  else if (mesh.istioCoreDnsAddress !== undefined && index % 2 === 0) mesh.dnsStub = 'coredns-custom';
  const key = clusterKey(provider, name);
  const body = canonicalRecord('cluster', key, {
    metadata: { name },
    spec: { locality: { region: `region-${index % 5}`, zone: `zone-${(index >> 1) % 3}` }, mesh },
  }).body;
  const kvPair = viaKvPair
    ? canonicalRecord('clusterKvPair', childKey(key, 'kv-pairs', 'istio-gateway'), {
        metadata: { name: 'istio-gateway' },
        spec: {
          kv: [
            { istioIngressGatewayAddress: address },
            { istioIngressGatewayPort: String(port) },
            { istioIngressGatewayInternalPort: '15443' },
          ],
        },
      }).body
    : undefined;
  const gateway = resolveGateway(body, kvPair ? [{ name: 'istio-gateway', body: kvPair }] : []);
  return {
    index,
    provider,
    name,
    key,
    labels,
    kvPair,
    facts: { key, provider, name, labels, body, gateway },
  };
}

/** A window of `size` consecutive clusters starting at `start`, wrapping around. */
export function window(clusters: readonly ClusterPlan[], start: number, size: number): ClusterPlan[] {
  const out: ClusterPlan[] = [];
  for (let offset = 0; offset < Math.min(size, clusters.length); offset += 1)
    out.push(clusters[(start + offset) % clusters.length] as ClusterPlan);
  return out.sort((a, b) => a.index - b.index);
}

export interface Builder {
  rng: Random;
  out: Snapshot;
  clusters: ClusterPlan[];
  /** provider + label → clusters. */
  byLabel: Map<string, ClusterPlan[]>;
  clouds: Map<string, CloudPlan[]>;
  groups: GroupPlan[];
  apps: Map<string, AppPlan[]>;
  services: ServicePlan[];
  /** Per project: how many apps got a name so far (names are unique per project). */
  appCount: Map<string, number>;
  clientCount: number;
}
