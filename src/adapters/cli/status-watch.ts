/**
 * `meshbridge status GROUP --watch`: as `kubectl get -w`, the status once, then only what
 * changes, polled every `--watch-interval` seconds until ^C (SIGINT) or `signal` aborts.
 * A table prints the changed group lines and cluster rows; `-o name` the changed clusters'
 * paths; `-o yaml|json` the whole status again whenever anything in it changed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterStatus, GroupStatus } from '../../core/deploy/status.js';
import { formatData, table, type Output } from './output.js';
import { clusterPath, statusView } from './lifecycle-views.js';
import { printDocument, type ResourceFormat } from './resource-output.js';
import { CLUSTER_HEADERS, clusterRow, operationLine } from './status-view.js';

export interface WatchRequest {
  read: () => Promise<GroupStatus>;
  short: string;
  format: ResourceFormat;
  intervalMs: number;
  output: Output;
  /** Stops the watch; without one, the first SIGINT does. */
  signal?: AbortSignal;
}

/** The group's lines a watch reports when they change. */
const groupLine = (status: GroupStatus) =>
  `state: ${status.state}${status.approved ? ', approved' : ''}; revision ${status.revision}; ${operationLine(status)}`;

const clusterKey = (cluster: ClusterStatus) => JSON.stringify(cluster);

/** What changed from `before` to `now`, in the requested format; nothing when nothing did. */
function changes(before: GroupStatus, now: GroupStatus, format: ResourceFormat): string[] {
  if (JSON.stringify(before) === JSON.stringify(now)) return [];
  if (format === 'yaml' || format === 'json') return [formatData(now, format)];
  const old = new Map(before.clusters.map((cluster) => [cluster.cluster, clusterKey(cluster)]));
  const changed = now.clusters.filter((cluster) => old.get(cluster.cluster) !== clusterKey(cluster));
  const gone = before.clusters.filter((cluster) => !now.clusters.some((next) => next.cluster === cluster.cluster));
  if (format === 'name') return [...changed, ...gone].map((cluster) => clusterPath(cluster.cluster));
  const lines = groupLine(before) === groupLine(now) ? [] : [groupLine(now)];
  if (changed.length > 0) lines.push(...table(CLUSTER_HEADERS, changed.map(clusterRow)).split('\n').slice(1));
  for (const cluster of gone) lines.push(`${cluster.cluster} gone from the group`);
  return lines;
}

function interruption(signal: AbortSignal | undefined): { signal: AbortSignal; release: () => void } {
  if (signal) return { signal, release: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  return { signal: controller.signal, release: () => process.off('SIGINT', stop) };
}

/** Resolves 0 when stopped; a failed read (the server gone) rejects, as a plain status does. */
export async function watchStatus(request: WatchRequest): Promise<number> {
  const { output, format } = request;
  const { signal, release } = interruption(request.signal);
  try {
    let last = await request.read();
    printDocument(last, format, statusView(request.short), output);
    while (!signal.aborted) {
      try {
        await sleep(request.intervalMs, undefined, { signal });
      } catch {
        break; // aborted while waiting
      }
      const now = await request.read();
      for (const line of changes(last, now, format)) output.out(line);
      last = now;
    }
    return 0;
  } finally {
    release();
  }
}
