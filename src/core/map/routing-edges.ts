/**
 * A weighted route's edges: each declared caller of the routed host, in a cluster the route's
 * VirtualService is rendered in, sends one request per rule (the rule's first match, or for a
 * rule without match the request its client intent allows);
 * each destination of the trace is an edge with its share. A call that reaches no
 * destination (DNS, no matching rule) gets an edge to each of the rule's targets.
 */
import { kubernetesServicePort } from '../model/inbound.js';
import { specOf } from '../model/kind.js';
import { clusterLabel } from '../render/mesh.js';
import { dnsLabel, localHost, type ClientModel, type ServiceModel } from '../render/services.js';
import type { SnapshotRecord } from '../render/snapshot.js';
import type { GroupInfo, Placement } from '../render/topology.js';
import type { DestinationTrace } from '../dataplane/trace.js';
import { edgeFields, modeBetween, type MapContext } from './context.js';
import { mapId } from './ids.js';
import { declaredRequest, routeRequest, type MapRequest } from './request.js';
import type { MapCallerView, MapServiceView } from './schema.js';
import { destinationVerdict, notReached } from './verdict.js';

interface RouteSpec {
  host: string;
  http: {
    match?: { uriPrefix?: string; uriExact?: string; method?: string }[];
    route: { app: string; weight: number }[];
  }[];
}

interface Route {
  record: SnapshotRecord;
  group: GroupInfo;
  spec: RouteSpec;
  host: string;
  port: number | undefined;
}

interface RouteCall {
  placement: Placement;
  /** The inbound intent and client that declare the caller: they give the request when the rule has no match. */
  service: ServiceModel;
  client: ClientModel;
}

/**
 * The routed host's declared callers (its inbound intent's clients) where the VirtualService is; a host without an
 * inbound intent (seed 001's service01) is called by the declared callers of the rule's destinations.
 */
function routeCallers(context: MapContext, route: Route, hostService: ServiceModel | undefined): RouteCall[] {
  const { group, spec } = route;
  const topology = context.input.model.topology;
  const where = new Set(topology.inGroup(group.key, spec.host).map((placement) => placement.cluster.key));
  const destinations = spec.http.flatMap((rule) =>
    rule.route.map((target) => context.serviceOf(group.key, target.app)),
  );
  const services = hostService ? [hostService] : [...new Set(destinations)];
  return services
    .filter((service): service is ServiceModel => service !== undefined)
    .flatMap((service) =>
      service.clients
        .filter((client) => client.spec.type !== 'external')
        .flatMap((client) => client.placements.map((placement) => ({ placement, service, client }))),
    )
    .filter((call) => where.has(call.placement.cluster.key));
}

/** The node a destination ended at; one not traced to a cluster, by the name it was called (the caller's cluster first). */
function nodeOf(context: MapContext, destination: DestinationTrace, caller: MapCallerView): MapServiceView | undefined {
  const { byServing, byHost } = context.nodes;
  if (destination.servingCluster !== null && destination.service !== null) {
    const found = byServing.get(`${destination.servingCluster}\u0000${destination.service}`);
    if (found) return found;
  }
  const candidates = byHost.get(destination.host) ?? [];
  return candidates.find((node) => node.cluster === caller.cluster) ?? candidates[0];
}

function targetNodes(context: MapContext, route: Route, ruleIndex: number) {
  const rule = route.spec.http[ruleIndex];
  const total = (rule?.route ?? []).reduce((sum, target) => sum + target.weight, 0);
  return (rule?.route ?? []).flatMap((target) => {
    const service = context.serviceOf(route.group.key, target.app);
    const share = total === 0 ? 0 : Math.round((target.weight * 10000) / total) / 100;
    return context.nodes.list
      .filter((node) => service && node.intents.includes(service.ports[0]?.key ?? service.key))
      .map((node) => ({ node, share }));
  });
}

function traceRule(context: MapContext, route: Route, ruleIndex: number, call: RouteCall): void {
  const { placement } = call;
  const caller = context.callers.of(placement);
  const rule = route.spec.http[ruleIndex];
  const first = rule?.match?.[0];
  const request: MapRequest = first
    ? routeRequest(first)
    : declaredRequest(call.service, call.client, caller.principal);
  const check = context.trace(caller, {
    host: route.host,
    ...(route.port === undefined ? {} : { port: route.port }),
    ...request,
  });
  const reached = check.destinations.flatMap((destination, index) => {
    const node = nodeOf(context, destination, caller);
    return node ? [{ node, destination, index, share: destination.share }] : [];
  });
  const ends =
    reached.length > 0
      ? reached
      : targetNodes(context, route, ruleIndex).map(({ node, share }, index) => ({
          node,
          destination: undefined,
          index,
          share,
        }));
  const servers = context.input.model.topology.clusters;
  for (const { node, destination, index, share } of ends) {
    const server = [...servers.values()].find((cluster) => clusterLabel(cluster) === node.cluster);
    const mode = server ? modeBetween(placement.cluster, [{ ...placement, cluster: server }]) : 'federated';
    const verdict = destination ? destinationVerdict(destination) : notReached(check, node.cluster);
    context.add(
      {
        id: mapId('e', 'route', route.record.key, ruleIndex, caller.id, index, node.id),
        host: route.host,
        port: route.port ?? node.ports[0] ?? 80,
        ...edgeFields(context, { caller, node, request, mode }, destination, verdict),
        share,
        intent: route.record.key,
        client: null,
      },
      { check, intents: [route.record.key, ...node.intents] },
    );
  }
}

export function routingEdges(context: MapContext, record: SnapshotRecord): void {
  const groupKey = record.key.slice(0, record.key.lastIndexOf('/traffic-group-intents/'));
  const group = context.input.model.topology.groups.get(groupKey);
  if (!group || group.namespace === undefined) return;
  const spec = specOf(record.body) as unknown as RouteSpec;
  const hostService = context.serviceOf(group.key, spec.host);
  const route: Route = {
    record,
    group,
    spec,
    host: localHost(hostService?.spec.serviceName ?? dnsLabel(spec.host), group.namespace),
    port: hostService ? kubernetesServicePort(hostService.spec) : undefined,
  };
  const calls = routeCallers(context, route, hostService);
  for (const ruleIndex of spec.http.keys()) for (const call of calls) traceRule(context, route, ruleIndex, call);
}
