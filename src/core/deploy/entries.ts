/**
 * A cluster's record when a new revision (or a terminate) is decided: every object
 * the revision wants is pending until applied, every object it no longer wants is
 * to be removed. Written in the same transaction as the revision, so the virtual
 * addresses of both stay held until the cluster has caught up.
 */
import { objectId, type RenderedObject } from '../render/objects.js';
import { hashObject } from './object-hash.js';
import { isClusterWide } from './ownership.js';
import type { ClusterRecord, ObjectEntry } from './records.js';
import { refOf } from './refs.js';

/** A client ServiceEntry's host and the virtual address it was rendered with. */
export function heldAddress(object: RenderedObject): ObjectEntry['holds'] {
  if (object.kind !== 'ServiceEntry') return undefined;
  const spec = object.spec as { hosts?: string[]; addresses?: string[] } | undefined;
  const host = spec?.hosts?.[0];
  const address = spec?.addresses?.[0];
  return host !== undefined && address !== undefined ? { host, address } : undefined;
}

function desiredEntry(object: RenderedObject, previous: ObjectEntry | undefined): ObjectEntry {
  const hash = hashObject(object);
  const settled = previous?.applied === hash && previous.state === 'applied';
  const entry: ObjectEntry = {
    ...previous,
    ref: refOf(object),
    desired: hash,
    state: settled ? 'applied' : 'pending',
  };
  const holds = heldAddress(object);
  if (holds) entry.holds = holds;
  else delete entry.holds;
  if (isClusterWide(object)) entry.shared = true;
  return entry;
}

export interface ClusterIdentity {
  cluster: string;
  name: string;
  target: string;
}

export function prepareClusterRecord(
  identity: ClusterIdentity,
  revision: number,
  desired: readonly RenderedObject[],
  previous: ClusterRecord | undefined,
): ClusterRecord {
  const objects: Record<string, ObjectEntry> = {};
  const wanted = new Set<string>();
  for (const object of desired) {
    const id = objectId(object);
    wanted.add(id);
    objects[id] = desiredEntry(object, previous?.objects[id]);
  }
  for (const [id, entry] of Object.entries(previous?.objects ?? {})) {
    if (wanted.has(id)) continue;
    const { desired: _dropped, ...rest } = entry;
    objects[id] = { ...rest, state: 'removing' };
  }
  return {
    ...identity,
    revision,
    state: clusterStateOf({ objects }),
    ...(previous?.lastTried ? { lastTried: previous.lastTried } : {}),
    objects,
  };
}

/** The cluster's state from its objects: applied, removed (nothing left), failed (an error) or pending. */
export function clusterStateOf(record: Pick<ClusterRecord, 'objects'>): ClusterRecord['state'] {
  const entries = Object.values(record.objects);
  if (entries.length === 0) return 'removed';
  if (entries.some((entry) => entry.state === 'failed')) return 'failed';
  return entries.every((entry) => entry.state === 'applied') ? 'applied' : 'pending';
}

/** The record with every time it carries left out: what it says about the cluster. */
function withoutTimes(record: ClusterRecord): unknown {
  const { lastTried: _tried, objects, ...rest } = record;
  const entries = Object.entries(objects).map(([id, entry]) => {
    const { lastTried: _entryTried, ...kept } = entry;
    return [id, kept];
  });
  return { ...rest, objects: Object.fromEntries(entries) };
}

/**
 * Whether `after` says the same about the cluster as `before` and that is that all is applied: only
 * its times moved (a reconcile pass that found nothing to do). Saving it can wait without losing
 * anything a restart needs.
 */
export function onlyRetried(before: ClusterRecord, after: ClusterRecord): boolean {
  return (
    before.state === 'applied' &&
    after.state === 'applied' &&
    JSON.stringify(withoutTimes(before)) === JSON.stringify(withoutTimes(after))
  );
}
