/**
 * Rendering as a use case: read the model, have the ledger give every needed
 * virtual address, render, and filter to what was asked for. One renderer lives as
 * long as the service, so its caches make repeated renders incremental.
 */
import { deploymentIntentGroupKind } from '../core/model/apps.js';
import { clusterKind } from '../core/model/infrastructure.js';
import type { PathParams } from '../core/model/kind.js';
import {
  planRender,
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
import { getOrThrow } from './resource-service.js';
import { readSnapshot } from './snapshot.js';
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
  private readonly renderer: Renderer;

  constructor(
    private readonly store: Store,
    private readonly ledger: AddressLedger,
    validate?: ObjectValidator,
    /** Addresses deployed ServiceEntries still use: kept until the objects are gone from their clusters. */
    private readonly heldClaims: () => Promise<AddressClaim[]> = async () => [],
  ) {
    this.renderer = new Renderer(validate);
  }

  /** Syncs the ledger with the intents' claims, the held ones and `extra`; returns every address. */
  async syncAddresses(extra: readonly AddressClaim[] = []): Promise<Map<string, string>> {
    const plan = planRender(await readSnapshot(this.store));
    return this.ledger.sync([...plan.claims, ...(await this.heldClaims()), ...extra]);
  }

  /** Everything meshbridge manages, in every cluster. */
  async renderFleet(filter: RenderFilter = {}): Promise<RenderResult> {
    const snapshot = await readSnapshot(this.store);
    const plan = planRender(snapshot);
    const addresses = await this.ledger.sync([...plan.claims, ...(await this.heldClaims())]);
    return filterClusters(this.renderer.render(snapshot, addresses, plan), filter);
  }

  /** The fleet as the data-plane model sees it: every cluster's mesh facts, rendered objects and placed Services. */
  async renderWorld(): Promise<{ world: World; snapshot: Snapshot }> {
    const { world, snapshot } = await this.renderEverything();
    return { world, snapshot };
  }

  /** One render, every view of it: the snapshot, the resolved model, the objects and diagnostics, and the world. */
  async renderEverything(): Promise<FleetRender> {
    const snapshot = await readSnapshot(this.store);
    const plan = planRender(snapshot);
    const addresses = await this.ledger.sync([...plan.claims, ...(await this.heldClaims())]);
    const result = this.renderer.render(snapshot, addresses, plan);
    return { snapshot, plan, result, world: fleetWorld(snapshot, result, plan) };
  }

  /** What one deployment intent group's intents put in every cluster, including other groups' clusters. */
  async renderGroup(params: PathParams, filter: RenderFilter = {}): Promise<RenderResult> {
    const group = await getOrThrow(this.store, deploymentIntentGroupKind, params);
    const result = await this.renderFleet(filter);
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
        diagnostic.resource.startsWith(`${group.key}/`) ||
        diagnostic.resource === group.key ||
        isClusterWide(diagnostic, clusters),
    );
    return { clusters, diagnostics };
  }

  /** Everything meshbridge manages in one cluster, across all projects. */
  async renderCluster(params: PathParams): Promise<RenderResult> {
    const cluster = await getOrThrow(this.store, clusterKind, params);
    const result = await this.renderFleet();
    return {
      clusters: result.clusters.filter((entry) => entry.cluster.key === cluster.key),
      diagnostics: result.diagnostics.filter(
        (diagnostic) =>
          diagnostic.cluster === undefined || diagnostic.cluster === `${params.clusterProvider}/${params.cluster}`,
      ),
    };
  }
}

function filterClusters(result: RenderResult, filter: RenderFilter): RenderResult {
  if (!filter.cluster) return result;
  return {
    clusters: result.clusters.filter((entry) => `${entry.cluster.provider}/${entry.cluster.name}` === filter.cluster),
    diagnostics: result.diagnostics.filter(
      (diagnostic) => diagnostic.cluster === undefined || diagnostic.cluster === filter.cluster,
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
