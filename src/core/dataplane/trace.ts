/**
 * One destination of a call, traced hop by hop the way istiod and Envoy of each
 * cluster's release would carry it: the caller's outbound cluster and its TLS, each
 * endpoint (a local pod, a pod of another cluster on the same network, or a remote
 * east-west gateway), the gateway's filter chain and SNI cluster, the server's
 * inbound handshake and its AuthorizationPolicies.
 */
import type { RequestFacts } from '../render/check-route-authz.js';
import { hostMatches, kubernetesService } from '../render/check-route-match.js';
import { parseMeshSni } from '../render/build/shared.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';
import { keyOf, memoized, objectsForHost } from './cluster-index.js';
import { exportedTo } from './exports.js';
import { passGateway } from './gateway.js';
import { SOURCES, type Hop, type HopName } from './hops.js';
import { arriveAt } from './inbound.js';
import {
  destinationRuleFor,
  entryEndpoints,
  entryPort,
  upstreamTls,
  type Caller,
  type Endpoint,
  type Upstream,
} from './outbound.js';
import { hostHeader, hostHeaderMatches, virtualHostDomains } from './virtual-hosts.js';
import { HTTP_PROTOCOLS, hostOf, serviceIn, type ClusterWorld, type ServiceFacts, type World } from './world.js';

export interface DestinationTrace {
  host: string;
  /** Percent of calls, two decimals. */
  share: number;
  servingCluster: string | null;
  /** `name.namespace.svc.cluster.local` of the Service that finally serves it. */
  service: string | null;
  hops: Hop[];
  delivered: boolean;
  /** The first hop that refuses the call. */
  refusedAt: HopName | null;
  reason: string;
}

/** What every hop of one call knows: the fleet, where the call starts, who makes it and what it asks. */
interface Journey {
  world: World;
  from: ClusterWorld;
  caller: Caller;
  request: RequestFacts;
  /** No VirtualService chose the destination: the sidecar picks it by the Host header (HTTP) or the address (TCP). */
  direct: boolean;
}

interface Leg {
  portion: number;
  servingCluster: string | null;
  service: string | null;
  hops: Hop[];
  notes: string[];
}

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

const entryHosts = (object: RenderedObject) => specOfKind(object, 'ServiceEntry')?.hosts ?? [];

/** The ServiceEntry the caller's namespace sees for a host: its own namespace's first. */
export function entryFor(cluster: ClusterWorld, namespace: string, host: string): RenderedObject | undefined {
  return memoized(cluster, keyOf('entryFor', namespace, host), () => scanEntries(cluster, namespace, host));
}

function scanEntries(cluster: ClusterWorld, namespace: string, host: string): RenderedObject | undefined {
  return objectsForHost(cluster, 'ServiceEntry', entryHosts, host)
    .filter(
      (object) =>
        exportedTo(object, namespace, cluster.mesh.profile) &&
        (specOfKind(object, 'ServiceEntry')?.hosts ?? []).some((pattern) => hostMatches(pattern, host)),
    )
    .sort((a, b) => Number(b.metadata.namespace === namespace) - Number(a.metadata.namespace === namespace))[0];
}

/** Clusters that share discovery with the caller's and run the Service. */
function discoveredElsewhere(world: World, from: ClusterWorld, host: string, port?: number) {
  if (from.mesh.meshId === undefined) return [];
  return world.clusters.flatMap((cluster) => {
    if (cluster === from || cluster.mesh.meshId !== from.mesh.meshId) return [];
    const service = serviceIn(cluster, host, port);
    return service ? [{ cluster, service }] : [];
  });
}

export function knownToIstiod(world: World, from: ClusterWorld, host: string): boolean {
  return discoveredElsewhere(world, from, host).length > 0;
}

/** What the caller's sidecar sent, the hops so far, and the part of the destination's calls this way carries. */
interface Sent {
  upstream: Upstream;
  before: Hop[];
  portion: number;
}

