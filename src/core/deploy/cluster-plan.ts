/**
 * What one cluster needs, worked out before anything is sent: which objects to
 * apply (and why), which to remove, and which are already right. Pure: the deploy
 * service feeds it the revision's objects, what it remembers and what the cluster
 * holds, and carries the steps out.
 */
import { compareObjects, objectId, type RenderedObject } from '../render/objects.js';
import { equalsLive, matchesLive } from './compare.js';
import { hashObject } from './object-hash.js';
import { isClusterWide, isOwnedBy, isRelinquished, ownerName, type GroupRef } from './ownership.js';
import type { ObjectEntry } from './records.js';
import { refId, refOf, type LiveObject, type ObjectRef } from './refs.js';

export type ApplyReason = 'create' | 'change' | 'drift-changed' | 'drift-deleted';

export interface ApplyStep {
  object: RenderedObject;
  hash: string;
  reason: ApplyReason;
  /** Not among the cluster's meshbridge objects: check first that nobody else's object has the name. */
  checkForeign: boolean;
}

export interface ClusterPlanInput {
  group: GroupRef;
  desired: readonly RenderedObject[];
  /** What this group's record says about the cluster, by object id. */
  entries: Readonly<Record<string, ObjectEntry>>;
  /** Every object in the cluster that carries meshbridge's managed-by label. */
  live: readonly LiveObject[];
  /** Ids of cluster-wide objects another group still wants in this cluster. */
  sharedElsewhere: ReadonlySet<string>;
  /** The target holds only what meshbridge wrote (git): anything more is drift too (`equalsLive`). */
  exact?: boolean;
}

export interface ClusterPlan {
  apply: ApplyStep[];
  remove: ObjectRef[];
  /** Desired and already right. */
  unchanged: { object: RenderedObject; hash: string }[];
  /** Desired, but the name is held by another group's object: never taken over. */
  blocked: { object: RenderedObject; hash: string; owner: string }[];
  /** Entries of objects no longer wanted and already gone: forget them. */
  forget: string[];
}

function applyReason(entry: ObjectEntry | undefined, hash: string, present: boolean): ApplyReason {
  const wasApplied = entry?.applied === hash;
  if (present) return wasApplied ? 'drift-changed' : 'change';
  return wasApplied ? 'drift-deleted' : 'create';
}

function planDesired(input: ClusterPlanInput, liveById: Map<string, LiveObject>, plan: ClusterPlan): void {
  for (const object of [...input.desired].sort(compareObjects)) {
    const id = objectId(object);
    const hash = hashObject(object);
    const live = liveById.get(id);
    const ours = live !== undefined && (isOwnedBy(live, input.group) || isClusterWide(live));
    if (live !== undefined && !ours) {
      plan.blocked.push({ object, hash, owner: ownerName(live) ?? 'another owner' });
    } else if (live !== undefined && (input.exact ? equalsLive(object, live) : matchesLive(object, live))) {
      plan.unchanged.push({ object, hash });
    } else {
      const reason = applyReason(input.entries[id], hash, live !== undefined);
      plan.apply.push({ object, hash, reason, checkForeign: live === undefined });
    }
  }
}

function planRemovals(input: ClusterPlanInput, liveById: Map<string, LiveObject>, plan: ClusterPlan): void {
  const wanted = new Set(input.desired.map(objectId));
  const removals: LiveObject[] = [];
  for (const [id, live] of liveById) {
    if (wanted.has(id)) continue;
    if (isOwnedBy(live, input.group)) removals.push(live);
    else if (isRelinquished(live)) continue;
    else if (isClusterWide(live) && input.entries[id] !== undefined && !input.sharedElsewhere.has(id))
      removals.push(live);
  }
  for (const id of Object.keys(input.entries)) {
    if (!wanted.has(id) && !removals.some((live) => refId(refOf(live)) === id)) plan.forget.push(id);
  }
  // Dependents go first: the reverse of the apply order.
  plan.remove = removals.sort((a, b) => compareObjects(b as RenderedObject, a as RenderedObject)).map(refOf);
}

export function planCluster(input: ClusterPlanInput): ClusterPlan {
  const liveById = new Map(input.live.map((object) => [refId(refOf(object)), object]));
  const plan: ClusterPlan = { apply: [], remove: [], unchanged: [], blocked: [], forget: [] };
  planDesired(input, liveById, plan);
  planRemovals(input, liveById, plan);
  return plan;
}
