/**
 * Carrying out a group's operation across its clusters: in parallel up to a limit,
 * each cluster's outcome saved as soon as it is known (one where nothing but the times
 * changed, as in most of a reconcile pass, with the group's state, which is settled at
 * the end: a restart loses nothing but those times). Everything it needs is in the records, so a restart simply runs it again:
 * objects already right are left alone and server-side apply of the same object
 * gives the same result. An operation runs under its group's lease (`lease-keeper.ts`):
 * every write names the lease's fence, and no cluster is started once it is lost.
 */
import { onlyRetried } from '../../core/deploy/entries.js';
import { statesOf } from '../../core/deploy/lifecycle.js';
import { groupRefOf } from '../../core/deploy/keys.js';
import type { GroupRef } from '../../core/deploy/ownership.js';
import type { ClusterRecord, GroupRecord, RevisionRecord } from '../../core/deploy/records.js';
import { specOf } from '../../core/model/kind.js';
import { objectId, type RenderedObject } from '../../core/render/objects.js';
import type { Store } from '../store.js';
import { runCluster, type RunOptions } from './cluster-run.js';
import type { DeployState } from './deploy-state.js';
import type { OperationGuard } from './lease-keeper.js';
import type { PassSnapshot, WriteLog } from './pass-snapshot.js';
import type { ChangeContext, DeployTarget, TargetCluster } from './target.js';

export interface OperationDeps {
  store: Store;
  state: DeployState;
  targets: ReadonlyMap<string, DeployTarget>;
  run: RunOptions;
  /** Clusters worked at the same time. */
  concurrency: number;
  /** Told after every cluster: how many of how many are done. */
  onCluster?: (group: string, record: ClusterRecord) => void;
  /** The running reconcile pass's snapshot, which every operation's writes keep true. */
  currentPass?: () => WriteLog | undefined;
}

export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export function deployTargetName(spec: Record<string, unknown>): string {
  const deploy = spec.deploy as { target?: string } | undefined;
  return deploy?.target ?? 'kubernetes';
}

async function targetCluster(store: Store, record: ClusterRecord): Promise<TargetCluster> {
  const stored = await store.get(record.cluster);
  const [provider = '', name = ''] = record.name.split('/');
  return { key: record.cluster, provider, name, spec: stored ? specOf(stored.body) : {} };
}

/**
 * Ids of cluster-wide objects that other groups still want in the cluster. The planner asks only
 * about objects the group's record holds and no longer wants (`planRemovals`), so when the record
 * wants everything it holds (every pass with nothing to remove) the other groups' records of the
 * cluster are not read: a pass reads each record once, not once per group on the cluster.
 */
async function sharedElsewhere(
  state: DeployState,
  group: string,
  record: ClusterRecord,
  desired: readonly RenderedObject[],
): Promise<Set<string>> {
  const wanted = new Set(desired.map(objectId));
  if (Object.keys(record.objects).every((id) => wanted.has(id))) return new Set();
  const cluster = record.cluster;
  const shared = new Set<string>();
  for (const [other, record] of await state.clusterAcrossGroups(cluster)) {
    if (other === group) continue;
    for (const [id, entry] of Object.entries(record.objects)) if (entry.shared && entry.desired) shared.add(id);
  }
  return shared;
}

interface OperationJob {
  group: string;
  ref: GroupRef;
  context: ChangeContext;
  revision: RevisionRecord | undefined;
  snapshot: PassSnapshot | undefined;
  /** Records of clusters where nothing changed but the times (`onlyRetried`), saved when the group settles. */
  quiet: ClusterRecord[];
}

async function workCluster(
  deps: OperationDeps,
  job: OperationJob,
  record: ClusterRecord,
  guard: OperationGuard | undefined,
): Promise<ClusterRecord> {
  guard?.check();
  const cluster = await targetCluster(deps.store, record);
  const writes = deps.currentPass?.();
  const desired = job.revision?.clusters[record.cluster] ?? [];
  const result = await runCluster(
    {
      group: job.ref,
      cluster,
      target: deps.targets.get(deployTargetName(cluster.spec)),
      context: job.context,
      desired,
      record,
      sharedElsewhere: await sharedElsewhere(deps.state, job.group, record, desired),
      ...(job.snapshot ? { snapshot: job.snapshot } : {}),
      ...(writes ? { writes } : {}),
    },
    deps.run,
  );
  // Where only the times moved, the record is saved with the group's end: one transaction for the pass's quiet clusters.
  if (onlyRetried(record, result)) job.quiet.push(result);
  else await deps.state.write(job.group, { clusters: [result] }, guard?.fence);
  deps.onCluster?.(job.group, result);
  return result;
}

/**
 * Runs the group's running operation to its end and settles the group's state. Within a
 * reconcile pass, `snapshot` is the pass's reads of the clusters, shared with the other groups;
 * `guard` is the group's lease, checked before each cluster and by every record write.
 */
export async function executeOperation(
  deps: OperationDeps,
  group: string,
  { snapshot, guard }: { snapshot?: PassSnapshot; guard?: OperationGuard } = {},
): Promise<GroupRecord> {
  const record = await deps.state.group(group);
  const operation = record.operation;
  if (operation?.status !== 'running') return record;
  const revision = operation.action === 'terminate' ? undefined : await deps.state.revision(group, operation.revision);
  const context: ChangeContext = { group, revision: operation.revision, action: operation.action };
  const ref = groupRefOf(group);
  const results: ClusterRecord[] = [];
  const job: OperationJob = { group, ref, context, revision, snapshot, quiet: [] };
  await forEachLimit(await deps.state.clusters(group), deps.concurrency, async (cluster) => {
    results.push(await workCluster(deps, job, cluster, guard));
  });
  const succeeded = results.every((cluster) => cluster.state === 'applied' || cluster.state === 'removed');
  const states = statesOf(operation.action);
  const settled: GroupRecord = {
    ...record,
    state: succeeded ? states.succeeded : states.failed,
    operation: { ...operation, status: succeeded ? 'succeeded' : 'failed', finishedAt: deps.run.now() },
  };
  const emptied = results.filter((cluster) => cluster.state === 'removed').map((cluster) => cluster.cluster);
  // The revision says how its operation ended (written only when that changes: a pass that finds nothing new writes no revision).
  const outcome = settled.operation?.status;
  const ended = revision && outcome !== revision.status ? { revision: { ...revision, status: outcome } } : {};
  await deps.state.write(
    group,
    { group: settled, clusters: job.quiet, removeClusters: emptied, ...ended },
    guard?.fence,
  );
  return settled;
}
