/**
 * What `status`, `revisions`, `diff` and `deploy --dry-run` print for each `-o` (resource-output.ts):
 * `-o name` gives the path `get` takes of each cluster the group deploys to (status), `revision/N`
 * (revisions, which have no path of their own) or `provider/cluster/<object id>` (diff);
 * `-o wide` shows every object of the status, not only those that need a look.
 */
import type { GroupStatus } from '../../core/deploy/status.js';
import type { GroupDiff } from './diff-view.js';
import type { DocumentView, ResourceView } from './resource-output.js';
import { formatStatus, shortTime } from './status-view.js';

export interface Revision {
  revision: number;
  action: string;
  createdAt: string;
  restores?: number;
  /** How its operation ended, or `running`; absent for revisions of earlier releases until run again. */
  status?: string;
}

/** `edge/cluster01` → `cluster-providers/edge/clusters/cluster01`. */
export function clusterPath(cluster: string): string {
  const [provider, name] = cluster.split('/');
  return `cluster-providers/${provider}/clusters/${name}`;
}

export const statusView = (short: string): DocumentView<GroupStatus> => ({
  table: (status) => formatStatus(status, short),
  wide: (status) => formatStatus(status, short, true),
  names: (status) => status.clusters.map((cluster) => clusterPath(cluster.cluster)),
});

/** `deployed`: the revision the clusters should hold now (0 for none), marked `*`; STATUS says whether they do. */
export const revisionView = (deployed: number): ResourceView<Revision> => ({
  headers: ['REVISION', 'ACTION', 'STATUS', 'CREATED', 'RESTORES', 'DEPLOYED'],
  row: (revision) => [
    String(revision.revision),
    revision.action,
    revision.status ?? '-',
    shortTime(revision.createdAt),
    revision.restores === undefined ? '-' : String(revision.restores),
    revision.revision === deployed ? '*' : '',
  ],
  wideHeaders: [],
  wideRow: () => [],
  nameOf: (revision) => `revision/${revision.revision}`,
  empty: 'no revisions yet: instantiate makes the first',
});

/** Every object the diff would create, change or delete: `edge/cluster01/<object id>`. */
export function diffNames(diff: GroupDiff): string[] {
  return diff.clusters.flatMap((cluster) =>
    [...cluster.create, ...cluster.change, ...cluster.delete].map((id) => `${cluster.cluster}/${id}`),
  );
}