function arrive(journey: Journey, cluster: ClusterWorld, service: ServiceFacts, sent: Sent): Leg {
  // The inbound listener, and an AuthorizationPolicy's `ports`, see the pod's port (destination.port).
  const request = { ...journey.request, port: service.targetPort };
  const verdict = arriveAt(cluster, service, journey.caller, sent.upstream, request);
  return {
    portion: sent.portion,
    servingCluster: cluster.name,
    service: hostOf(service),
    hops: [...sent.before, ...verdict.hops],
    notes: verdict.notes,
  };
}

function throughGateway(journey: Journey, cluster: ClusterWorld, sent: Sent): Leg {
  const pass = passGateway(cluster, sent.upstream);
  const hops = [...sent.before, ...pass.hops];
  if (!pass.service) return stopped(hops, sent.portion, cluster.name);
  return arrive(journey, cluster, pass.service, { ...sent, before: hops });
}

/**
 * The cluster whose east-west gateway an endpoint is. Two clusters recorded with one address (the shared examples
 * reuse 172.25.55.50) are told apart by the Service the SNI names.
 */
function gatewayAt(world: World, endpoint: Endpoint, upstream: Upstream): ClusterWorld | undefined {
  const candidates = world.clusters.filter(
    (cluster) => cluster.gateway.address === endpoint.address && cluster.gateway.port === endpoint.port,
  );
  const named = parseMeshSni(upstream.sni);
  return (
    candidates.find((cluster) => named !== undefined && serviceIn(cluster, named.host, named.port)) ?? candidates[0]
  );
}

function endpointHop(journey: Journey, ok: boolean, detail: string): Hop {
  return { hop: 'endpoint', cluster: journey.from.name, ok, detail };
}

function stopped(hops: Hop[], portion = 1, servingCluster: string | null = null): Leg {
  return { portion, servingCluster, service: null, hops, notes: [] };
}

function viaEndpoint(
  journey: Journey,
  entry: RenderedObject,
  endpoint: Endpoint,
  upstream: Upstream,
  outbound: Hop,
): Leg {
  const at = `${endpoint.address}:${endpoint.port}`;
  const portion = endpoint.portion;
  const gateway = gatewayAt(journey.world, endpoint, upstream);
  if (gateway) {
    const hop = endpointHop(journey, true, `${at} is the east-west gateway of ${gateway.name}`);
    return throughGateway(journey, gateway, { upstream, before: [outbound, hop], portion });
  }
  const service = kubernetesService(endpoint.address) ? serviceIn(journey.from, endpoint.address) : undefined;
  if (service) {
    const hop = endpointHop(journey, true, `${at} is the Service ${endpoint.address}`);
    return arrive(journey, journey.from, service, { upstream, before: [outbound, hop], portion });
  }
  const hop =
    specOfKind(entry, 'ServiceEntry')?.location === 'MESH_EXTERNAL'
      ? endpointHop(journey, true, `${at} is outside the mesh (MESH_EXTERNAL): the call leaves it`)
      : endpointHop(
          journey,
          false,
          `${at} of ${endpoint.from} is no known cluster's east-west gateway and no Service: the call goes nowhere meshbridge knows`,
        );
  return stopped([outbound, hop], portion);
}

function outboundHop(journey: Journey, cluster: string, upstream: Upstream, listener = ''): Hop {
  const sni = upstream.sni ? `; SNI ${upstream.sni}` : '';
  const sans = upstream.subjectAltNames.length > 0 ? `; expects ${upstream.subjectAltNames.join(', ')}` : '';
  return {
    hop: 'outbound',
    cluster: journey.from.name,
    ok: true,
    detail: `${listener}${cluster}: ${upstream.why}${sni}${sans}`,
    source: SOURCES.clusterTls,
  };
}

/**
 * How the caller's sidecar picks the host when no VirtualService does: an HTTP port by the Host header among the
 * virtual host's domains (virtual-hosts.ts), a TCP port by the address called, the ServiceEntry's own.
 */
