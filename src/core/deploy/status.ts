/** The status view of a group's deployment: per cluster and per object, with totals. */
import type { ClusterRecord, GroupRecord, GroupState, ObjectEntry, ObjectState, Operation } from './records.js';

export interface ObjectStatus {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  state: ObjectState;
  /** Hash of the object the current revision wants (absent: to be removed). */
  desired?: string;
  /** Hash of the object last applied. */
  applied?: string;
  lastTried?: string;
  error?: string;
  reason?: string;
  drift?: ObjectEntry['drift'];
}

export type Counts = Record<ObjectState, number>;

export interface ClusterStatus {
  cluster: string;
  target: string;
  state: ClusterRecord['state'];
  revision: number;
  lastTried?: string;
  error?: string;
  reason?: string;
  counts: Counts;
  /** Objects found changed or deleted by hand (and put back), and when the last was found. */
  drift?: { objects: number; lastDetectedAt: string };
  objects: ObjectStatus[];
}

export interface GroupStatus {
  group: string;
  state: GroupState;
  approved: boolean;
  revision: number;
  latestRevision: number;
  operation?: Operation;
  /** True when the intents now render differently from the deployed revision (until `update`). */
  changed?: boolean;
  summary: { clusters: number; clustersFailed: number; objects: number } & Counts;
  clusters: ClusterStatus[];
}

function emptyCounts(): Counts {
  return { pending: 0, applied: 0, failed: 0, removing: 0 };
}

function objectStatus(entry: ObjectEntry): ObjectStatus {
  const { ref, holds: _holds, shared: _shared, ...rest } = entry;
  return { ...ref, ...rest };
}

function clusterStatus(record: ClusterRecord): ClusterStatus {
  const counts = emptyCounts();
  const objects = Object.values(record.objects).map(objectStatus);
  for (const object of objects) counts[object.state]++;
  const { objects: _entries, name, cluster: _key, ...rest } = record;
  const drift = driftOf(objects);
  return { ...rest, cluster: name, counts, ...(drift ? { drift } : {}), objects };
}

function driftOf(objects: readonly ObjectStatus[]): ClusterStatus['drift'] {
  const found = objects.flatMap((object) => (object.drift ? [object.drift.detectedAt] : [])).sort();
  const last = found[found.length - 1];
  return last === undefined ? undefined : { objects: found.length, lastDetectedAt: last };
}

export function groupStatus(group: string, record: GroupRecord, clusters: readonly ClusterRecord[]): GroupStatus {
  const views = clusters
    .map(clusterStatus)
    .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
  const summary = { clusters: views.length, clustersFailed: 0, objects: 0, ...emptyCounts() };
  for (const view of views) {
    if (view.state === 'failed') summary.clustersFailed++;
    summary.objects += view.objects.length;
    for (const state of Object.keys(view.counts) as ObjectState[]) summary[state] += view.counts[state];
  }
  return {
    group,
    state: record.state,
    approved: record.approved,
    revision: record.revision,
    latestRevision: record.latestRevision,
    ...(record.operation ? { operation: record.operation } : {}),
    summary,
    clusters: views,
  };
}
