/**
 * Who serves a destination host of a call, from the rendered objects: a
 * Kubernetes Service of the caller's cluster, or, through the ServiceEntry the
 * caller sees, the cluster whose east-west gateway each endpoint is, where an
 * AUTO_PASSTHROUGH Gateway and a ServiceEntry map the host to a local Service.
 */
import type { CheckContext, ClusterObjects } from './check-route.js';
import { hostMatches, kubernetesService, visibleTo } from './check-route-match.js';
import type { RenderedObject } from './objects.js';

export interface Served {
  /** `provider/cluster`, null when unresolved or outside the mesh. */
  cluster: string | null;
  service?: { name: string; namespace: string };
  /** The part of the destination's share this way gets (ServiceEntry endpoint weights). */
  portion: number;
  via: string[];
  /** Why the call fails, when it does. */
  failure?: string;
  /** Where the call goes when it leaves the mesh. */
  external?: string;
  /** Whether the call crosses an east-west gateway. */
  gateway?: boolean;
}

interface Endpoint {
  address?: string;
  ports?: Record<string, number>;
  weight?: number;
}

interface GatewayServer {
  hosts?: string[];
  tls?: { mode?: string };
}

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const nameOf = (cluster: ClusterObjects) => `${cluster.clusterProvider}/${cluster.cluster}`;
const hostsOf = (object: RenderedObject) => (object.spec?.hosts as string[] | undefined) ?? [];

function serviceEntryFor(
  objects: readonly RenderedObject[],
  host: string,
  namespace: string,
): RenderedObject | undefined {
  return objects
    .filter(
      (object) =>
        object.kind === 'ServiceEntry' &&
        visibleTo(object, namespace) &&
        hostsOf(object).some((pattern) => hostMatches(pattern, host)),
    )
    .sort((a, b) => Number(b.metadata.namespace === namespace) - Number(a.metadata.namespace === namespace))[0];
}

/** A Gateway server host is `host`, `ns/host`, `./host` or `*\/host`. */
function passthroughGateway(objects: readonly RenderedObject[], host: string): RenderedObject | undefined {
  return objects.find(
    (object) =>
      object.kind === 'Gateway' &&
      ((object.spec?.servers as GatewayServer[] | undefined) ?? []).some(
        (server) =>
          server.tls?.mode === 'AUTO_PASSTHROUGH' &&
          (server.hosts ?? []).some((entry) => hostMatches(entry.slice(entry.indexOf('/') + 1), host)),
      ),
  );
}

/** The cluster an endpoint address reaches: by gateway address, else (no addresses known) by the Gateway for the host. */
function clusterAt(address: string, host: string, context: CheckContext): ClusterObjects | undefined {
  const byAddress = context.fleet.filter((cluster) => cluster.gatewayAddress === address);
  if (byAddress.length > 0)
    return byAddress.find((cluster) => passthroughGateway(cluster.resources, host)) ?? byAddress[0];
  if (context.fleet.some((cluster) => cluster.gatewayAddress !== undefined)) return undefined;
  const serving = context.fleet.filter(
    (cluster) => nameOf(cluster) !== context.caller.cluster && passthroughGateway(cluster.resources, host),
  );
  if (serving.length > 1)
    context.notes.push(
      `without gateway addresses, ${address} may be the gateway of ${serving.map(nameOf).join(' or ')}; the check takes ${nameOf(serving[0] as ClusterObjects)}`,
    );
  return serving[0];
}

function localServiceOf(entry: RenderedObject | undefined, host: string) {
  const endpoints = (entry?.spec?.endpoints as Endpoint[] | undefined) ?? [];
  for (const endpoint of endpoints) {
    const service = kubernetesService(String(endpoint.address ?? '').toLowerCase());
    if (service) return service;
  }
  return endpoints.length === 0 ? kubernetesService(host) : undefined;
}

function throughGateway(endpoint: Endpoint, host: string, entry: RenderedObject, context: CheckContext): Served {
  const address = String(endpoint.address ?? '');
  const port = Object.values(endpoint.ports ?? {})[0];
  const hop = `${address}${port === undefined ? '' : `:${port}`}`;
  const via = [`ServiceEntry ${idOf(entry)} → ${hop}`];
  const fail = (failure: string): Served => ({ cluster: null, portion: 1, via, failure, gateway: true });
  const cluster = clusterAt(address, host, context);
  if (!cluster) {
    if (entry.spec?.location === 'MESH_EXTERNAL')
      return { cluster: null, portion: 1, via, external: `endpoint ${hop} of ServiceEntry ${idOf(entry)}` };
    return fail(`unresolved: endpoint ${hop} of ServiceEntry ${idOf(entry)} is no known cluster's east-west gateway`);
  }
  const gateway = passthroughGateway(cluster.resources, host);
  if (!gateway)
    return fail(
      `unresolved: ${nameOf(cluster)} has no AUTO_PASSTHROUGH Gateway for ${host}: its gateway drops the call`,
    );
  const mapping = serviceEntryFor(cluster.resources, host, gateway.metadata.namespace ?? '');
  const service = localServiceOf(mapping, host);
  if (!service)
    return fail(
      `unresolved: the gateway of ${nameOf(cluster)} passes ${host} through, but no ServiceEntry there maps it to a local Service`,
    );
  via.push(`Gateway ${idOf(gateway)} (${nameOf(cluster)})`);
  if (mapping) via.push(`ServiceEntry ${idOf(mapping)} → ${service.name}.${service.namespace}.svc.cluster.local`);
  return { cluster: nameOf(cluster), service, portion: 1, via, gateway: true };
}

function merge(entries: Served[]): Served[] {
  const merged = new Map<string, Served>();
  for (const entry of entries) {
    const key = JSON.stringify([entry.cluster, entry.service, entry.failure, entry.external]);
    const existing = merged.get(key);
    if (existing) {
      existing.portion += entry.portion;
      existing.via = [...new Set([...existing.via, ...entry.via])];
    } else merged.set(key, { ...entry });
  }
  return [...merged.values()];
}

function throughEntry(entry: RenderedObject, host: string, context: CheckContext): Served[] {
  const endpoints = (entry.spec?.endpoints as Endpoint[] | undefined) ?? [];
  if (endpoints.length === 0)
    return [
      {
        cluster: null,
        portion: 1,
        via: [`ServiceEntry ${idOf(entry)}`],
        external: `ServiceEntry ${idOf(entry)} has no endpoints: ${host} is resolved by DNS`,
      },
    ];
  const weights = endpoints.map((endpoint) => endpoint.weight ?? 1);
  const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
  if (endpoints.length > 1)
    context.notes.push(
      `ServiceEntry ${idOf(entry)} has ${endpoints.length} endpoints; shares assume Istio spreads calls by endpoint weight (locality load balancing may prefer the nearest)`,
    );
  return merge(
    endpoints.map((endpoint, index) => ({
      ...throughGateway(endpoint, host, entry, context),
      portion: (weights[index] as number) / total,
    })),
  );
}

export function serve(host: string, context: CheckContext): Served[] {
  const local = kubernetesService(host);
  if (local) return [{ cluster: context.caller.cluster, service: local, portion: 1, via: [`Service ${host}`] }];
  const entry = serviceEntryFor(context.callerObjects, host, context.caller.namespace);
  if (entry) return throughEntry(entry, host, context);
  return [
    {
      cluster: null,
      portion: 1,
      via: [],
      failure: `unresolved: no ServiceEntry in ${context.caller.cluster} visible to namespace ${context.caller.namespace} declares ${host}`,
    },
  ];
}
