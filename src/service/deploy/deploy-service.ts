/**
 * The deployment lifecycle of a deployment intent group (EMCO's approve,
 * instantiate, update, rollback, terminate, status), plus diff and drift repair.
 * A request decides and records what is to happen in one write (the revision, the
 * clusters' new records, the group's running operation) and answers; the work runs
 * in the background and a restart resumes it from the records.
 */
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
import { NO_METRICS, secondsSince, type Metrics, type OperationKind, type QueueDepth } from '../metrics.js';
import type { RenderService } from '../render-service.js';
import { getOrThrow } from '../resource-service.js';
import type { Store } from '../store.js';
import type { DeployState } from './deploy-state.js';
import { deployTargetName, executeOperation, type OperationDeps } from './operation.js';
import { PassSnapshot } from './pass-snapshot.js';
import { readdressed } from './readdress.js';

export interface Accepted {
  state: GroupRecord['state'];
  revision: number;
  action?: OperationAction;
}

export interface DeployServiceOptions extends Omit<OperationDeps, 'store' | 'state' | 'currentPass'> {
  log?: (message: string, error?: unknown) => void;
}

export class DeployService {
  private readonly jobs = new Map<string, Promise<unknown>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly deps: OperationDeps;
  /** The reconcile pass under way: its snapshot, and the groups it has yet to reach. */
  private pass: { snapshot: PassSnapshot; remaining: number } | undefined;
  private passRun: Promise<void> | undefined;
  /** Lifecycle requests waiting for their group's turn. */
  private waiting = 0;

  constructor(
    private readonly store: Store,
    private readonly state: DeployState,
    private readonly render: RenderService,
    private readonly options: DeployServiceOptions,
  ) {
    this.deps = { ...options, store, state, currentPass: () => this.pass?.snapshot };
  }

  private get metrics(): Metrics {
    return this.options.run.metrics ?? NO_METRICS;
  }

  /** Operations running now, and those waiting: requests queued behind their group's, groups the pass has yet to reach. */
  queue(): QueueDepth {
    return { running: this.jobs.size, waiting: this.waiting + (this.pass?.remaining ?? 0) };
  }

  /** Where background failures are reported (the server's log). */
  setLog(log: (message: string, error?: unknown) => void): void {
    this.options.log = log;
  }

