/**
 * The connectivity map as a use case: render the fleet once, build the map from that
 * one render (core/map), and show each reader what it asked for and may read.
 * An edge's trace and objects come from the same kind of render, so they say what
 * the map said as long as nothing changed in between.
 */
import { NotFoundError } from '../core/errors.js';
import { buildMap, type FleetMap } from '../core/map/build.js';
import { filterMap, mayRead } from '../core/map/filter.js';
import { clusterObjects, edgeObjects } from '../core/map/objects.js';
import type { MapEdgeView, MapFilter, MapViewBody, Readable } from '../core/map/schema.js';
import type { RouteCheck } from '../core/render/check-route.js';
import type { RenderResult } from '../core/render/render.js';
import type { FleetRender, RenderService } from './render-service.js';

export interface EdgeTrace {
  edge: MapEdgeView;
  trace: RouteCheck;
}

interface Built {
  render: FleetRender;
  map: FleetMap;
}

export class MapService {
  constructor(private readonly render: RenderService) {}

  private async build(): Promise<Built> {
    const render = await this.render.renderEverything();
    const map = buildMap({
      snapshot: render.snapshot,
      model: render.plan.model,
      world: render.world,
      diagnostics: render.result.diagnostics,
    });
    return { render, map };
  }

  async map(filter: MapFilter, readable: Readable): Promise<MapViewBody> {
    return filterMap((await this.build()).map.view, filter, readable);
  }

  /** An edge the reader may read (its service's project), or a 404 that does not say whether it exists. */
  private edge(built: Built, id: string, readable: Readable): MapEdgeView {
    const edge = built.map.view.edges.find((candidate) => candidate.id === id);
    const service = built.map.view.services.find((candidate) => candidate.id === edge?.to);
    if (!edge || !service || !mayRead(readable, service.project))
      throw new NotFoundError(`there is no edge ${id} in the map (ids change when the intents change)`);
    return edge;
  }

  async trace(id: string, readable: Readable): Promise<EdgeTrace> {
    const built = await this.build();
    const edge = this.edge(built, id, readable);
    return { edge, trace: (built.map.facts.get(id) as { check: RouteCheck }).check };
  }

  async edgeObjects(id: string, readable: Readable): Promise<RenderResult> {
    const built = await this.build();
    const edge = this.edge(built, id, readable);
    const service = built.map.view.services.find((candidate) => candidate.id === edge.to);
    const facts = built.map.facts.get(id);
    if (!facts) throw new NotFoundError(`there is no edge ${id} in the map`);
    return edgeObjects(built.render.result, edge, facts, service?.cluster, readable);
  }

  async clusterObjects(cluster: string, readable: Readable): Promise<RenderResult> {
    const render = await this.render.renderEverything();
    if (!render.snapshot.clusters.some((facts) => `${facts.provider}/${facts.name}` === cluster))
      throw new NotFoundError(`there is no cluster ${cluster}`);
    return clusterObjects(render.result, cluster, readable);
  }
}
