/**
 * The deploy-target port: where a cluster's rendered objects go. Two adapters
 * implement it: `adapters/targets/kubernetes` (server-side apply to the cluster's
 * API server) and `adapters/targets/gitops` (files committed to a git repository).
 *
 * The deploy service opens one session per cluster and operation, then applies,
 * reads and removes objects one at a time (a reconcile pass first reads through `read`, and
 * opens a session only where there is something to write), so that every object gets its own
 * status, timeout and retries. A target never decides what to deploy; it only
 * does what it is told and says precisely how that went.
 */
import type { RenderedObject } from '../../core/render/objects.js';
import type { ResourceBody } from '../../core/model/kind.js';
import type { LiveObject, ObjectRef } from '../../core/deploy/refs.js';
import type { ApplyReason } from '../../core/deploy/cluster-plan.js';

export { refId, refOf, type LiveObject, type ObjectRef } from '../../core/deploy/refs.js';

/** The kinds meshbridge renders, for listing what it owns. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/**
 * Why a call failed. `retryable` says whether the same call may succeed later
 * (unreachable, timeout, 429, 5xx, a conflict that a later apply can win);
 * permission and validation failures are not retried within an operation.
 */
export type TargetFailure =
  | 'unreachable'
  | 'timeout'
  | 'forbidden'
  | 'conflict'
  | 'server-error'
  | 'rejected'
  | 'not-owned'
  | 'not-configured'
  | 'git-error';

export class TargetError extends Error {
  constructor(
    message: string,
    readonly reason: TargetFailure,
    readonly retryable: boolean,
    /** The HTTP status the cluster answered, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The cluster a session works on, as stored (its spec holds the kubeconfig or the git settings). */
export interface TargetCluster {
  /** Storage key: `cluster-providers/edge/clusters/cluster01`. */
  key: string;
  provider: string;
  name: string;
  spec: ResourceBody;
}

/** What an operation is, for a git commit message. */
export interface ChangeContext {
  /** The group's path: `projects/p/composite-apps/ca/v1/deployment-intent-groups/dig`. */
  group: string;
  revision: number;
  action: 'instantiate' | 'update' | 'rollback' | 'terminate' | 'reconcile';
}

export interface ClusterSession {
  /** Every object of `kinds` carrying all of `labels`, in every namespace. */
  list(kinds: readonly KindRef[], labels: Record<string, string>): Promise<LiveObject[]>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<LiveObject | undefined>;
  /**
   * Creates or updates the object (server-side apply as field manager `meshbridge`). `reason` says
   * why (a drift repair, say), for a target that records it (a git commit message).
   */
  apply(object: RenderedObject, reason?: ApplyReason): Promise<void>;
  /** Deletes the object; `absent` when it was already gone. */
  remove(ref: ObjectRef): Promise<'deleted' | 'absent'>;
}

export interface DeployTarget {
  /** `kubernetes` or `gitops`: the value of the cluster's `spec.deploy.target`. */
  readonly name: string;
  /** True when a session that fails leaves nothing applied (a git commit), so its partial work is void. */
  readonly atomic?: boolean;
  /**
   * True when nothing but meshbridge writes the objects (files in git): an object that holds more
   * than meshbridge wrote was edited by hand, and is drift. (A cluster's server and webhooks add fields.)
   */
  readonly exactMatch?: boolean;
  /**
   * Runs `work` against one cluster. A git target writes files while `work` runs and
   * commits them as one commit (and pushes) when it returns; a failed commit or push
   * rejects. Sessions of different clusters may run at the same time.
   */
  session<T>(cluster: TargetCluster, context: ChangeContext, work: (session: ClusterSession) => Promise<T>): Promise<T>;
  /**
   * What the cluster holds of `kinds` carrying all of `labels`, read outside any session and
   * changing nothing: one list per kind (a git target reads its folder once). A reconcile pass
   * reads each cluster this way once per kind and shares the result between every group on it
   * (see `pass-snapshot.ts`), so that a group with nothing to do opens no session at all.
   */
  read(cluster: TargetCluster, kinds: readonly KindRef[], labels: Record<string, string>): Promise<LiveObject[]>;
}