  /** Lifecycle requests of one group take turns, so two of them never both start an operation. */
  private async serialized<T>(group: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(group) ?? Promise.resolve();
    this.waiting++;
    const next = previous
      .catch(() => undefined)
      .then(() => {
        this.waiting--;
        return work();
      });
    this.locks.set(group, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(group) === next) this.locks.delete(group);
    }
  }

  private async groupKey(params: PathParams): Promise<string> {
    return (await getOrThrow(this.store, deploymentIntentGroupKind, params)).key;
  }

  async approve(params: PathParams): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.serialized(group, async () => {
      const record = await this.state.group(group);
      checkApprove(record);
      const approved: GroupRecord = { ...record, approved: true, state: 'Approved' };
      await this.state.write(group, { group: approved });
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
    return this.serialized(group, async () => {
      const record = await this.state.group(group);
      checkUpdate(record, 'rollback');
      const earlier = await this.state.revision(group, revision);
      if (!earlier) throw new NotFoundError(`revision ${revision} of this group does not exist`);
      if (revision === record.revision) throw new ConflictError(`revision ${revision} is already the deployed one`);
      const clusters = await readdressed(earlier.clusters, (claims) => this.render.syncAddresses(claims));
      return this.start(group, record, { action: 'rollback', clusters, restores: revision });
    });
  }

  async terminate(params: PathParams): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.serialized(group, async () => {
      const record = await this.state.group(group);
      checkTerminate(record);
      return this.start(group, record, { action: 'terminate', clusters: {} });
    });
  }

  private async deploy(
    params: PathParams,
    action: 'instantiate' | 'update',
    check: (record: GroupRecord) => void,
  ): Promise<Accepted> {
    const group = await this.groupKey(params);
    return this.serialized(group, async () => {
      const record = await this.state.group(group);
      check(record);
      const clusters = await this.desired(params);
      return this.start(group, record, { action, clusters });
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
    group: string,
    record: GroupRecord,
    next: { action: OperationAction; clusters: Record<string, RenderedObject[]>; restores?: number },
  ): Promise<Accepted> {
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
    await this.state.write(group, { group: started, ...(revision ? { revision } : {}), clusters });
    this.launch(group, next.action);
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

  private launch(group: string, kind: OperationKind, snapshot?: PassSnapshot): Promise<unknown> {
    const running = this.jobs.get(group);
    if (running) return running;
    const started = performance.now();
    this.metrics.operationStarted(kind);
    const job = executeOperation(this.deps, group, snapshot)
      .then((settled) =>
        this.metrics.operationFinished(
          kind,
          settled.operation?.status === 'succeeded' ? 'succeeded' : 'failed',
          secondsSince(started),
        ),
      )
      .catch((error: unknown) => {
        this.metrics.operationFinished(kind, 'error', secondsSince(started));
        this.options.log?.(`deploy of ${group} stopped`, error);
      })
      .finally(() => this.jobs.delete(group));
    this.jobs.set(group, job);
    return job;
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

  /** Reads every cluster now, repairs drift and retries what failed; answers when done. */
  async refresh(params: PathParams): Promise<GroupStatus> {
    const group = await this.groupKey(params);
    await this.serialized(group, () => this.rerun(group, 'refresh'));
    await this.jobs.get(group);
    return this.status(params);
  }

  /** Runs the group's last operation again (drift repair, retries): nothing when one is running or nothing is deployed. */
  private async rerun(group: string, kind: OperationKind, snapshot?: PassSnapshot): Promise<void> {
    const record = await this.state.group(group);
    const operation = record.operation;
    if (!operation || operation.status === 'running' || !isDeployed(record)) return;
    const restarted: GroupRecord = {
      ...record,
      operation: { ...operation, status: 'running', startedAt: this.options.run.now() },
    };
    delete restarted.operation?.finishedAt;
    await this.state.write(group, { group: restarted });
    this.launch(group, kind, snapshot);
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

  /** What an update would create, change and delete, per cluster; touches nothing. */
  async diff(params: PathParams): Promise<{ revision: number; clusters: ClusterDiff[] }> {
    const group = await this.groupKey(params);
    const record = await this.state.group(group);
    const { deployed, next } = await this.sides(params, group, record);
    return { revision: record.revision, clusters: diffRevisions(deployed, next, clusterNameOf) };
  }

  async revisions(params: PathParams): Promise<Omit<RevisionRecord, 'clusters'>[]> {
    return this.state.revisions(await this.groupKey(params));
  }

  /** Resumes every operation a stop interrupted. */
  async resume(): Promise<void> {
    for (const { group, record } of await this.state.groupsWithRecords()) {
      if (record.operation?.status === 'running') this.launch(group, record.operation.action);
    }
  }

  /**
   * One reconcile pass over every deployed group: drift repaired, failures retried. The groups
   * share one snapshot of the clusters, so each cluster is listed once per kind, whatever the
   * number of groups on it. A pass asked for while one runs is that one.
   */
  reconcileAll(): Promise<void> {
    this.passRun ??= this.reconcilePass().finally(() => (this.passRun = undefined));
    return this.passRun;
  }

  private async reconcilePass(): Promise<void> {
    const started = performance.now();
    const groups = await this.state.groupsWithRecords();
    const pass = { snapshot: new PassSnapshot(), remaining: groups.length };
    this.pass = pass;
    try {
      for (const { group } of groups) {
        pass.remaining--;
        await this.serialized(group, () => this.rerun(group, 'reconcile', pass.snapshot));
        await this.jobs.get(group);
      }
    } finally {
      this.pass = undefined;
      this.metrics.reconcilePass(secondsSince(started), groups.length);
    }
  }

  /** Waits for every background operation (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs.values()]);
  }
}
