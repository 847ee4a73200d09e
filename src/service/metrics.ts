/**
 * What the services report for monitoring: a port, so that the services never know the
 * metrics library (`adapters/metrics/` implements it with prom-client and serves
 * `/metrics`). Every method is cheap and never throws; `NO_METRICS` reports nowhere.
 *
 * Labels are bounded by the fleet: `cluster` is `provider/name`, `group` a deployment intent
 * group's path; the other labels take a few fixed values each.
 */

/** What started an operation: a lifecycle verb, a reconcile pass or a status refresh. */
export type OperationKind = 'instantiate' | 'update' | 'rollback' | 'terminate' | 'reconcile' | 'refresh';

/** How an operation ended: every cluster done, some failed, or it stopped with an error. */
export type OperationOutcome = 'succeeded' | 'failed' | 'error';

/** One kind of call to a cluster's target. */
export type ClusterCall = 'list' | 'read' | 'apply' | 'delete';

/** Operations running and operations waiting for their turn, asked for at every scrape. */
export interface QueueDepth {
  running: number;
  waiting: number;
}

export interface Metrics {
  operationStarted(kind: OperationKind): void;
  operationFinished(kind: OperationKind, outcome: OperationOutcome, seconds: number): void;
  /** A call to a cluster that failed and is tried again (`reason` is the TargetError's). */
  callRetried(cluster: string, call: ClusterCall, reason: string): void;
  /** A call to a cluster that failed for good, after its retries. */
  callFailed(cluster: string, call: ClusterCall, reason: string): void;
  /** An object found changed or deleted by someone else, and applied again. */
  objectDrifted(cluster: string, drift: 'changed' | 'deleted'): void;
  /** A reconcile pass over `groups` groups took `seconds`. */
  reconcilePass(seconds: number, groups: number): void;
  /** A render (`fleet`, `group`, `cluster`, `world` or `map`) took `seconds`. */
  rendered(scope: string, seconds: number): void;
  /** This replica took (true) or gave up (false) the lease of a group's operations. */
  leaseHeld(group: string, held: boolean): void;
  /** Where the queue depth is read from at each scrape. */
  watchQueue(read: () => QueueDepth): void;
}

const nothing = (): void => undefined;

export const NO_METRICS: Metrics = {
  operationStarted: nothing,
  operationFinished: nothing,
  callRetried: nothing,
  callFailed: nothing,
  objectDrifted: nothing,
  reconcilePass: nothing,
  rendered: nothing,
  leaseHeld: nothing,
  watchQueue: nothing,
};

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
