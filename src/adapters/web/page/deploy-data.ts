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
export function groupPath(group: DeployGroup): string {
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
