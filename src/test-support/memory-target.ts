/**
 * A deploy target that keeps every cluster in this process's memory, for fleets of a thousand
 * clusters that one fake API server per cluster (fake-kube/, real HTTP) would make a benchmark
 * of the fakes. It answers the `DeployTarget` port as a cluster would (objects copied in and
 * out, a list per kind filtered by labels) and counts every call per cluster, so a benchmark
 * can say what a pass asks of each cluster. It stands in for the target named `kubernetes`
 * (the default of a cluster's `spec.deploy.target`), so clusters need no kubeconfig.
 */
import { matchesKinds, matchesLabels, toLiveObject } from '../adapters/targets/gitops/manifest.js';
import type { RenderedObject } from '../core/render/objects.js';
import {
  refId,
  refOf,
  type ClusterSession,
  type DeployTarget,
  type KindRef,
  type LiveObject,
  type TargetCluster,
} from '../service/deploy/target.js';

/** What one cluster was asked: a list is one kind read (a `read` or session `list` of three kinds is three). */
export interface ClusterCalls {
  lists: number;
  gets: number;
  applies: number;
  removes: number;
  sessions: number;
}

const noCalls = (): ClusterCalls => ({ lists: 0, gets: 0, applies: 0, removes: 0, sessions: 0 });

/** An object as the fake keeps it: as JSON text (each reader gets its own copy, as from an API server), with what lists filter on. */
interface Kept {
  object: LiveObject;
  json: string;
}

const copyOf = (kept: Kept): LiveObject => JSON.parse(kept.json) as LiveObject;

export class MemoryTarget implements DeployTarget {
  readonly name = 'kubernetes';
  private readonly clusters = new Map<string, Map<string, Kept>>();
  /** Calls by cluster key (`cluster-providers/p/clusters/c`), since the last `resetCalls`. */
  readonly calls = new Map<string, ClusterCalls>();

  resetCalls(): void {
    this.calls.clear();
  }

  /** Drops every cluster's objects: what the fake holds is not the server's (a benchmark measures the server's heap). */
  forgetObjects(): void {
    this.clusters.clear();
  }

  /** The cluster's objects (copies). */
  objects(cluster: string): LiveObject[] {
    return [...(this.clusters.get(cluster)?.values() ?? [])].map(copyOf);
  }

  session<T>(cluster: TargetCluster, _context: unknown, work: (session: ClusterSession) => Promise<T>): Promise<T> {
    this.count(cluster.key).sessions++;
    return work({
      list: async (kinds, labels) => this.list(cluster.key, kinds, labels),
      get: async (ref) => {
        this.count(cluster.key).gets++;
        const kept = this.store(cluster.key).get(refId(ref));
        return kept === undefined ? undefined : copyOf(kept);
      },
      apply: async (object) => this.apply(cluster.key, object),
      remove: async (ref) => {
        this.count(cluster.key).removes++;
        return this.store(cluster.key).delete(refId(ref)) ? 'deleted' : 'absent';
      },
    });
  }

  async read(cluster: TargetCluster, kinds: readonly KindRef[], labels: Record<string, string>): Promise<LiveObject[]> {
    return this.list(cluster.key, kinds, labels);
  }

  /** Server-side apply as a cluster does it when meshbridge is the only field manager: the object as sent. */
  apply(cluster: string, object: RenderedObject): void {
    this.count(cluster).applies++;
    const json = JSON.stringify(object);
    const live = toLiveObject(JSON.parse(json));
    if (live === undefined) throw new Error(`not an object: ${refId(refOf(object))}`);
    this.store(cluster).set(refId(refOf(object)), { object: live, json: JSON.stringify(live) });
  }

  private list(cluster: string, kinds: readonly KindRef[], labels: Record<string, string>): LiveObject[] {
    this.count(cluster).lists += kinds.length;
    return [...this.store(cluster).values()]
      .filter((kept) => matchesKinds(kept.object, kinds) && matchesLabels(kept.object, labels))
      .map(copyOf);
  }

  private store(cluster: string): Map<string, Kept> {
    let objects = this.clusters.get(cluster);
    if (objects === undefined) this.clusters.set(cluster, (objects = new Map()));
    return objects;
  }

  private count(cluster: string): ClusterCalls {
    let calls = this.calls.get(cluster);
    if (calls === undefined) this.calls.set(cluster, (calls = noCalls()));
    return calls;
  }
}
