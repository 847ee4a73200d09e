/**
 * The deployment lifecycle of a deployment intent group (EMCO's approve,
 * instantiate, update, rollback, terminate, status), plus diff and drift repair.
 * A request decides and records what is to happen in one write (the revision, the
 * clusters' new records, the group's running operation) and answers; the work runs
 * in the background and a restart resumes it from the records. Which process runs a
 * group's operation is decided by its lease (`operation-runner.ts`), so any number of
 * processes may serve one database.
 */
import { appliedSide } from '../../core/deploy/applied.js';
import { diffRevisions, hasChanges, type ClusterDiff, type DiffSide } from '../../core/deploy/diff.js';
import { prepareClusterRecord } from '../../core/deploy/entries.js';
import {
  checkApprove,
  checkInstantiate,
  checkTerminate,
  checkUpdate,
  isDeployed,
  statesOf,
} from '../../core/deploy/lifecycle.js';
import { clusterNameOf } from '../../core/deploy/keys.js';
import type { ClusterRecord, GroupRecord, OperationAction, RevisionRecord } from '../../core/deploy/records.js';
import { groupStatus, type GroupStatus } from '../../core/deploy/status.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { deploymentIntentGroupKind } from '../../core/model/apps.js';
import type { PathParams } from '../../core/model/kind.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { NO_METRICS, secondsSince, type Metrics, type QueueDepth } from '../metrics.js';
import type { RenderService } from '../render-service.js';
import { getOrThrow } from '../resource-service.js';
import type { Store } from '../store.js';
import type { DeployState } from './deploy-state.js';
import type { HeldLease, LeaseKeeper } from './lease-keeper.js';
import { deployTargetName, type OperationDeps } from './operation.js';
import { OperationRunner } from './operation-runner.js';
import { PassSnapshot } from './pass-snapshot.js';
import { readdressed } from './readdress.js';

export interface Accepted {
  state: GroupRecord['state'];
  revision: number;
  action?: OperationAction;
}

export interface DeployServiceOptions extends Omit<OperationDeps, 'store' | 'state' | 'currentPass'> {
  log?: (message: string, error?: unknown) => void;
  /** This process's hold on the groups' operation leases. */
  leases: LeaseKeeper;
}

