/**
 * A serving cluster's east-west gateway: the AUTO_PASSTHROUGH listener's filter
 * chains (which SNI and ALPN they accept, per release) and the SNI cluster the call
 * lands in, with the endpoints istiod lets through its mTLS filter.
 */
import { hostMatches, kubernetesService } from '../render/check-route-match.js';
import { parseMeshSni } from '../render/build/shared.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';
import { exportedTo } from './exports.js';
import { objectsOfKind } from './cluster-index.js';
import { SOURCES, type Hop } from './hops.js';
import { destinationRuleFor, type Upstream } from './outbound.js';
import { serviceIn, type ClusterWorld, type ServiceFacts } from './world.js';

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

interface PassthroughServer {
  hosts: string[];
  from: string;
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** AUTO_PASSTHROUGH servers on the gateway's internal port: meshbridge's Gateways and the platform's `*.local`. */
function passthroughServers(cluster: ClusterWorld): PassthroughServer[] {
  const servers: PassthroughServer[] = [];
  const podLabels = cluster.mesh.profile.gatewaySelector;
  for (const object of objectsOfKind(cluster, 'Gateway')) {
    const gateway = specOfKind(object, 'Gateway');
    if (!gateway || !labelsMatch(gateway.selector, podLabels)) continue;
    for (const server of gateway.servers) {
      if (server.tls?.mode !== 'AUTO_PASSTHROUGH' || server.port?.number !== cluster.gateway.internalPort) continue;
      servers.push({
        hosts: (server.hosts ?? []).map((host) => host.slice(host.indexOf('/') + 1)),
        from: `Gateway ${idOf(object)}`,
      });
    }
  }
  if (cluster.mesh.exposesServices)
    servers.push({ hosts: ['*.local'], from: "the platform's cross-network Gateway (*.local)" });
  return servers;
}

/** What the SNI names: a Kubernetes Service of the cluster, or a ServiceEntry the gateway's namespace sees. */
interface SniTarget {
  host: string;
  port: number;
  service?: ServiceFacts;
  entry?: RenderedObject;
}

function sniTarget(cluster: ClusterWorld, host: string, port: number): SniTarget | undefined {
  const service = serviceIn(cluster, host, port);
  if (service) return { host, port, service };
  const entry = objectsOfKind(cluster, 'ServiceEntry').find(
    (object) =>
      (specOfKind(object, 'ServiceEntry')?.hosts ?? []).includes(host) &&
      (specOfKind(object, 'ServiceEntry')?.ports ?? []).some((candidate) => candidate.number === port) &&
      exportedTo(object, cluster.mesh.gatewayNamespace, cluster.mesh.profile),
  );
  return entry ? { host, port, entry } : undefined;
}

export interface GatewayPass {
  hops: Hop[];
  /** The Service the call is forwarded to, when it gets that far. */
  service?: ServiceFacts;
  /** The port it dials that Service on. */
  port?: number;
}

function chainHop(cluster: ClusterWorld, upstream: Upstream): { hop: Hop; target?: SniTarget } {
  const profile = cluster.mesh.profile;
  const base = { hop: 'gateway' as const, cluster: cluster.name };
  const servers = passthroughServers(cluster);
  if (servers.length === 0)
    return {
      hop: {
        ...base,
        ok: false,
        detail: `no AUTO_PASSTHROUGH server on port ${cluster.gateway.internalPort}: the gateway resets the connection`,
        source: SOURCES.passthroughChains,
      },
    };
  if (upstream.mode === 'DISABLE')
    return {
      hop: {
        ...base,
        ok: false,
        detail: 'the call is plaintext: the passthrough listener routes only TLS by its SNI',
        source: SOURCES.passthroughChains,
      },
    };
  const parsed = parseMeshSni(upstream.sni);
  const target = parsed ? sniTarget(cluster, parsed.host, parsed.port) : undefined;
  if (profile.literalPassthroughHosts) {
    const server = servers.find((candidate) => candidate.hosts.some((host) => hostMatches(host, upstream.sni)));
    if (!server)
      return {
        hop: {
          ...base,
          ok: false,
          detail: `Istio ${profile.version} matches Gateway hosts literally against the SNI ${upstream.sni}, and no host does (${servers.flatMap((entry) => entry.hosts).join(', ')})`,
          source: SOURCES.legacyPassthrough,
        },
      };
    return {
      hop: {
        ...base,
        ok: true,
        detail: `${server.from} matches SNI ${upstream.sni} (sni_cluster)`,
        source: SOURCES.legacyPassthrough,
      },
      ...(target ? { target } : {}),
    };
  }
  if (upstream.mode !== 'ISTIO_MUTUAL')
    return {
      hop: {
        ...base,
        ok: false,
        detail: `${upstream.mode} TLS offers no Istio ALPN, and AUTO_PASSTHROUGH chains match only Istio's mTLS ALPN: reset`,
        source: SOURCES.passthroughChains,
      },
    };
  const server = target && servers.find((candidate) => candidate.hosts.some((host) => hostMatches(host, target.host)));
  if (!target || !server)
    return {
      hop: {
        ...base,
        ok: false,
        detail: `no filter chain for SNI ${upstream.sni}: ${target ? `no Gateway host covers ${target.host}` : 'it names no service:port the gateway sees'}`,
        source: SOURCES.passthroughChains,
      },
    };
  return {
    hop: {
      ...base,
      ok: true,
      detail: `${server.from} has a chain for SNI ${upstream.sni}`,
      source: SOURCES.passthroughChains,
    },
    target,
  };
}

/** istiod's mTLS filter on SNI clusters (from the CVE-2021-31921 fix; STRICT_DNS clusters from 1.20). */
function entryEndpointPasses(
  cluster: ClusterWorld,
  entry: RenderedObject,
  endpoint: { labels?: Record<string, string>; serviceAccount?: string },
): boolean {
  const profile = cluster.mesh.profile;
  const strictDns = specOfKind(entry, 'ServiceEntry')?.resolution === 'DNS';
  const filtered = !profile.literalPassthroughHosts && (!strictDns || !profile.sniDnsEndpointsUnfiltered);
  if (!filtered) return true;
  const gatewayCaller = {
    cluster: cluster.name,
    namespace: cluster.mesh.gatewayNamespace,
    serviceAccount: '',
    trustDomain: '',
    labels: {},
    sidecar: true,
  };
  const rule = destinationRuleFor(
    cluster,
    gatewayCaller,
    String(specOfKind(entry, 'ServiceEntry')?.hosts[0]),
    entry.metadata.namespace,
  );
  const ruleMode = rule && specOfKind(rule, 'DestinationRule')?.trafficPolicy?.tls?.mode;
  if (ruleMode) return ruleMode === 'ISTIO_MUTUAL';
  return endpoint.labels?.['security.istio.io/tlsMode'] === 'istio' || Boolean(endpoint.serviceAccount);
}

function routerNote(cluster: ClusterWorld): string {
  return cluster.mesh.profile.gatewayNeedsRouterMode
    ? ' (Istio before 1.11: assumes ISTIO_META_ROUTER_MODE=sni-dnat on the gateway)'
    : '';
}

const sniHop = (cluster: ClusterWorld, ok: boolean, detail: string, source?: string): Hop => ({
  hop: 'sni-cluster',
  cluster: cluster.name,
  ok,
  detail: `${detail}${routerNote(cluster)}`,
  ...(source ? { source } : {}),
});

/** A Kubernetes Service's SNI cluster: its pods, which the mTLS filter keeps only when injected. */
function serviceCluster(cluster: ClusterWorld, target: SniTarget, service: ServiceFacts): GatewayPass {
  const name = `outbound_.${target.port}_._.${target.host}`;
  if (!cluster.mesh.profile.literalPassthroughHosts && !service.sidecar)
    return {
      hops: [
        sniHop(
          cluster,
          false,
          `${name}: the pods of ${target.host} have no sidecar, so no tlsMode=istio label, and istiod's mTLS filter leaves the cluster empty: reset`,
          SOURCES.mtlsFilter,
        ),
      ],
    };
  return {
    hops: [sniHop(cluster, true, `${name}: the pods of ${target.host} (EDS)`, SOURCES.mtlsFilter)],
    service,
    port: target.port,
  };
}

interface EntryEndpoint {
  address?: string;
  labels?: Record<string, string>;
  serviceAccount?: string;
  ports?: Record<string, number>;
}

/** A ServiceEntry's SNI cluster (the design meshbridge used before): endpoints through the mTLS filter, then their Service. */
function entryCluster(cluster: ClusterWorld, target: SniTarget, entry: RenderedObject): GatewayPass {
  const name = `outbound_.${target.port}_._.${target.host} from ServiceEntry ${idOf(entry)}`;
  const endpoints: EntryEndpoint[] = specOfKind(entry, 'ServiceEntry')?.endpoints ?? [];
  const endpoint = endpoints.find((candidate) => entryEndpointPasses(cluster, entry, candidate));
  if (!endpoint)
    return {
      hops: [
        sniHop(
          cluster,
          false,
          `${name}: no endpoint carries security.istio.io/tlsMode: istio or a serviceAccount, and Istio ${cluster.mesh.profile.version} filters them out: the cluster is empty, reset`,
          `${SOURCES.mtlsFilter}; ${SOURCES.seTlsMode}`,
        ),
      ],
    };
  const ports = specOfKind(entry, 'ServiceEntry')?.ports ?? [];
  const declared = ports.find((candidate) => candidate.number === target.port);
  const port = (declared && endpoint.ports?.[declared.name]) ?? target.port;
  const address = String(endpoint.address ?? '');
  const service = kubernetesService(address) ? serviceIn(cluster, address) : undefined;
  if (!service)
    return { hops: [sniHop(cluster, false, `${name} sends to ${address}, which is no Service of ${cluster.name}`)] };
  if (service.port !== port)
    return {
      hops: [
        sniHop(
          cluster,
          false,
          `${name} dials ${address}:${port}, but the Service listens on ${service.port}: connection refused`,
        ),
      ],
    };
  return { hops: [sniHop(cluster, true, `${name} → ${address}:${port}`, SOURCES.mtlsFilter)], service, port };
}

function sniClusterHop(cluster: ClusterWorld, target: SniTarget): GatewayPass {
  if (target.service) return serviceCluster(cluster, target, target.service);
  return entryCluster(cluster, target, target.entry as RenderedObject);
}

/** Through a serving cluster's east-west gateway to the Service the SNI names. */
export function passGateway(cluster: ClusterWorld, upstream: Upstream): GatewayPass {
  const chain = chainHop(cluster, upstream);
  if (!chain.hop.ok) return { hops: [chain.hop] };
  if (!chain.target)
    return {
      hops: [
        chain.hop,
        {
          hop: 'sni-cluster',
          cluster: cluster.name,
          ok: false,
          detail: `no cluster ${upstream.sni}: the SNI names no service:port of ${cluster.name}`,
          source: SOURCES.legacyPassthrough,
        },
      ],
    };
  const sni = sniClusterHop(cluster, chain.target);
  return { ...sni, hops: [chain.hop, ...sni.hops] };
}
