/**
 * One cluster's share of an operation: read what meshbridge owns there, plan, then
 * apply, check and remove object by object, each call with its deadline and
 * retries. Whatever happens, the result is a record of where every object stands;
 * a cluster that fails is data for the status, never an exception for its peers.
 *
 * In a reconcile pass the reading goes through the pass's snapshot (`pass-snapshot.ts`),
 * shared by every group on the cluster, and a session is opened only when the plan has
 * something to write.
 */
import { planCluster, type ApplyStep, type ClusterPlan } from '../../core/deploy/cluster-plan.js';
import { clusterStateOf } from '../../core/deploy/entries.js';
import {
  isClusterWide,
  isManaged,
  isOwnedBy,
  MANAGED_BY_SELECTOR,
  ownerName,
  type GroupRef,
} from '../../core/deploy/ownership.js';
import type { ClusterRecord, ObjectEntry } from '../../core/deploy/records.js';
import { refId, refOf, type LiveObject, type ObjectRef } from '../../core/deploy/refs.js';
import { objectId, type RenderedObject } from '../../core/render/objects.js';
import { NO_METRICS, type ClusterCall, type Metrics } from '../metrics.js';
import { kindsToList } from './kinds.js';
import type { KindReader, PassSnapshot, WriteLog } from './pass-snapshot.js';
import { asTargetError, withRetries, type RetryPolicy, type Sleep } from './retry.js';
import type { ChangeContext, ClusterSession, DeployTarget, KindRef, TargetCluster } from './target.js';
import { TargetError } from './target.js';

export interface ClusterJob {
  group: GroupRef;
  cluster: TargetCluster;
  target: DeployTarget | undefined;
  context: ChangeContext;
  desired: readonly RenderedObject[];
  /** The record prepared for this revision (see `prepareClusterRecord`). */
  record: ClusterRecord;
  sharedElsewhere: ReadonlySet<string>;
  /** The reconcile pass's reads of the cluster, when the job is part of one. */
  snapshot?: PassSnapshot;
  /** Told of every successful write (the running pass's snapshot, if any). */
  writes?: WriteLog;
}

export interface RunOptions {
  policy: RetryPolicy;
  now: () => string;
  wait?: Sleep;
  metrics?: Metrics;
}

/** Failures after which the rest of the cluster's calls would fail the same way. */
const CLUSTER_WIDE: ReadonlySet<string> = new Set(['unreachable', 'timeout', 'forbidden', 'not-configured']);

class ClusterRun {
  objects: Record<string, ObjectEntry>;
  /**
   * What this run wrote, for the reconcile pass's shared reading of the cluster. A target that
   * commits a session as a whole (git) has written nothing until the session ends well, so its
   * writes reach the pass only then (`published`).
   */
  private readonly written: (() => void)[] = [];
  /** The objects this run asked the target to write (apply or delete). */
  private readonly attempted = new Map<string, ObjectRef>();

  constructor(
    private readonly job: ClusterJob,
    private readonly options: RunOptions,
  ) {
    this.objects = structuredClone(job.record.objects);
  }

  private get label(): string {
    return `${this.job.cluster.provider}/${this.job.cluster.name}`;
  }

  private get metrics(): Metrics {
    return this.options.metrics ?? NO_METRICS;
  }

  call<T>(kind: ClusterCall, what: string, work: () => Promise<T>): Promise<T> {
    const onRetry = (failure: TargetError) => this.metrics.callRetried(this.label, kind, failure.reason);
    return withRetries(work, `${this.label}: ${what}`, this.options.policy, this.options.wait, onRetry).catch(
      (error: unknown) => {
        this.metrics.callFailed(this.label, kind, asTargetError(error).reason);
        throw error;
      },
    );
  }

  private entry(ref: ObjectRef): ObjectEntry {
    const id = refId(ref);
    return (this.objects[id] ??= { ref, state: 'pending' });
  }

  private fail(ref: ObjectRef, error: TargetError): void {
    const entry = this.entry(ref);
    Object.assign(entry, {
      state: 'failed',
      error: error.message,
      reason: error.reason,
      lastTried: this.options.now(),
    });
    if (CLUSTER_WIDE.has(error.reason)) throw error;
  }

  private settle(object: RenderedObject, hash: string): ObjectEntry {
    const entry = this.entry(refOf(object));
    Object.assign(entry, { state: 'applied', applied: hash, lastTried: this.options.now() });
    delete entry.error;
    delete entry.reason;
    return entry;
  }

  /** The kinds this job looks through, in one version each. */
  kinds(): KindRef[] {
    return kindsToList(this.job.desired, Object.values(this.objects));
  }

  /** What to do, from every managed object the cluster holds; settles what needs no call. */
  plan(live: readonly LiveObject[]): ClusterPlan {
    const plan = planCluster({
      group: this.job.group,
      desired: this.job.desired,
      entries: this.objects,
      live,
      sharedElsewhere: this.job.sharedElsewhere,
      exact: this.job.target?.exactMatch === true,
    });
    for (const { object, hash } of plan.unchanged) this.settle(object, hash);
    for (const { object, owner } of plan.blocked) {
      this.fail(
        refOf(object),
        new TargetError(
          `${objectId(object)} belongs to ${owner}; meshbridge will not take it over`,
          'not-owned',
          false,
        ),
      );
    }
    for (const id of plan.forget) delete this.objects[id];
    return plan;
  }

  /** Reads in the session, plans and carries the plan out. */
  async run(session: ClusterSession): Promise<void> {
    const live = await this.call('list', 'list objects', () => session.list(this.kinds(), MANAGED_BY_SELECTOR));
    await this.carryOut(session, this.plan(live));
  }