export class DeployService {
  private readonly runner: OperationRunner;
  /** The reconcile pass under way: its snapshot, and the groups it has yet to reach. */
  private pass: { snapshot: PassSnapshot; remaining: number } | undefined;
  private passRun: { done: Promise<void>; freshMs: number } | undefined;
  /** When this process's last reconcile pass ended: what its own passes did since is not another's fresh work. */
  private lastPassEndedAt = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly state: DeployState,
    private readonly render: RenderService,
    private readonly options: DeployServiceOptions,
  ) {
    const deps: OperationDeps = { ...options, store, state, currentPass: () => this.pass?.snapshot };
    this.runner = new OperationRunner(deps, options.leases, () => this.options.log);
  }

  private get metrics(): Metrics {
    return this.options.run.metrics ?? NO_METRICS;
  }

  /** Operations running here, and those waiting: requests queued behind their group's, groups the pass has yet to reach. */
  queue(): QueueDepth {
    const { running, waiting } = this.runner.depth();
    return { running, waiting: waiting + (this.pass?.remaining ?? 0) };
  }

  /** Where background failures are reported (the server's log). */
  setLog(log: (message: string, error?: unknown) => void): void {
    this.options.log = log;
  }

  private async groupKey(params: PathParams): Promise<string> {
    return (await getOrThrow(this.store, deploymentIntentGroupKind, params)).key;
  }

  async approve(params: PathParams): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.runner.exclusive(group, 'approve', async (lease) => {
      const record = await this.state.group(group);
      checkApprove(record);
      const approved: GroupRecord = { ...record, approved: true, state: 'Approved' };
      await this.state.write(group, { group: approved }, lease.fence);
      return { state: approved.state, revision: approved.revision };
    });
  }

  instantiate(params: PathParams): Promise<Accepted> {
    return this.deploy(params, 'instantiate', checkInstantiate);
  }

  update(params: PathParams): Promise<Accepted> {
    return this.deploy(params, 'update', (record) => checkUpdate(record));
  }

  async rollback(params: PathParams, revision: number): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.runner.exclusive(group, 'rollback', async (lease) => {
      const record = await this.state.group(group);
      checkUpdate(record, 'rollback');
      const earlier = await this.state.revision(group, revision);
      if (!earlier) throw new NotFoundError(`revision ${revision} of this group does not exist`);
      if (revision === record.revision) throw new ConflictError(`revision ${revision} is already the deployed one`);
      const clusters = await readdressed(earlier.clusters, (claims) => this.render.syncAddresses(claims));
      return this.start(lease, record, { action: 'rollback', clusters, restores: revision });
    });
  }

  async terminate(params: PathParams): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.runner.exclusive(group, 'terminate', async (lease) => {
      const record = await this.state.group(group);
      checkTerminate(record);
      return this.start(lease, record, { action: 'terminate', clusters: {} });
    });
  }

  private async deploy(
    params: PathParams,
    action: 'instantiate' | 'update',
    check: (record: GroupRecord) => void,
  ): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.runner.exclusive(group, action, async (lease) => {
      const record = await this.state.group(group);
      check(record);
      const clusters = await this.desired(params);
      return this.start(lease, record, { action, clusters });
    });
  }

  /** The group's objects per cluster as its intents render now; refuses when the render has errors. */
  private async desired(params: PathParams): Promise<Record<string, RenderedObject[]>> {
    const result = await this.render.renderGroup(params);
    const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0) {
      throw new ConflictError('the intents do not render cleanly; fix these first (meshbridge render shows them)', {
        details: errors.map((diagnostic) => ({
          path: diagnostic.resource ?? diagnostic.cluster ?? '',
          message: diagnostic.message,
        })),
      });
    }
    return Object.fromEntries(result.clusters.map((output) => [output.cluster.key, output.resources]));
  }

  private async start(
    lease: HeldLease,
    record: GroupRecord,
    next: { action: OperationAction; clusters: Record<string, RenderedObject[]>; restores?: number },
  ): Promise<Accepted> {
    const group = lease.fence.group;
    const now = this.options.run.now();
    const current = record.revision > 0 ? await this.state.revision(group, record.revision) : undefined;
    const unchanged = next.action === 'update' && current !== undefined && !hasChanges(current, next);
    const terminating = next.action === 'terminate';
    const number = terminating || unchanged ? record.revision : record.latestRevision + 1;
    const revision: RevisionRecord | undefined =
      terminating || unchanged
        ? undefined
        : {
            revision: number,
            action: next.action,
            createdAt: now,
            clusters: next.clusters,
            ...(next.restores ? { restores: next.restores } : {}),
          };
    const clusters = await this.preparedClusters(
      group,
      number,
      terminating ? {} : ((revision ?? current)?.clusters ?? {}),
    );
    const states = statesOf(next.action);
    const started: GroupRecord = {
      ...record,
      state: states.running,
      revision: number,
      latestRevision: Math.max(record.latestRevision, number),
      operation: { action: next.action, revision: number, startedAt: now, status: 'running' },
    };
    await this.state.write(group, { group: started, ...(revision ? { revision } : {}), clusters }, lease.fence);
    this.runner.launch(group, lease, next.action);
    return { state: started.state, revision: number, action: next.action };
  }

  private async preparedClusters(
    group: string,
    revision: number,
    desired: Record<string, RenderedObject[]>,
  ): Promise<ClusterRecord[]> {
    const previous = new Map((await this.state.clusters(group)).map((record) => [record.cluster, record]));
    const keys = [...new Set([...Object.keys(desired), ...previous.keys()])].sort();
    const records: ClusterRecord[] = [];
    for (const key of keys) {
      const stored = await this.store.get(key);
      const spec = (stored?.body.spec ?? {}) as Record<string, unknown>;
      records.push(
        prepareClusterRecord(
          { cluster: key, name: clusterNameOf(key), target: deployTargetName(spec) },
          revision,
          desired[key] ?? [],
          previous.get(key),
        ),
      );
    }
    return records;
  }

  async status(params: PathParams, options: { changes?: boolean } = {}): Promise<GroupStatus> {
    const group = await this.groupKey(params);
    const record = await this.state.group(group);
    const status = groupStatus(group, record, await this.state.clusters(group));
    if (options.changes !== false && isDeployed(record) && record.state !== 'Terminating') {
      try {
        const { deployed, next } = await this.sides(params, group, record);
        status.changed = hasChanges(deployed, next);
      } catch (error) {
        // Intents that no longer render cleanly must not hide what is deployed; `changed` stays unknown.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    return status;
  }

  /**
   * Reads every cluster now, repairs drift and retries what failed; answers when done.
   * While the group's operation runs (here: it is waited for; on another replica: the
   * status shows it running), nothing more is started.
   */
  async refresh(params: PathParams): Promise<GroupStatus> {
    const group = await this.groupKey(params);
    await this.runner.rerun(group, (record, lease) => this.restart(group, record, lease), 'refresh');
    return this.status(params);
  }

  /** Marks the group's last (finished) operation running again, under `lease`, for the runner to run. */
  private async restart(group: string, record: GroupRecord, lease: HeldLease): Promise<boolean> {
    const operation = record.operation;
    if (!operation) return false;
    const restarted: GroupRecord = {
      ...record,
      operation: { ...operation, status: 'running', startedAt: this.options.run.now() },
    };
    delete restarted.operation?.finishedAt;
    await this.state.write(group, { group: restarted }, lease.fence);
    return true;
  }

  /** What is deployed now and what the intents render to now. */
  private async sides(
    params: PathParams,
    group: string,
    record: GroupRecord,
  ): Promise<{ deployed: DiffSide; next: DiffSide }> {
    const deployed = isDeployed(record) ? await this.state.revision(group, record.revision) : undefined;
    return { deployed: deployed ?? { clusters: {} }, next: { clusters: await this.desired(params) } };
  }

  /**
   * What a deploy would create, change and delete, per cluster; touches nothing. The "before" is
   * what the records say the clusters hold (`core/deploy/applied.ts`), not the last revision,
   * which a failed operation never put in place.
   */
  async diff(params: PathParams): Promise<{ revision: number; clusters: ClusterDiff[] }> {
    const group = await this.groupKey(params);
    const record = await this.state.group(group);
    const next = { clusters: await this.desired(params) };
    return {
      revision: record.revision,
      clusters: diffRevisions(await this.applied(group, record), next, clusterNameOf),
    };
  }

  /** What the clusters hold by the records: found in the current revision, or in earlier ones when need be. */
  private async applied(group: string, record: GroupRecord): Promise<DiffSide> {
    const records = await this.state.clusters(group);
    const current = record.revision > 0 ? await this.state.revision(group, record.revision) : undefined;
    const first = appliedSide(records, current ? [current] : []);
    return first.missing === 0 ? first.side : appliedSide(records, await this.state.fullRevisions(group)).side;
  }

  /** Every revision, oldest first, each with how its operation ended (`running` while it runs). */
  async revisions(params: PathParams): Promise<Omit<RevisionRecord, 'clusters'>[]> {
    const group = await this.groupKey(params);
    const operation = (await this.state.group(group)).operation;
    const running = operation?.status === 'running' && operation.action !== 'terminate' ? operation.revision : 0;
    return (await this.state.revisions(group)).map((revision) =>
      revision.revision === running ? { ...revision, status: 'running' } : revision,
    );
  }

  /** Resumes every operation a stop interrupted that no other process has taken up. */
  async resume(): Promise<void> {
    await this.runner.resume(await this.state.groupsWithRecords());
  }

  /** Resumes the operations of processes that died (their leases expired); run every renewal period. */
  takeOver(): Promise<void> {
    return this.runner.takeOver();
  }

  /**
   * One reconcile pass over every deployed group: drift repaired, failures retried. Groups
   * another process is working on are skipped, and so are groups worked elsewhere (another
   * replica's pass, a deploy) since this process's last pass ended and less than `freshMs`
   * ago, and groups whose operation ended during this pass, as the pass's reading of their
   * clusters may be older than that operation. The groups share one snapshot of the clusters,
   * so each cluster is listed once per kind, whatever the number of groups on it. A pass asked
   * for while one runs is that one, unless it asks for groups that one leaves out.
   */
  reconcileAll(freshMs = 0): Promise<void> {
    const running = this.passRun;
    if (running && freshMs < running.freshMs) return running.done.then(() => this.reconcileAll(freshMs));
    if (running) return running.done;
    const done = this.reconcilePass(freshMs).finally(() => (this.passRun = undefined));
    this.passRun = { done, freshMs };
    return done;
  }

  private async reconcilePass(freshMs: number): Promise<void> {
    const started = performance.now();
    const passStartedAt = Date.parse(this.options.run.now());
    const groups = await this.state.groupsWithRecords();
    const pass = { snapshot: new PassSnapshot(), remaining: groups.length };
    this.pass = pass;
    try {
      for (const { group } of groups) {
        pass.remaining--;
        if (await this.workedElsewhere(group, freshMs, passStartedAt)) continue;
        await this.runner.rerun(
          group,
          (current, lease) => this.restart(group, current, lease),
          'reconcile',
          pass.snapshot,
        );
      }
    } finally {
      this.pass = undefined;
      this.lastPassEndedAt = Date.parse(this.options.run.now());
      this.metrics.reconcilePass(secondsSince(started), groups.length);
    }
  }

  /** Whether a pass leaves the group alone: its record as it is now, not as the pass found it at its start. */
  private async workedElsewhere(group: string, freshMs: number, passStartedAt: number): Promise<boolean> {
    const finished = Date.parse((await this.state.group(group)).operation?.finishedAt ?? '');
    if (Number.isNaN(finished)) return false;
    if (finished > passStartedAt) return true;
    return freshMs > 0 && finished > this.lastPassEndedAt && Date.parse(this.options.run.now()) - finished < freshMs;
  }

  /** Waits for every background operation (graceful shutdown, tests). */
  idle(): Promise<void> {
    return this.runner.idle();
  }
}
