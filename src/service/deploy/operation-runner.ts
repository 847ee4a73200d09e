/**
 * Who runs which group's operation, among any number of meshbridge processes on one
 * database. Each operation runs under its group's lease (`lease-keeper.ts`): a
 * lifecycle request takes the lease before it decides anything and hands it to the
 * operation it starts; the operation renews it while it works and gives it up at the
 * end. A request that finds the lease held elsewhere is refused (409), whichever
 * replica it reached. A replica that dies leaves its lease to expire; the others
 * look for abandoned leases every renewal period and resume those operations from
 * their records. Reconcile passes take the same lease per group, so no group is
 * worked by two replicas at once, and a group whose operation ended recently (on any
 * replica) is left for the next pass.
 */
import { isDeployed } from '../../core/deploy/lifecycle.js';
import type { GroupRecord } from '../../core/deploy/records.js';
import { OperationBusyError } from '../../core/errors.js';
import type { HeldLease, LeaseKeeper } from './lease-keeper.js';
import { NO_METRICS, secondsSince, type Metrics, type OperationKind } from '../metrics.js';
import { executeOperation, type OperationDeps } from './operation.js';
import type { Lease } from './operation-leases.js';
import type { PassSnapshot } from './pass-snapshot.js';

/** A request that finds the lease held while no operation runs (another request deciding) waits this long for it. */
const BUSY_ATTEMPTS = 10;
const BUSY_WAIT_MS = 100;

export type Log = (message: string, error?: unknown) => void;

function busy(request: string, record: GroupRecord, holder: Lease): OperationBusyError {
  const operation = record.operation;
  if (operation?.status === 'running') {
    return new OperationBusyError(
      `cannot ${request}: ${operation.action} of revision ${operation.revision} is still running (on meshbridge ${holder.holder}); wait for it (meshbridge status --wait)`,
    );
  }
  return new OperationBusyError(
    `cannot ${request}: meshbridge ${holder.holder} is changing this group right now; try again in a moment`,
  );
}

export class OperationRunner {
  private readonly jobs = new Map<string, Promise<unknown>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Leases handed to a running operation: no longer the request's to release. */
  private readonly launched = new Set<HeldLease>();
  /** Requests waiting for their group's turn on this process. */
  private waitingCount = 0;

  constructor(
    private readonly deps: OperationDeps,
    private readonly leases: LeaseKeeper,
    private readonly log: () => Log | undefined,
  ) {}

  /** Requests of one group on this process take turns, so they meet the lease one by one. */
  private async serialized<T>(group: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(group) ?? Promise.resolve();
    this.waitingCount++;
    const next = previous
      .catch(() => undefined)
      .then(() => {
        this.waitingCount--;
        return work();
      });
    this.locks.set(group, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(group) === next) this.locks.delete(group);
    }
  }

  /**
   * Runs a lifecycle request's `work` holding the group's lease, or refuses it with an
   * `OperationBusyError` while another holds it. `work` hands the lease on with
   * `launch`; otherwise it is given up when `work` ends.
   */
  exclusive<T>(group: string, request: string, work: (lease: HeldLease) => Promise<T>): Promise<T> {
    return this.serialized(group, async () => {
      const lease = await this.takeOrRefuse(group, request);
      try {
        return await work(lease);
      } finally {
        if (!this.launched.has(lease)) await lease.release();
      }
    });
  }

  private async takeOrRefuse(group: string, request: string): Promise<HeldLease> {
    for (let attempt = 1; ; attempt++) {
      const taken = await this.leases.take(group);
      if ('held' in taken) return taken.held;
      const record = await this.deps.state.group(group);
      if (record.operation?.status === 'running' || attempt >= BUSY_ATTEMPTS) throw busy(request, record, taken.heldBy);
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
    }
  }

  private get metrics(): Metrics {
    return this.deps.run.metrics ?? NO_METRICS;
  }

  /** Operations running on this process, and requests waiting for their group's turn. */
  depth(): { running: number; waiting: number } {
    return { running: this.jobs.size, waiting: this.waitingCount };
  }

  /**
   * Runs the group's running operation in the background under `lease`, which it gives up at the end.
   * `snapshot`: the reconcile pass's reads of the clusters, shared with the pass's other groups.
   */
  launch(group: string, lease: HeldLease, kind: OperationKind, snapshot?: PassSnapshot): void {
    this.launched.add(lease);
    const started = performance.now();
    this.metrics.operationStarted(kind);
    this.metrics.leaseHeld(group, true);
    const job = executeOperation(this.deps, group, { guard: lease, ...(snapshot ? { snapshot } : {}) })
      .then((settled) =>
        this.metrics.operationFinished(
          kind,
          settled.operation?.status === 'succeeded' ? 'succeeded' : 'failed',
          secondsSince(started),
        ),
      )
      .catch((error: unknown) => {
        this.metrics.operationFinished(kind, 'error', secondsSince(started));
        this.log()?.(`deploy of ${group} stopped`, error);
      })
      .finally(async () => {
        this.metrics.leaseHeld(group, false);
        this.launched.delete(lease);
        if (this.jobs.get(group) === job) this.jobs.delete(group);
        await lease.release().catch((error: unknown) => this.log()?.(`releasing the lease of ${group}`, error));
      });
    this.jobs.set(group, job);
  }

  /** With the lease: resumes the group's operation if its record says it is running, else gives the lease up. */
  private async resumeUnder(group: string, lease: HeldLease): Promise<boolean> {
    try {
      const record = await this.deps.state.group(group);
      if (record.operation?.status !== 'running') return false;
      this.launch(group, lease, record.operation.action);
      return true;
    } finally {
      if (!this.launched.has(lease)) await lease.release();
    }
  }

  /** Takes the group's lease if free and resumes its operation if it is running; false when held elsewhere. */
  private async resumeIfFree(group: string): Promise<void> {
    if (this.jobs.has(group)) return;
    const taken = await this.leases.take(group);
    if ('held' in taken) await this.resumeUnder(group, taken.held);
  }

  /** At start: every operation the records say is running and nobody holds. */
  async resume(groups: readonly { group: string; record: GroupRecord }[]): Promise<void> {
    for (const { group, record } of groups)
      if (record.operation?.status === 'running') await this.serialized(group, () => this.resumeIfFree(group));
  }

  /** The operations of replicas that died: their leases expired without being given up. */
  async takeOver(): Promise<void> {
    for (const group of await this.leases.leases.abandoned())
      await this.serialized(group, () => this.resumeIfFree(group));
  }

  /**
   * Runs the group's last operation again (drift repair, retries) under its lease if the
   * lease is free; resumes it instead if it is still running unattended. Waits for it,
   * or for the operation already running on this process.
   */
  async rerun(
    group: string,
    restart: (record: GroupRecord, lease: HeldLease) => Promise<boolean>,
    kind: 'refresh' | 'reconcile',
    snapshot?: PassSnapshot,
  ): Promise<void> {
    await this.serialized(group, async () => {
      if (this.jobs.has(group)) return;
      const taken = await this.leases.take(group);
      if (!('held' in taken)) return;
      const lease = taken.held;
      try {
        const record = await this.deps.state.group(group);
        if (record.operation?.status === 'running') this.launch(group, lease, record.operation.action, snapshot);
        else if (record.operation && isDeployed(record) && (await restart(record, lease)))
          this.launch(group, lease, kind, snapshot);
      } finally {
        if (!this.launched.has(lease)) await lease.release();
      }
    });
    await this.jobs.get(group);
  }

  /** Waits for every background operation (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs.values()]);
  }
}
