/**
 * The connectivity map of the fleet, from ONE render: every declared caller → service
 * call (a client intent of an inbound intent, each placement of the client to each
 * cluster it should reach) and every destination of a weighted route, each traced
 * once through the data-plane model (`check route`) with a request the intent allows.
 * Render once, trace many: the traces share the rendered world, and identical calls
 * (same caller identity, host, port and request) are traced once.
 */
import { kubernetesServicePort } from '../model/inbound.js';
import { crossClusterHost, localHost, type ClientModel, type ServiceModel } from '../render/services.js';
import type { Placement } from '../render/topology.js';
import { edgeFields, MapContext, modeBetween, type FleetMap, type MapInput } from './context.js';
import { mapId } from './ids.js';
import { mapCluster, serviceNodeKey, servingKey } from './nodes.js';
import { declaredRequest, sourceAddress } from './request.js';
import { routingEdges } from './routing-edges.js';
import type { MapEdgeView } from './schema.js';
import { destinationVerdict, notReached } from './verdict.js';

export type { EdgeFacts, FleetMap, MapInput } from './context.js';

interface DirectCall {
  service: ServiceModel;
  client: ClientModel;
  placement: Placement;
}

function calledName(service: ServiceModel, placement: Placement, mode: MapEdgeView['mode']) {
  if (mode === 'federated') return { host: crossClusterHost(service, placement.cluster), port: service.spec.port };
  return { host: localHost(service.spec.serviceName, service.namespace), port: kubernetesServicePort(service.spec) };
}

/** A declared caller in one cluster calling a service: one edge to each cluster it should reach. */
function directEdges(context: MapContext, call: DirectCall): void {
  const { service, client, placement } = call;
  const caller = context.callers.of(placement);
  const local = service.servers.filter((server) => server.cluster.key === placement.cluster.key);
  const intended = local.length > 0 ? local : service.servers;
  const mode = modeBetween(placement.cluster, service.servers);
  const called = calledName(service, placement, mode);
  const request = declaredRequest(service, client, caller.principal);
  // A client declared by its addresses calls from them: policies on ipBlocks (and plaintext calls) see one.
  const ip = sourceAddress(client.spec.cidrs);
  const check = context.trace(caller, { ...called, ...request }, ip);
  for (const server of intended) {
    const node = context.nodes.byKey.get(serviceNodeKey(service, server.cluster.key));
    if (!node) continue;
    const serving = servingKey(node.cluster, localHost(node.name, node.namespace));
    const destination =
      check.destinations.find(
        (candidate) => servingKey(candidate.servingCluster ?? '', candidate.service ?? '') === serving,
      ) ?? check.destinations.find((candidate) => candidate.servingCluster === node.cluster);
    const verdict = destination ? destinationVerdict(destination) : notReached(check, node.cluster);
    const id = mapId('e', 'direct', service.key, client.key, caller.id, node.id);
    context.add(
      {
        id,
        ...called,
        ...edgeFields(context, { caller, node, request, mode }, destination, verdict),
        share: null,
        intent: service.key,
        client: client.key,
      },
      { check, intents: [service.key, client.key] },
    );
  }
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function buildMap(input: MapInput): FleetMap {
  const context = new MapContext(input);
  for (const service of [...input.model.services].sort(byKey)) {
    for (const client of service.clients) {
      if (client.spec.type === 'external') continue;
      for (const placement of client.placements) directEdges(context, { service, client, placement });
    }
  }
  for (const record of [...input.snapshot.routingIntents].sort(byKey)) routingEdges(context, record);
  const clusters = [...input.snapshot.clusters].sort(byKey).map(mapCluster);
  return {
    view: {
      clusters,
      services: context.nodes.list,
      callers: context.callers.list,
      edges: context.edges,
      diagnostics: input.diagnostics.map((diagnostic) => ({
        severity: diagnostic.severity,
        code: diagnostic.code,
        message: diagnostic.message,
        resource: diagnostic.resource ?? null,
        cluster: diagnostic.cluster ?? null,
      })),
    },
    facts: context.facts,
  };
}