function listenerMatch(
  journey: Journey,
  target: { host: string; port: number; protocol: string; addresses: string[] },
): { ok: boolean; text: string } {
  const { from, caller, request } = journey;
  if (!journey.direct || !caller.sidecar) return { ok: true, text: '' };
  if (!HTTP_PROTOCOLS.has(target.protocol.toUpperCase())) {
    const at = target.addresses[0];
    return { ok: true, text: at ? `TCP to ${at}:${target.port}, the listener of ${target.host}; ` : '' };
  }
  const header = hostHeader(request.host, target.port);
  const domains = virtualHostDomains(target.host, target.port, caller.namespace, from.mesh.profile, target.addresses);
  const matched = hostHeaderMatches(header, domains);
  if (matched) {
    const what = matched.split(':')[0] === target.host ? 'the domain' : `an alias (for namespace ${caller.namespace})`;
    return { ok: true, text: `Host ${header} is ${what} of the virtual host ${target.host}:${target.port}; ` };
  }
  return {
    ok: false,
    text: `Host ${header} is no domain of the virtual host ${target.host}:${target.port} (${domains.join(', ')}) in namespace ${caller.namespace}: the sidecar's catch-all sends it to the address called, which nothing serves`,
  };
}

/** Labels on every endpoint make auto mTLS pick Istio mTLS (conversion.go); SANs from the entry from 1.6. */
function entryDefaults(journey: Journey, entry: RenderedObject, endpoints: Endpoint[]) {
  const profile = journey.from.mesh.profile;
  const listed = specOfKind(entry, 'ServiceEntry')?.endpoints ?? [];
  return {
    defaultSans: profile.entrySubjectAltNames ? (specOfKind(entry, 'ServiceEntry')?.subjectAltNames ?? []) : [],
    autoMtls:
      endpoints.length > 0 && listed.every((endpoint) => endpoint.labels?.['security.istio.io/tlsMode'] === 'istio'),
  };
}

function throughEntry(journey: Journey, entry: RenderedObject, target: { host: string; port?: number }): Leg[] {
  const { from, caller } = journey;
  const port = entryPort(entry, target.port);
  if (port === undefined)
    return [
      stopped([
        {
          hop: 'outbound',
          cluster: from.name,
          ok: false,
          detail: `ServiceEntry ${idOf(entry)} declares no port ${target.port}: no route`,
        },
      ]),
    ];
  const endpoints = entryEndpoints(entry, port);
  const spec = specOfKind(entry, 'ServiceEntry');
  const listener = listenerMatch(journey, {
    host: target.host,
    port,
    protocol: spec?.ports?.find((candidate) => candidate.number === port)?.protocol ?? 'TCP',
    addresses: spec?.addresses ?? [],
  });
  if (!listener.ok)
    return [
      stopped([
        { hop: 'outbound', cluster: from.name, ok: false, detail: listener.text, source: SOURCES.virtualHosts },
      ]),
    ];
  const rule = destinationRuleFor(from, caller, target.host, entry.metadata.namespace);
  const upstream = upstreamTls(from, rule, { host: target.host, port, ...entryDefaults(journey, entry, endpoints) });
  const outbound = outboundHop(
    journey,
    `outbound|${port}||${target.host} (ServiceEntry ${idOf(entry)})`,
    upstream,
    listener.text,
  );
  if (endpoints.length === 0)
    return [
      stopped([
        outbound,
        endpointHop(
          journey,
          true,
          `ServiceEntry ${idOf(entry)} has no endpoints: ${target.host} is resolved by DNS and leaves the mesh`,
        ),
      ]),
    ];
  return endpoints.map((endpoint) => viaEndpoint(journey, entry, endpoint, upstream, outbound));
}

const PLAINTEXT_CALLER: Upstream = {
  mode: 'DISABLE',
  sni: '',
  subjectAltNames: [],
  why: 'the caller has no sidecar: plaintext straight to the Service',
};

