/**
 * Rendering as a use case: read the model, have the ledger give every needed
 * virtual address, render, and filter to what was asked for. The fleet's render is
 * kept while the database has not changed (`render-cache.ts`), and so are the views
 * of it asked for (a cluster's, a group's): an unchanged fleet costs one query. One
 * renderer lives as long as the service, so its caches make a changed render incremental.
 */
import { deploymentIntentGroupKind } from '../core/model/apps.js';
import { clusterKind } from '../core/model/infrastructure.js';
import type { PathParams } from '../core/model/kind.js';
import {
  Renderer,
  type ClusterOutput,
  type ObjectValidator,
  type RenderPlan,
  type RenderResult,
} from '../core/render/render.js';
import { fleetWorld, type World } from '../core/dataplane/world.js';
import type { Diagnostic } from '../core/render/diagnostics.js';
import { compareObjects } from '../core/render/objects.js';
import type { Snapshot } from '../core/render/snapshot.js';
import type { AddressClaim, AddressLedger } from './address-ledger.js';
import { RenderCache, viewOf } from './render-cache.js';
import { getOrThrow } from './resource-service.js';
import type { Store } from './store.js';

export interface FleetRender {
  snapshot: Snapshot;
  plan: RenderPlan;
  result: RenderResult;
  world: World;
}

export interface RenderFilter {
  /** `provider/cluster`: only that cluster. */
  cluster?: string;
}

export class RenderService {
  private readonly cache: RenderCache;

  constructor(
    private readonly store: Store,
    ledger: AddressLedger,
    validate?: ObjectValidator,
    /** Addresses deployed ServiceEntries still use: kept until the objects are gone from their clusters. */
    heldClaims: () => Promise<AddressClaim[]> = async () => [],
  ) {
    this.cache = new RenderCache(store, ledger, new Renderer(validate), heldClaims);
  }

  /** Syncs the ledger with the intents' claims, the held ones and `extra`; returns every address. */
  async syncAddresses(extra: readonly AddressClaim[] = []): Promise<Map<string, string>> {
    return this.cache.sync(await this.cache.claims(), extra);
  }

  /** Everything meshbridge manages, in every cluster. */
  async renderFleet(filter: RenderFilter = {}): Promise<RenderResult> {
    const rendered = await this.cache.current();
    const { cluster } = filter;
    if (!cluster) return rendered.result;
    return viewOf(rendered, `fleet:${cluster}`, () => filterClusters(rendered.result, cluster));
  }

  /** The fleet as the data-plane model sees it: every cluster's mesh facts, rendered objects and placed Services. */
  async renderWorld(): Promise<{ world: World; snapshot: Snapshot }> {
    const { world, snapshot } = await this.renderEverything();
    return { world, snapshot };
  }

  /** One render, every view of it: the snapshot, the resolved model, the objects and diagnostics, and the world. */
  async renderEverything(): Promise<FleetRender> {
    // The model is read again (the kept render does not hold it); the renderer's caches make the render cheap.
    const { snapshot, plan, result } = await this.cache.withModel();
    return { snapshot, plan, result, world: fleetWorld(snapshot, result, plan) };
  }

  /** What one deployment intent group's intents put in every cluster, including other groups' clusters. */
  async renderGroup(params: PathParams, filter: RenderFilter = {}): Promise<RenderResult> {
    const group = await getOrThrow(this.store, deploymentIntentGroupKind, params);
    const rendered = await this.cache.current();
    const whole = viewOf(rendered, `group:${group.key}`, () => groupView(rendered.result, params, group.key));
    const { cluster } = filter;
    if (!cluster) return whole;
    return viewOf(rendered, `group:${group.key}\u0000${cluster}`, () => filterClusters(whole, cluster));
  }

  /** Everything meshbridge manages in one cluster, across all projects. */
  async renderCluster(params: PathParams): Promise<RenderResult> {
    const rendered = await this.cache.current();
    const name = `${params.clusterProvider}/${params.cluster}`;
    const view = viewOf(rendered, `fleet:${name}`, () => filterClusters(rendered.result, name));
    // A cluster with objects exists as of the render's numbers; only another one asks the store (for the 404).
    if (view.clusters.length === 0) await getOrThrow(this.store, clusterKind, params);
    return view;
  }
}

function groupView(result: RenderResult, params: PathParams, groupKey: string): RenderResult {
  const owned = (labels: Record<string, string>) =>
    labels['meshbridge.io/project'] === params.project &&
    labels['meshbridge.io/composite-app'] === params.compositeApp &&
    labels['meshbridge.io/composite-app-version'] === params.compositeAppVersion &&
    labels['meshbridge.io/deployment-intent-group'] === params.deploymentIntentGroup;
  const clusters = result.clusters
    .map((cluster) => ({
      ...cluster,
      resources: cluster.resources.filter((object) => owned(object.metadata.labels)),
    }))
    .filter((cluster) => cluster.resources.length > 0)
    .map((cluster) => ({ ...cluster, resources: withClusterObjects(cluster, result) }));
  const diagnostics = result.diagnostics.filter(
    (diagnostic) =>
      diagnostic.resource === undefined ||
      diagnostic.resource.startsWith(`${groupKey}/`) ||
      diagnostic.resource === groupKey ||
      isClusterWide(diagnostic, clusters),
  );
  return { clusters, diagnostics };
}

/** `cluster` is `provider/cluster`: its objects, and the diagnostics that are its or no cluster's. */
function filterClusters(result: RenderResult, cluster: string): RenderResult {
  return {
    clusters: result.clusters.filter((entry) => `${entry.cluster.provider}/${entry.cluster.name}` === cluster),
    diagnostics: result.diagnostics.filter(
      (diagnostic) => diagnostic.cluster === undefined || diagnostic.cluster === cluster,
    ),
  };
}

/** A group's view of a cluster keeps the cluster-wide objects (PeerAuthentication) its objects rely on. */
function withClusterObjects(cluster: ClusterOutput, result: RenderResult): ClusterOutput['resources'] {
  const full = result.clusters.find((entry) => entry.cluster.key === cluster.cluster.key);
  const clusterWide = (full?.resources ?? []).filter(
    (object) => object.metadata.labels['meshbridge.io/intent-kind'] === 'cluster',
  );
  return [...clusterWide, ...cluster.resources].sort(compareObjects);
}

function isClusterWide(diagnostic: Diagnostic, clusters: ClusterOutput[]): boolean {
  return (
    diagnostic.resource?.startsWith('cluster-providers/') === true &&
    clusters.some((entry) => entry.cluster.key === diagnostic.resource)
  );
}