  async carryOut(session: ClusterSession, plan: ClusterPlan): Promise<void> {
    for (const step of plan.apply) await this.apply(session, step);
    for (const ref of plan.remove) await this.remove(session, ref);
  }

  private async apply(session: ClusterSession, step: ApplyStep): Promise<void> {
    const ref = refOf(step.object);
    this.attempted.set(refId(ref), ref);
    // Drift is recorded when it is found, before it is overwritten: a repair that fails still shows it.
    if (step.reason === 'drift-changed' || step.reason === 'drift-deleted') {
      this.entry(ref).drift = {
        kind: step.reason === 'drift-changed' ? 'changed' : 'deleted',
        detectedAt: this.options.now(),
      };
    }
    try {
      if (step.checkForeign) await this.checkForeign(session, ref);
      await this.call('apply', `apply ${refId(ref)}`, () => session.apply(step.object, step.reason));
      this.wrote(() => this.job.writes?.applied(this.job.cluster.key, step.object));
      this.settle(step.object, step.hash);
      if (step.reason === 'drift-changed' || step.reason === 'drift-deleted')
        this.metrics.objectDrifted(this.label, step.reason === 'drift-changed' ? 'changed' : 'deleted');
    } catch (error) {
      this.fail(ref, asTargetError(error));
    }
  }

  /**
   * An object the listing did not show may exist all the same (made meanwhile, or missed by a
   * pass's snapshot): it is read first, and never taken over from someone else or another group.
   */
  private async checkForeign(session: ClusterSession, ref: ObjectRef): Promise<void> {
    const existing = await this.call('read', `read ${refId(ref)}`, () => session.get(ref));
    if (existing === undefined || isOwnedBy(existing, this.job.group) || isClusterWide(existing)) return;
    const message = isManaged(existing)
      ? `${refId(ref)} belongs to ${ownerName(existing) ?? 'another owner'}; meshbridge will not take it over`
      : `${refId(ref)} exists without meshbridge's labels; meshbridge never modifies it`;
    throw new TargetError(message, 'not-owned', false);
  }

  private wrote(tell: () => void): void {
    if (this.job.target?.atomic) this.written.push(tell);
    else tell();
  }

  /**
   * The session of a target that commits it as a whole (git) failed, after the plan was made:
   * nothing it wrote is in place. Every object it wrote (or deleted) is failed with the session's
   * error, and keeps what was applied before; drift found and what needed no write stay as found.
   */
  voided(failure: TargetError): void {
    for (const [id, ref] of this.attempted) {
      const own = this.objects[id];
      // An object the target refused on its own (a Secret for git) keeps its own reason.
      const why = own?.state === 'failed' ? own : { error: failure.message, reason: failure.reason };
      const before = this.job.record.objects[id];
      const entry: ObjectEntry = {
        ...(before ? structuredClone(before) : { ref }),
        state: 'failed',
        error: why.error ?? failure.message,
        reason: why.reason ?? failure.reason,
        lastTried: this.options.now(),
      };
      if (own?.drift) entry.drift = own.drift;
      this.objects[id] = entry;
    }
  }

  /** The session ended well: what an atomic target wrote is in place now. */
  published(): void {
    for (const tell of this.written.splice(0)) tell();
  }

  private async remove(session: ClusterSession, ref: ObjectRef): Promise<void> {
    this.attempted.set(refId(ref), ref);
    try {
      await this.call('delete', `delete ${refId(ref)}`, () => session.remove(ref));
      this.wrote(() => this.job.writes?.removed(this.job.cluster.key, ref));
      delete this.objects[refId(ref)];
    } catch (error) {
      this.fail(ref, asTargetError(error));
    }
  }
}

/** In a pass: plan from the pass's snapshot, and open a session only for what must be written. */
async function work(job: ClusterJob, target: DeployTarget, run: ClusterRun): Promise<void> {
  if (job.snapshot === undefined) return target.session(job.cluster, job.context, (session) => run.run(session));
  const read: KindReader = (kinds) =>
    run.call('list', 'list objects', () => target.read(job.cluster, kinds, MANAGED_BY_SELECTOR));
  const plan = run.plan(await job.snapshot.list(job.cluster.key, run.kinds(), read));
  if (plan.apply.length === 0 && plan.remove.length === 0) return;
  await target.session(job.cluster, job.context, (session) => run.carryOut(session, plan));
}

/** Works one cluster and returns its new record. Never throws. */
export async function runCluster(job: ClusterJob, options: RunOptions): Promise<ClusterRecord> {
  const run = new ClusterRun(job, options);
  const lastTried = options.now();
  let failure: TargetError | undefined;
  try {
    if (job.target === undefined) {
      const wanted = String((job.cluster.spec.deploy as { target?: string } | undefined)?.target ?? 'kubernetes');
      throw new TargetError(`no deploy target "${wanted}" is configured on this server`, 'not-configured', false);
    }
    await work(job, job.target, run);
    run.published();
  } catch (error) {
    failure = asTargetError(error);
  }
  // A target that commits a session as a whole (git) applied nothing when the session failed.
  if (failure && job.target?.atomic) run.voided(failure);
  const { error: _error, reason: _reason, ...rest } = job.record;
  const record: ClusterRecord = {
    ...rest,
    lastTried,
    objects: run.objects,
    state: clusterStateOf({ objects: run.objects }),
  };
  if (failure) return { ...record, state: 'failed', error: failure.message, reason: failure.reason };
  return record;
}
