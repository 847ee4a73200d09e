/**
 * The deploy view of the map: per deployment intent group and cluster, where its
 * deployment stands (from `status`), trimmed to what a page shows: the states, counts
 * and drift, and the objects that failed with their reasons.
 */
import type { GroupStatus } from '../deploy/status.js';

export interface DeployGroupView {
  /** The group's resource key. */
  key: string;
  project: string;
  compositeApp: string;
  version: string;
  group: string;
  state: GroupStatus['state'];
  approved: boolean;
  revision: number;
  latestRevision: number;
  operation: GroupStatus['operation'] | null;
  /** Whether `update` would change something (only when asked for: it renders the group). */
  changed: boolean | null;
  summary: GroupStatus['summary'];
  clusters: {
    cluster: string;
    target: string;
    state: GroupStatus['clusters'][number]['state'];
    revision: number;
    lastTried: string | null;
    error: string | null;
    reason: string | null;
    counts: GroupStatus['clusters'][number]['counts'];
    drift: GroupStatus['clusters'][number]['drift'] | null;
    failed: { kind: string; namespace: string | null; name: string; error: string | null; reason: string | null }[];
  }[];
}

export interface DeployView {
  groups: DeployGroupView[];
}

export interface GroupPlace {
  key: string;
  project: string;
  compositeApp: string;
  version: string;
  group: string;
}

export function deployGroupView(place: GroupPlace, status: GroupStatus, cluster?: string): DeployGroupView {
  return {
    ...place,
    state: status.state,
    approved: status.approved,
    revision: status.revision,
    latestRevision: status.latestRevision,
    operation: status.operation ?? null,
    changed: status.changed ?? null,
    summary: status.summary,
    clusters: status.clusters
      .filter((entry) => cluster === undefined || entry.cluster === cluster)
      .map((entry) => ({
        cluster: entry.cluster,
        target: entry.target,
        state: entry.state,
        revision: entry.revision,
        lastTried: entry.lastTried ?? null,
        error: entry.error ?? null,
        reason: entry.reason ?? null,
        counts: entry.counts,
        drift: entry.drift ?? null,
        failed: entry.objects
          .filter((object) => object.state === 'failed')
          .map((object) => ({
            kind: object.kind,
            namespace: object.namespace ?? null,
            name: object.name,
            error: object.error ?? null,
            reason: object.reason ?? null,
          })),
      })),
  };
}
