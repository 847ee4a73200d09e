/** What the page reads from `GET /v2/map/deploy`: per deployment intent group and cluster, the `status` state. */
export type DeployState = 'applied' | 'pending' | 'failed' | 'drift' | string;

export interface DeployCluster {
  cluster: string;
  state: DeployState;
  reason?: string | null;
}

export interface DeployGroup {
  project: string;
  compositeApp: string;
  version: string;
  group: string;
  /** The group's lifecycle state and last operation, as `status` says them. */
  state?: string | null;
  operation?: { kind?: string; state?: string } | null;
  clusters: DeployCluster[];
}

export interface DeployData {
  groups: DeployGroup[];
}

/** The group's path under `/v2`, for its `diff`. */
export function groupPath(group: GroupKey): string {
  const part = encodeURIComponent;
  return `/v2/projects/${part(group.project)}/composite-apps/${part(group.compositeApp)}/${part(group.version)}/deployment-intent-groups/${part(group.group)}`;
}

/** Poll fast while anything is on its way, slowly otherwise. */
export function pollDelay(data: DeployData): number {
  const moving = data.groups.some(
    (group) => group.operation?.state === 'running' || group.clusters.some((cluster) => cluster.state === 'pending'),
  );
  return moving ? 1_000 : 5_000;
}

/** What `GET .../status?changes=false` answers, as far as the deploy view reads it. */
export interface GroupStatusAnswer {
  state?: string;
  operation?: { action?: string; status?: string };
  clusters?: { cluster: string; state: string; reason?: string; error?: string; drift?: unknown }[];
}

export type GroupKey = Pick<DeployGroup, 'project' | 'compositeApp' | 'version' | 'group'>;

/** The deployment intent groups the map's services and callers belong to, each once, sorted. */
export function groupsOf(members: GroupKey[]): GroupKey[] {
  const seen = new Map<string, GroupKey>();
  for (const { project, compositeApp, version, group } of members)
    seen.set([project, compositeApp, version, group].join('/'), { project, compositeApp, version, group });
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, key]) => key);
}

/** A group's status as the deploy view shows it: a cluster with objects changed by hand and put back is `drift`. */
export function fromStatus(key: GroupKey, status: GroupStatusAnswer): DeployGroup {
  const { project, compositeApp, version, group } = key;
  return {
    project,
    compositeApp,
    version,
    group,
    state: status.state ?? null,
    operation: status.operation ? { kind: status.operation.action, state: status.operation.status } : null,
    clusters: (status.clusters ?? []).map((cluster) => ({
      cluster: cluster.cluster,
      state: cluster.drift && cluster.state === 'applied' ? 'drift' : cluster.state,
      reason: cluster.reason ?? cluster.error ?? null,
    })),
  };
}
