/**
 * One cluster's share of an operation: read what meshbridge owns there, plan, then
 * apply, check and remove object by object, each call with its deadline and
 * retries. Whatever happens, the result is a record of where every object stands;
 * a cluster that fails is data for the status, never an exception for its peers.
 */
import { planCluster, type ApplyStep } from '../../core/deploy/cluster-plan.js';
import { clusterStateOf } from '../../core/deploy/entries.js';
import { isManaged, MANAGED_BY_SELECTOR, type GroupRef } from '../../core/deploy/ownership.js';
import type { ClusterRecord, ObjectEntry } from '../../core/deploy/records.js';
import { refId, refOf, type ObjectRef } from '../../core/deploy/refs.js';
import { objectId, type RenderedObject } from '../../core/render/objects.js';
import { kindsToList } from './kinds.js';
import { asTargetError, withRetries, type RetryPolicy, type Sleep } from './retry.js';
import type { ChangeContext, ClusterSession, DeployTarget, TargetCluster } from './target.js';
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
}

export interface RunOptions {
  policy: RetryPolicy;
  now: () => string;
  wait?: Sleep;
}

/** Failures after which the rest of the cluster's calls would fail the same way. */
const CLUSTER_WIDE: ReadonlySet<string> = new Set(['unreachable', 'timeout', 'forbidden', 'not-configured']);

class ClusterRun {
  objects: Record<string, ObjectEntry>;

  constructor(
    private readonly job: ClusterJob,
    private readonly options: RunOptions,
  ) {
    this.objects = structuredClone(job.record.objects);
  }

  private call<T>(what: string, work: () => Promise<T>): Promise<T> {
    return withRetries(
      work,
      `${this.job.cluster.provider}/${this.job.cluster.name}: ${what}`,
      this.options.policy,
      this.options.wait,
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

  async run(session: ClusterSession): Promise<void> {
    const live = await this.call('list objects', () =>
      session.list(kindsToList(this.job.desired, Object.values(this.objects)), MANAGED_BY_SELECTOR),
    );
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
    for (const step of plan.apply) await this.apply(session, step);
    for (const ref of plan.remove) await this.remove(session, ref);
    for (const id of plan.forget) delete this.objects[id];
  }

  private async apply(session: ClusterSession, step: ApplyStep): Promise<void> {
    const ref = refOf(step.object);
    // Drift is recorded when it is found, before it is overwritten: a repair that fails still shows it.
    if (step.reason === 'drift-changed' || step.reason === 'drift-deleted') {
      this.entry(ref).drift = {
        kind: step.reason === 'drift-changed' ? 'changed' : 'deleted',
        detectedAt: this.options.now(),
      };
    }
    try {
      if (step.checkForeign) {
        const existing = await this.call(`read ${refId(ref)}`, () => session.get(ref));
        if (existing !== undefined && !isManaged(existing)) {
          throw new TargetError(
            `${refId(ref)} exists without meshbridge's labels; meshbridge never modifies it`,
            'not-owned',
            false,
          );
        }
      }
      await this.call(`apply ${refId(ref)}`, () => session.apply(step.object, step.reason));
      this.settle(step.object, step.hash);
    } catch (error) {
      this.fail(ref, asTargetError(error));
    }
  }

  private async remove(session: ClusterSession, ref: ObjectRef): Promise<void> {
    try {
      await this.call(`delete ${refId(ref)}`, () => session.remove(ref));
      delete this.objects[refId(ref)];
    } catch (error) {
      this.fail(ref, asTargetError(error));
    }
  }
}

/** `objects` with the drift found in `found` marked on them. */
function keepDrift(
  objects: Record<string, ObjectEntry>,
  found: Readonly<Record<string, ObjectEntry>>,
): Record<string, ObjectEntry> {
  for (const [id, entry] of Object.entries(found)) {
    const kept = objects[id];
    if (kept && entry.drift) kept.drift = entry.drift;
  }
  return objects;
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
    await job.target.session(job.cluster, job.context, (session) => run.run(session));
  } catch (error) {
    failure = asTargetError(error);
  }
  // A target that commits a session as a whole (git) applied nothing when the session failed; the drift it found stays.
  if (failure && job.target?.atomic) run.objects = keepDrift(structuredClone(job.record.objects), run.objects);
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
