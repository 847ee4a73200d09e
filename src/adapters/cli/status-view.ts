/**
 * How a group's deployment status reads in a terminal: the group's lines, a table
 * per cluster, the objects that are not applied (or were found drifted), the line a
 * cluster gets when it settles and the progress bar of an operation. Pure functions
 * of `GET .../status`.
 */
import type { ClusterStatus, GroupStatus, ObjectStatus } from '../../core/deploy/status.js';
import { table } from './output.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** `2026-11-22T00:17:04.582Z` → `2026-11-22T00:17:04Z`. */
export function shortTime(time: string | undefined): string {
  return time === undefined ? '-' : time.replace(/\.\d+Z$/, 'Z');
}

/** `ServiceEntry namespace01/httpbin`, or `Kind name` for a cluster-wide object. */
export function objectLabel(object: Pick<ObjectStatus, 'kind' | 'namespace' | 'name'>): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

function failure(item: { error?: string; reason?: string }): string {
  if (item.error === undefined) return item.reason ?? '';
  return item.reason && !item.error.startsWith(`${item.reason}:`) ? `${item.reason}: ${item.error}` : item.error;
}

/** Why a cluster failed: its own error, or else the first failed object's. */
export function clusterError(cluster: ClusterStatus): string {
  const own = failure(cluster);
  if (own !== '') return own;
  const failed = cluster.objects.filter((object) => object.state === 'failed');
  const first = failed[0];
  if (first === undefined) return '';
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return `${objectLabel(first)}: ${failure(first)}${more}`;
}

/** Whether the cluster was worked by the group's current operation (it settles with a fresh `lastTried`). */
export function settledInOperation(cluster: ClusterStatus, status: GroupStatus): boolean {
  if (cluster.state === 'pending') return false;
  const started = status.operation?.startedAt;
  return started === undefined || (cluster.lastTried !== undefined && cluster.lastTried >= started);
}

/** The line a cluster gets once it has settled: `edge/cluster01 applied (12 objects)`. */
export function clusterLine(cluster: ClusterStatus): string {
  if (cluster.state === 'applied') return `${cluster.cluster} applied (${plural(cluster.objects.length, 'object')})`;
  if (cluster.state === 'removed') return `${cluster.cluster} removed`;
  if (cluster.state === 'failed') return `${cluster.cluster} failed: ${clusterError(cluster)}`;
  return `${cluster.cluster} pending`;
}

/**
 * The progress of an operation on one line: `[##########----------] 3/5 clusters  12/20 objects applied`.
 * `done` counts the clusters the operation has finished with (including those it emptied and dropped).
 */
export function progressBar(status: GroupStatus, done: number, total: number, width = 20): string {
  const running = status.operation?.status === 'running';
  const ratio = total === 0 ? (running ? 0 : 1) : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const { summary } = status;
  const objects =
    status.operation?.action === 'terminate'
      ? `${plural(summary.removing + summary.failed, 'object')} left to remove`
      : `${summary.applied}/${summary.objects} objects applied${summary.failed > 0 ? `, ${summary.failed} failed` : ''}`;
  return `${bar} ${done}/${total} clusters  ${objects}`;
}

/** Every cluster applied (or emptied), and no operation running or failed. */
export function statusOk(status: GroupStatus): boolean {
  const operation = status.operation?.status;
  if (operation === 'running' || operation === 'failed') return false;
  return status.clusters.every((cluster) => cluster.state === 'applied' || cluster.state === 'removed');
}

export function operationLine(status: GroupStatus): string {
  const operation = status.operation;
  if (operation === undefined) return 'operation: none yet';
  const when =
    operation.finishedAt === undefined
      ? `started ${shortTime(operation.startedAt)}`
      : `finished ${shortTime(operation.finishedAt)}`;
  return `operation: ${operation.action} of revision ${operation.revision} ${operation.status} (${when})`;
}

function groupLines(status: GroupStatus, short: string): string[] {
  const { summary } = status;
  const lines = [
    `group: ${short}`,
    `state: ${status.state}${status.approved ? ', approved' : ''}; revision ${status.revision} (latest ${status.latestRevision})`,
    operationLine(status),
  ];
  if (status.changed !== undefined)
    lines.push(status.changed ? `changed: yes — run meshbridge update ${short}` : 'changed: no');
  lines.push(
    `clusters: ${summary.clusters}${summary.clustersFailed > 0 ? ` (${summary.clustersFailed} failed)` : ''}; ` +
      `objects: ${summary.objects} (${summary.applied} applied, ${summary.pending} pending, ` +
      `${summary.failed} failed, ${summary.removing} removing)`,
  );
  return lines;
}

export const CLUSTER_HEADERS = [
  'CLUSTER',
  'TARGET',
  'STATE',
  'APPLIED',
  'PENDING',
  'FAILED',
  'REMOVING',
  'DRIFTED',
  'LAST TRIED',
  'ERROR',
];

/** A cluster's row of the status table (also what `status --watch` prints when it changes). */
export function clusterRow(cluster: ClusterStatus): string[] {
  return [
    cluster.cluster,
    cluster.target,
    cluster.state,
    String(cluster.counts.applied),
    String(cluster.counts.pending),
    String(cluster.counts.failed),
    String(cluster.counts.removing),
    cluster.drift ? `${cluster.drift.objects} (${shortTime(cluster.drift.lastDetectedAt)})` : '-',
    shortTime(cluster.lastTried),
    clusterError(cluster),
  ];
}

function clusterTable(clusters: readonly ClusterStatus[]): string {
  return table(CLUSTER_HEADERS, clusters.map(clusterRow));
}

function driftOf(object: ObjectStatus): string {
  return object.drift ? `${object.drift.kind} by hand ${shortTime(object.drift.detectedAt)}` : '';
}

/** Objects that are not applied, and drifted ones (marked), or every object: `undefined` when there are none. */
function objectTable(clusters: readonly ClusterStatus[], every: boolean): string | undefined {
  const rows = clusters.flatMap((cluster) =>
    cluster.objects
      .filter((object) => every || object.state !== 'applied' || object.drift !== undefined)
      .map((object) => [cluster.cluster, objectLabel(object), object.state, driftOf(object) || '-', failure(object)]),
  );
  return rows.length === 0 ? undefined : table(['CLUSTER', 'OBJECT', 'STATE', 'DRIFT', 'ERROR'], rows);
}

/** The status for people: the group's lines, the clusters, then the objects that need a look (`every`: all). */
export function formatStatus(status: GroupStatus, short: string, every = false): string {
  const parts = [groupLines(status, short).join('\n')];
  if (status.clusters.length > 0) parts.push(clusterTable(status.clusters));
  const objects = objectTable(status.clusters, every);
  if (objects !== undefined) parts.push(objects);
  return parts.join('\n\n');
}
