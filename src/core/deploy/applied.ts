/**
 * What the records say each cluster holds: every object whose last write succeeded, as the
 * revision that rendered it had it. This, not the last revision, is the "before" of a diff: after
 * a failed instantiate or update, the clusters do not hold what that revision renders.
 */
import { objectId, type RenderedObject } from '../render/objects.js';
import type { DiffSide } from './diff.js';
import { hashObject } from './object-hash.js';
import type { ClusterRecord, RevisionRecord } from './records.js';

/** The objects of `revisions` by cluster, id and hash. */
function index(revisions: readonly RevisionRecord[]): Map<string, RenderedObject> {
  const byKey = new Map<string, RenderedObject>();
  for (const revision of revisions) {
    for (const [cluster, objects] of Object.entries(revision.clusters)) {
      for (const object of objects) byKey.set(`${cluster}\n${objectId(object)}\n${hashObject(object)}`, object);
    }
  }
  return byKey;
}

/**
 * Per cluster storage key, the objects the records say were applied (an entry's `applied` hash,
 * whatever its state now), found in `revisions`; `missing` counts those no revision renders.
 */
export function appliedSide(
  records: readonly ClusterRecord[],
  revisions: readonly RevisionRecord[],
): { side: DiffSide; missing: number } {
  const known = index(revisions);
  const clusters: Record<string, RenderedObject[]> = {};
  let missing = 0;
  for (const record of records) {
    const objects: RenderedObject[] = [];
    for (const [id, entry] of Object.entries(record.objects)) {
      if (entry.applied === undefined) continue;
      const object = known.get(`${record.cluster}\n${id}\n${entry.applied}`);
      if (object) objects.push(object);
      else missing++;
    }
    if (objects.length > 0) clusters[record.cluster] = objects;
  }
  return { side: { clusters }, missing };
}