function throughService(journey: Journey, target: { host: string; port?: number }): Leg[] {
  const { world, from, caller } = journey;
  const local = serviceIn(from, target.host, target.port);
  const serving = [
    ...(local ? [{ cluster: from, service: local }] : []),
    ...discoveredElsewhere(world, from, target.host, target.port),
  ];
  const first = serving[0];
  if (!first)
    return [
      stopped([
        {
          hop: 'outbound',
          cluster: from.name,
          ok: false,
          detail: `no Service ${target.host}${target.port ? `:${target.port}` : ''} in ${from.name} or in a cluster sharing its discovery: no healthy upstream`,
        },
      ]),
    ];
  const port = target.port ?? first.service.port;
  const listener = listenerMatch(journey, { host: target.host, port, protocol: first.service.protocol, addresses: [] });
  if (!listener.ok)
    return [
      stopped([
        { hop: 'outbound', cluster: from.name, ok: false, detail: listener.text, source: SOURCES.virtualHosts },
      ]),
    ];
  const rule = destinationRuleFor(from, caller, target.host, kubernetesService(target.host)?.namespace);
  const sans = serving.map(
    ({ cluster, service }) =>
      `spiffe://${cluster.mesh.trustDomain}/ns/${service.namespace}/sa/${service.serviceAccount}`,
  );
  const upstream = caller.sidecar
    ? upstreamTls(from, rule, {
        host: target.host,
        port,
        defaultSans: [...new Set(sans)],
        autoMtls: serving.every(({ service }) => service.sidecar),
      })
    : PLAINTEXT_CALLER;
  const outbound = outboundHop(journey, `outbound|${port}||${target.host}`, upstream, listener.text);
  const portion = 1 / serving.length;
  return serving.map(({ cluster, service }) =>
    toPods(journey, cluster, service, { upstream, before: [outbound], portion }),
  );
}

/** Pods of the caller's cluster, or of a cluster that shares discovery: directly on one network, else through its gateway. */
function toPods(journey: Journey, cluster: ClusterWorld, service: ServiceFacts, sent: Sent): Leg {
  const { from } = journey;
  const host = hostOf(service);
  const hop = (ok: boolean, detail: string) => ({
    ...sent,
    before: [...sent.before, endpointHop(journey, ok, detail)],
  });
  if (cluster === from) return arrive(journey, cluster, service, hop(true, `the pods of ${host} in ${from.name}`));
  if (cluster.mesh.network !== undefined && cluster.mesh.network === from.mesh.network)
    return arrive(journey, cluster, service, hop(true, `the pods of ${host} in ${cluster.name}, on the same network`));
  if (cluster.gateway.address === null)
    return stopped(
      hop(
        false,
        `the pods of ${host} in ${cluster.name} are on another network, whose gateway address is unknown: istiod drops them`,
      ).before,
      sent.portion,
      cluster.name,
    );
  return throughGateway(
    journey,
    cluster,
    hop(
      true,
      `the pods of ${host} in ${cluster.name}, through its east-west gateway ${cluster.gateway.address}:${cluster.gateway.port} (another network)`,
    ),
  );
}

function summarise(target: { host: string; share: number }, leg: Leg): DestinationTrace {
  const refused = leg.hops.find((hop) => !hop.ok);
  const last = leg.hops[leg.hops.length - 1];
  return {
    host: target.host,
    share: Math.round(target.share * leg.portion * 100) / 100,
    servingCluster: leg.servingCluster,
    service: leg.service,
    hops: leg.hops,
    delivered: refused === undefined,
    refusedAt: refused?.hop ?? null,
    reason: refused ? refused.detail : (last?.detail ?? 'delivered'),
  };
}

/** Traces calls to one destination of a route; a destination served in several places gives several traces. */
export function traceDestination(
  world: World,
  from: ClusterWorld,
  caller: Caller,
  target: { host: string; port?: number; share: number; direct?: boolean },
  request: RequestFacts,
): { traces: DestinationTrace[]; notes: string[] } {
  const journey: Journey = { world, from, caller, request, direct: target.direct === true };
  const entry = caller.sidecar ? entryFor(from, caller.namespace, target.host) : undefined;
  const legs = entry ? throughEntry(journey, entry, target) : throughService(journey, target);
  return { traces: legs.map((leg) => summarise(target, leg)), notes: legs.flatMap((leg) => leg.notes) };
}
