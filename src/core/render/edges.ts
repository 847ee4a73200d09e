/**
 * Who calls a service from where. A client placed in a cluster that also runs the
 * service calls it there (`local`); one placed elsewhere (`remote`) calls it either
 * by its real name, when its cluster and every serving cluster are one multi-primary
 * mesh (`shared`: istiod discovers the remote endpoints), or by its cross-cluster
 * name through the serving clusters' east-west gateways (`federated`).
 */
import type { Diagnostic } from './diagnostics.js';
import { clusterLabel as clusterName, meshOf, sharesDiscovery, trustsDomain } from './mesh.js';
import { crossClusterHost, localHost, usesApplicationTls, type ClientModel, type ServiceModel } from './services.js';
import type { ClusterFacts } from './snapshot.js';
import type { Placement } from './topology.js';

export type CallMode = 'shared' | 'federated';

export interface ClientSide {
  cluster: ClusterFacts;
  /** The name clients there call the service by. */
  host: string;
  mode: CallMode;
  namespaces: string[];
  callers: { client: ClientModel; placement: Placement }[];
}

export interface Edges {
  servers: Placement[];
  /** Serving clusters whose gateway address is known: the endpoints of remote calls. */
  reachable: Placement[];
  remote: ClientSide[];
  /** Server cluster key → namespaces of clients calling from inside it. */
  local: Map<string, ClientSide>;
  diagnostics: Diagnostic[];
}

function addCaller(
  into: Map<string, ClientSide>,
  where: { cluster: ClusterFacts; host: string; mode: CallMode },
  client: ClientModel,
  placement: Placement,
): void {
  const { cluster } = where;
  const side = into.get(cluster.key) ?? { ...where, namespaces: [], callers: [] };
  if (!side.namespaces.includes(placement.namespace))
    side.namespaces = [...side.namespaces, placement.namespace].sort();
  side.callers.push({ client, placement });
  into.set(cluster.key, side);
}

function unplaced(service: ServiceModel, client: ClientModel): Diagnostic {
  return {
    severity: 'error',
    code: 'ClientNotPlaced',
    message: `client ${client.name} names app ${client.spec.app}, which no placement intent of project ${service.group.project} places; nothing is rendered for it`,
    resource: client.key,
  };
}

function remoteProblem(
  service: ServiceModel,
  client: ClientModel,
  placement: Placement,
  reachable: Placement[],
): Diagnostic | undefined {
  const servers = service.servers;
  const where = clusterName(placement.cluster);
  if (client.spec.type === 'k8s') {
    return {
      severity: 'error',
      code: 'CrossClusterWithoutSidecar',
      message: `client ${client.name} has no sidecar, so it cannot call ${service.spec.serviceName} in another cluster through the east-west gateway (mutual TLS by SNI); only calls inside the same cluster are configured`,
      resource: client.key,
      cluster: where,
    };
  }
  if (service.spec.management.tlsType === 'DISABLE') {
    return {
      severity: 'error',
      code: 'CrossClusterPlaintext',
      message: `${service.spec.serviceName} has tlsType DISABLE, but cross-cluster calls go through a gateway that routes by TLS SNI; use MUTUAL`,
      resource: service.key,
      cluster: where,
    };
  }
  if (usesApplicationTls(service)) {
    return {
      severity: 'error',
      code: 'CrossClusterApplicationTls',
      message: `${service.spec.serviceName} uses TLS of its own (tlsType ${service.spec.management.tlsType}${service.spec.certificates ? ' with certificates' : ''}), but an east-west gateway passes only Istio's mutual TLS (its AUTO_PASSTHROUGH filter chains match Istio's ALPN only, gateway.go since 1.8.6); use MUTUAL without certificates across clusters`,
      resource: service.key,
      cluster: where,
    };
  }
  if (reachable.length === 0 && !servers.every((server) => sharesDiscovery(placement.cluster, server.cluster))) {
    return {
      severity: 'error',
      code: 'GatewayMissing',
      message: `no cluster serving ${service.spec.serviceName} has a gateway address (spec.mesh.gateway or kv-pair istioIngressGatewayAddress), so ${client.name} in ${where} cannot reach it`,
      resource: service.key,
      cluster: where,
    };
  }
  return undefined;
}

const edgesOf = new WeakMap<ServiceModel, Edges>();

/** Computed once per service model: address claims, fingerprints and building all need them. */
export function serviceEdges(service: ServiceModel): Edges {
  const known = edgesOf.get(service);
  if (known) return known;
  const edges = computeEdges(service);
  edgesOf.set(service, edges);
  return edges;
}

function computeEdges(service: ServiceModel): Edges {
  const diagnostics: Diagnostic[] = [];
  const servers = service.servers;
  const serverClusters = new Set(servers.map((server) => server.cluster.key));
  const reachable = servers.filter((server) => server.cluster.gateway.address !== null);
  const remote = new Map<string, ClientSide>();
  const local = new Map<string, ClientSide>();
  if (servers.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'ServiceNotPlaced',
      message: `app ${service.spec.app} of ${service.spec.serviceName} is placed in no cluster by group ${service.group.name}`,
      resource: service.key,
    });
  }
  const realName = localHost(service.spec.serviceName, service.namespace);
  for (const client of service.clients) {
    if (client.spec.type === 'external') continue;
    if (client.placements.length === 0) diagnostics.push(unplaced(service, client));
    for (const placement of client.placements) {
      const cluster = placement.cluster;
      if (serverClusters.has(cluster.key)) {
        addCaller(local, { cluster, host: realName, mode: 'shared' }, client, placement);
        continue;
      }
      const problem = servers.length > 0 ? remoteProblem(service, client, placement, reachable) : undefined;
      if (problem) diagnostics.push(problem);
      else if (servers.length > 0) {
        const shared = servers.every((server) => sharesDiscovery(cluster, server.cluster));
        const where = shared
          ? { cluster, host: realName, mode: 'shared' as const }
          : { cluster, host: crossClusterHost(service, cluster), mode: 'federated' as const };
        addCaller(remote, where, client, placement);
        diagnostics.push(...untrusted(service, client, placement));
      }
    }
  }
  return { servers, reachable, remote: [...remote.values()], local, diagnostics };
}

/** A serving cluster whose sidecars would refuse the caller's certificate: another trust domain, no alias. */
function untrusted(service: ServiceModel, client: ClientModel, placement: Placement): Diagnostic[] {
  const callerDomain = meshOf(placement.cluster).trustDomain;
  return service.servers
    .filter((server) => !trustsDomain(server.cluster, callerDomain))
    .map((server) => ({
      severity: 'error',
      code: 'TrustDomainNotTrusted',
      message: `${client.name} in ${clusterName(placement.cluster)} has trust domain ${callerDomain}, which ${clusterName(server.cluster)} (trust domain ${meshOf(server.cluster).trustDomain}) does not accept: its sidecars refuse the caller's certificate; add ${callerDomain} to that cluster's meshConfig.trustDomainAliases and to spec.mesh.trustDomainAliases`,
      resource: client.key,
      cluster: clusterName(server.cluster),
    }));
}
