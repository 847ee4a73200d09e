/**
 * One reconcile pass's view of its clusters, so that a pass reads each cluster a bounded
 * number of times whatever the number of groups on it: every kind is read once per
 * cluster and pass (one API version per kind, everything carrying meshbridge's managed-by
 * label), lazily, when the first group that needs it asks, and every later group on that
 * cluster is given the same objects and keeps those its ownership labels let it plan with.
 *
 * A snapshot ages while the pass goes on, so it is kept true to what meshbridge itself
 * does: every successful apply and delete by any operation of this server (the pass's
 * own or a lifecycle request running meanwhile) is written into it. What others do
 * meanwhile (a hand edit, another replica) is seen by the next pass, as with any periodic
 * check; a group that would create an object whose name the snapshot shows free still
 * reads it first and refuses to take over one of another owner (see `cluster-run.ts`).
 *
 * A failed read is kept for the pass too: a cluster that cannot be listed fails every
 * group on it with the same reason, rather than being asked again by each of them.
 */
import { refId, refOf, type LiveObject, type ObjectRef } from '../../core/deploy/refs.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { kindKey } from './kinds.js';
import type { KindRef } from './target.js';

/** Reads the cluster's managed objects of `kinds` (one list per kind), with the pass's retries. */
export type KindReader = (kinds: readonly KindRef[]) => Promise<LiveObject[]>;

/** What an operation tells the snapshot after each successful write. */
export interface WriteLog {
  applied(cluster: string, object: RenderedObject): void;
  removed(cluster: string, ref: ObjectRef): void;
}

type Objects = Map<string, LiveObject>;

function held<T>(promise: Promise<T>): Promise<T> {
  // Kept for later groups; a rejection is theirs to see, never an unhandled one.
  promise.catch(() => undefined);
  return promise;
}

function liveOf(object: RenderedObject): LiveObject {
  const { apiVersion, kind, metadata, spec, data, type } = structuredClone(object);
  return {
    apiVersion,
    kind,
    metadata: {
      name: metadata.name,
      ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
      labels: metadata.labels,
      ...(metadata.annotations === undefined ? {} : { annotations: metadata.annotations }),
    },
    ...(spec === undefined ? {} : { spec }),
    ...(data === undefined ? {} : { data }),
    ...(type === undefined ? {} : { type }),
  };
}

class ClusterView {
  private readonly kinds = new Map<string, Promise<Objects>>();

  async list(kinds: readonly KindRef[], read: KindReader): Promise<LiveObject[]> {
    const missing = new Map<string, KindRef>();
    for (const kind of kinds) {
      const key = kindKey(kind);
      if (!this.kinds.has(key) && !missing.has(key)) missing.set(key, kind);
    }
    if (missing.size > 0) {
      const reading = read([...missing.values()]);
      for (const key of missing.keys()) {
        this.kinds.set(
          key,
          held(
            reading.then(
              (objects) =>
                new Map(
                  objects.filter((object) => kindKey(object) === key).map((object) => [refId(refOf(object)), object]),
                ),
            ),
          ),
        );
      }
    }
    const keys = [...new Set(kinds.map(kindKey))];
    const views = await Promise.all(keys.map((key) => this.kinds.get(key) as Promise<Objects>));
    return views.flatMap((objects) => [...objects.values()]);
  }

  /**
   * Changes the kind's objects once it is read (a reading still under way, too); a kind never read
   * stays unread. A copy is changed, so a group sees the cluster as it was when it asked.
   */
  change(kind: { apiVersion: string; kind: string }, edit: (objects: Objects) => void): void {
    const key = kindKey(kind);
    const current = this.kinds.get(key);
    if (current === undefined) return;
    this.kinds.set(
      key,
      held(
        current.then((objects) => {
          const changed = new Map(objects);
          edit(changed);
          return changed;
        }),
      ),
    );
  }
}

export class PassSnapshot implements WriteLog {
  private readonly clusters = new Map<string, ClusterView>();

  /** The cluster's managed objects of `kinds`, read at most once per kind during the pass. */
  list(cluster: string, kinds: readonly KindRef[], read: KindReader): Promise<LiveObject[]> {
    let view = this.clusters.get(cluster);
    if (view === undefined) this.clusters.set(cluster, (view = new ClusterView()));
    return view.list(kinds, read);
  }

  applied(cluster: string, object: RenderedObject): void {
    this.clusters.get(cluster)?.change(object, (objects) => objects.set(refId(refOf(object)), liveOf(object)));
  }

  removed(cluster: string, ref: ObjectRef): void {
    this.clusters.get(cluster)?.change(ref, (objects) => objects.delete(refId(ref)));
  }
}
