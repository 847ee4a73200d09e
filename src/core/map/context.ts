/** What building the map shares: the input, its nodes and callers, the traces made and the edges so far. */
import type { DestinationTrace } from '../dataplane/trace.js';
import type { World } from '../dataplane/world.js';
import { checkRoute, type RouteCheck, type RouteRequest } from '../render/check-route.js';
import type { Diagnostic } from '../render/diagnostics.js';
import { sharesDiscovery } from '../render/mesh.js';
import type { Model } from '../render/render.js';
import type { ServiceModel } from '../render/services.js';
import type { Snapshot } from '../render/snapshot.js';
import type { Placement } from '../render/topology.js';
import { CallerNodes, serviceNodes, type ServiceNodes } from './nodes.js';
import type { MapRequest } from './request.js';
import type { MapCallerView, MapEdgeView, MapServiceView, MapViewBody } from './schema.js';
import type { Verdict } from './verdict.js';

export interface MapInput {
  snapshot: Snapshot;
  model: Model;
  world: World;
  diagnostics: readonly Diagnostic[];
}

/** What an edge was decided from: the whole trace, and the keys of the intents it comes from. */
export interface EdgeFacts {
  check: RouteCheck;
  intents: string[];
}

export interface FleetMap {
  view: MapViewBody;
  facts: Map<string, EdgeFacts>;
}

/** Shared by the direct and the routing edges: nodes, callers, traces and the edges made so far. */
export class MapContext {
  readonly nodes: ServiceNodes;
  readonly callers: CallerNodes;
  readonly edges: MapEdgeView[] = [];
  readonly facts = new Map<string, EdgeFacts>();
  private readonly traces = new Map<string, RouteCheck>();
  private readonly gateways: Map<string, boolean>;
  private readonly servicesByApp = new Map<string, ServiceModel>();

  constructor(readonly input: MapInput) {
    this.nodes = serviceNodes(input.model.services);
    this.callers = new CallerNodes(input.snapshot);
    this.gateways = new Map(input.world.clusters.map((cluster) => [cluster.name, cluster.gateway.address !== null]));
    for (const service of input.model.services) {
      const key = `${service.group.key}\u0000${service.spec.app}`;
      if (!this.servicesByApp.has(key)) this.servicesByApp.set(key, service);
    }
  }

  serviceOf(groupKey: string, app: string): ServiceModel | undefined {
    return this.servicesByApp.get(`${groupKey}\u0000${app}`);
  }

  /** One trace per distinct call: callers of one identity in one cluster share it. */
  trace(caller: MapCallerView, request: RouteRequest, ip?: string): RouteCheck {
    const known = this.callers.routeCallers.get(caller.id);
    if (!known) throw new Error(`no caller ${caller.id}`);
    const routeCaller = ip === undefined ? known : { ...known, ip };
    const key = JSON.stringify([routeCaller, request]);
    const traced = this.traces.get(key);
    if (traced) return traced;
    const check = checkRoute(this.input.world, routeCaller, request);
    this.traces.set(key, check);
    return check;
  }

  /** The cluster whose east-west gateway the traced call passes; for a federated call not traced that far, its server's. */
  gatewayOf(destination: DestinationTrace | undefined, mode: MapEdgeView['mode'], server: string): string | null {
    const hop = destination?.hops.find((candidate) => candidate.hop === 'gateway');
    if (hop) return hop.cluster;
    return mode === 'federated' && this.gateways.get(server) === true ? server : null;
  }

  add(edge: MapEdgeView, facts: EdgeFacts): void {
    if (this.facts.has(edge.id)) return;
    this.edges.push(edge);
    this.facts.set(edge.id, facts);
  }
}

export function modeBetween(caller: Placement['cluster'], servers: readonly Placement[]): MapEdgeView['mode'] {
  if (servers.some((server) => server.cluster.key === caller.key)) return 'local';
  return servers.every((server) => sharesDiscovery(caller, server.cluster)) ? 'shared' : 'federated';
}

export function edgeFields(
  context: MapContext,
  base: { caller: MapCallerView; node: MapServiceView; request: MapRequest; mode: MapEdgeView['mode'] },
  destination: DestinationTrace | undefined,
  verdict: Verdict,
) {
  return {
    from: base.caller.id,
    to: base.node.id,
    request: base.request,
    mode: base.mode,
    gateway: context.gatewayOf(destination, base.mode, base.node.cluster),
    ...verdict,
  };
}
