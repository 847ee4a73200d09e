/**
 * The connectivity map as a use case: render the fleet once, build the map from that
 * one render (core/map), and show each reader what it asked for and may read.
 * An edge's trace and objects come from the same kind of render, so they say what
 * the map said as long as nothing changed in between.
 *
 * The map is kept while the store's change sequences stay the same (as the render is,
 * `render-cache.ts`): building it traces every declared call, seconds at a hundred
 * clusters, and the page asks again for every edge clicked. Being the model and the
 * world as well as the render, it is let go after `keepMs` without a request.
 */
import { NotFoundError } from '../core/errors.js';
import { buildMap, type FleetMap } from '../core/map/build.js';
import { filterMap, mayRead } from '../core/map/filter.js';
import { clusterObjects, edgeObjects } from '../core/map/objects.js';
import type { MapEdgeView, MapFilter, MapViewBody, Readable } from '../core/map/schema.js';
import type { RouteCheck } from '../core/render/check-route.js';
import type { RenderResult } from '../core/render/render.js';
import { deployGroupView, type DeployGroupView, type DeployView, type GroupPlace } from '../core/map/deploy.js';
import type { GroupStatus } from '../core/deploy/status.js';
import type { PathParams } from '../core/model/kind.js';
import { kindOf, paramsFromKey } from '../core/model/registry.js';
import type { DeployService } from './deploy/deploy-service.js';
import type { FleetRender, RenderService } from './render-service.js';
import type { Changes, Store } from './store.js';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface EdgeTrace {
  edge: MapEdgeView;
  trace: RouteCheck;
}

interface Built {
  render: FleetRender;
  map: FleetMap;
}

/** Where the deploy view reads: the groups, and each one's status. */
export interface DeployReader {
  groups(): Promise<GroupPlace[]>;
  status(params: PathParams, options: { changes?: boolean }): Promise<GroupStatus>;
}

/** The deploy reader on the store's groups and the deploy service's status. */
export function deployReader(store: Pick<Store, 'listByKind'>, deploy: Pick<DeployService, 'status'>): DeployReader {
  return {
    async groups() {
      const groups = await store.listByKind('deploymentIntentGroup');
      return groups.map((group) => {
        const params = paramsFromKey(kindOf('deploymentIntentGroup'), group.key);
        return {
          key: group.key,
          project: params.project as string,
          compositeApp: params.compositeApp as string,
          version: params.compositeAppVersion as string,
          group: params.deploymentIntentGroup as string,
        };
      });
    },
    status: (params, options) => deploy.status(params, options),
  };
}

export const MAP_KEPT_MS = 5 * 60_000;

export class MapService {
  private kept: { changes: Changes; built: Promise<Built>; expiry: NodeJS.Timeout } | undefined;

  constructor(
    private readonly render: RenderService,
    private readonly deploy: DeployReader,
    private readonly changes: () => Promise<Changes>,
    private readonly keepMs = MAP_KEPT_MS,
  ) {}

  /** Per group (that the reader may read and the filter names) and cluster, where its deployment stands. */
  async deployState(filter: MapFilter, readable: Readable, options: { changes?: boolean } = {}): Promise<DeployView> {
    const places = (await this.deploy.groups()).filter(
      (place) =>
        mayRead(readable, place.project) &&
        (filter.project === undefined || place.project === filter.project) &&
        (filter.compositeApp === undefined || place.compositeApp === filter.compositeApp) &&
        (filter.group === undefined || place.group === filter.group),
    );
    const groups: DeployGroupView[] = [];
    for (const place of places) {
      const params = {
        project: place.project,
        compositeApp: place.compositeApp,
        compositeAppVersion: place.version,
        deploymentIntentGroup: place.group,
      };
      const status = await this.deploy.status(params, { changes: options.changes === true });
      const view = deployGroupView(place, status, filter.cluster);
      if (filter.cluster === undefined || view.clusters.length > 0) groups.push(view);
    }
    return { groups };
  }

  /**
   * The deploy view each time it changes: read every `intervalMs` (polling the records; a change made by
   * another replica shows up too), yielded first at once and then only when it differs, until `signal` aborts.
   */
  async *watchDeploy(
    filter: MapFilter,
    readable: Readable,
    intervalMs: number,
    signal: AbortSignal,
  ): AsyncGenerator<DeployView> {
    let last: string | undefined;
    while (!signal.aborted) {
      const view = await this.deployState(filter, readable);
      const text = JSON.stringify(view);
      if (text !== last) {
        last = text;
        yield view;
      }
      await sleep(intervalMs, signal);
    }
  }

  /** The kept map while the numbers, read before the render, are unchanged; else a new one. */
  private async build(): Promise<Built> {
    const changes = await this.changes();
    const kept = this.kept;
    if (kept && kept.changes.resources === changes.resources && kept.changes.addresses === changes.addresses) {
      kept.expiry.refresh();
      return kept.built;
    }
    if (kept) clearTimeout(kept.expiry);
    const built = this.make();
    const expiry = setTimeout(() => {
      if (this.kept?.built === built) this.kept = undefined;
    }, this.keepMs).unref();
    this.kept = { changes, built, expiry };
    built.catch(() => {
      if (this.kept?.built === built) this.kept = undefined;
    });
    return built;
  }

  private async make(): Promise<Built> {
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
    const { render } = await this.build();
    if (!render.snapshot.clusters.some((facts) => `${facts.provider}/${facts.name}` === cluster))
      throw new NotFoundError(`there is no cluster ${cluster}`);
    return clusterObjects(render.result, cluster, readable);
  }
}
