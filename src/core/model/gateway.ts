/**
 * Where a cluster's east-west (or EMCO "ingress") gateway is. meshbridge clusters
 * carry it in `spec.mesh.gateway`; EMCO records it as kv-pairs. Both work; the spec
 * wins when both are present, and a disagreement is reported.
 */
import type { ResourceBody } from './kind.js';

/** Istio's multi-cluster SNI port on the east-west gateway. */
export const DEFAULT_GATEWAY_PORT = 15443;

export const GATEWAY_KV_KEYS = {
  address: 'istioIngressGatewayAddress',
  port: 'istioIngressGatewayPort',
  internalPort: 'istioIngressGatewayInternalPort',
} as const;

export interface ResolvedGateway {
  address: string | null;
  port: number;
  internalPort: number;
  /** `spec.mesh.gateway`, `kv-pairs/<name>`, or `none`. */
  source: string;
  warnings: string[];
}

/** Where the east-west gateway pods run, unless the cluster says otherwise. */
export const DEFAULT_GATEWAY_NAMESPACE = 'istio-system';

interface KvPairResource {
  name: string;
  body: ResourceBody;
}

function kvValues(kvPairs: readonly KvPairResource[]): Map<string, { value: string; from: string }> {
  const found = new Map<string, { value: string; from: string }>();
  for (const pair of kvPairs) {
    const entries = ((pair.body.spec as { kv?: Record<string, string>[] } | undefined)?.kv ?? []) as Record<
      string,
      string
    >[];
    for (const entry of entries) {
      for (const [key, value] of Object.entries(entry)) {
        if (!found.has(key)) found.set(key, { value, from: `kv-pairs/${pair.name}` });
      }
    }
  }
  return found;
}

/** EMCO's kv-pairs; ports the kv-pairs leave out come from the spec's gateway, then Istio's default. */
function fromKvPairs(
  address: { value: string; from: string },
  kv: Map<string, { value: string; from: string }>,
  spec: { port?: number; internalPort?: number } | undefined,
): Omit<ResolvedGateway, 'warnings'> {
  const port = kv.get(GATEWAY_KV_KEYS.port);
  const internal = kv.get(GATEWAY_KV_KEYS.internalPort);
  return {
    address: address.value,
    port: port ? Number(port.value) : (spec?.port ?? DEFAULT_GATEWAY_PORT),
    internalPort: internal ? Number(internal.value) : (spec?.internalPort ?? DEFAULT_GATEWAY_PORT),
    source: address.from,
  };
}

export function resolveGateway(cluster: ResourceBody, kvPairs: readonly KvPairResource[]): ResolvedGateway {
  const spec = ((cluster.spec as { mesh?: { gateway?: Record<string, unknown> } } | undefined)?.mesh?.gateway ??
    undefined) as { address?: string; port?: number; internalPort?: number } | undefined;
  // A gateway that names only its namespace or what the platform installed still takes its address from kv-pairs.
  const gateway = spec?.address === undefined ? undefined : (spec as typeof spec & { address: string });
  const kv = kvValues(kvPairs);
  const kvAddress = kv.get(GATEWAY_KV_KEYS.address);
  const warnings: string[] = [];

  if (gateway) {
    if (kvAddress && kvAddress.value !== gateway.address) {
      warnings.push(
        `${kvAddress.from} says ${GATEWAY_KV_KEYS.address}=${kvAddress.value}; spec.mesh.gateway.address wins`,
      );
    }
    return {
      address: gateway.address,
      port: gateway.port ?? DEFAULT_GATEWAY_PORT,
      internalPort: gateway.internalPort ?? DEFAULT_GATEWAY_PORT,
      source: 'spec.mesh.gateway',
      warnings,
    };
  }
  const fromKv = kvAddress ? fromKvPairs(kvAddress, kv, spec) : undefined;
  if (fromKv) return { ...fromKv, warnings };
  return { address: null, port: DEFAULT_GATEWAY_PORT, internalPort: DEFAULT_GATEWAY_PORT, source: 'none', warnings };
}
