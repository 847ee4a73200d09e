/**
 * What meshbridge remembers about a group's deployment: the documents the deploy
 * service files in the `DeployRecords` store. They are plain JSON.
 */
import type { RenderedObject } from '../render/objects.js';
import type { ObjectRef } from './refs.js';

/** EMCO's deployment intent group states (plus the failed ends of update). */
export type GroupState =
  | 'Created'
  | 'Approved'
  | 'Instantiating'
  | 'Instantiated'
  | 'InstantiateFailed'
  | 'Updating'
  | 'UpdateFailed'
  | 'Terminating'
  | 'Terminated'
  | 'TerminateFailed';

export type OperationAction = 'instantiate' | 'update' | 'rollback' | 'terminate';

export interface Operation {
  action: OperationAction;
  /** The revision being deployed; for terminate, the one being removed. */
  revision: number;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'succeeded' | 'failed';
}

export interface GroupRecord {
  state: GroupState;
  approved: boolean;
  /** The revision the clusters should hold; 0 before the first instantiate. */
  revision: number;
  /** The highest revision number handed out (rollback adds a new one). */
  latestRevision: number;
  operation?: Operation;
}

export interface RevisionRecord {
  revision: number;
  action: OperationAction;
  createdAt: string;
  /** For a rollback: the revision whose objects it restores. */
  restores?: number;
  /**
   * How the last run of the operation that deploys this revision ended (a reconcile pass runs it
   * again); absent until it first ends. `GET .../revisions` says `running` while it runs.
   */
  status?: Operation['status'];
  /** Rendered objects per cluster storage key. */
  clusters: Record<string, RenderedObject[]>;
}

export type ObjectState = 'pending' | 'applied' | 'failed' | 'removing';

export interface ObjectEntry {
  ref: ObjectRef;
  /** Hash of what the current revision wants; absent when the object is to be removed. */
  desired?: string;
  /** Hash of what was last applied successfully; absent when never applied (or removed). */
  applied?: string;
  state: ObjectState;
  error?: string;
  reason?: string;
  lastTried?: string;
  /** Found changed or deleted by hand at `detectedAt` (and re-applied). */
  drift?: { kind: 'changed' | 'deleted'; detectedAt: string };
  /** A client ServiceEntry's virtual address: held in the ledger while the object may be on the cluster. */
  holds?: { host: string; address: string };
  /** Cluster-wide (shared between groups). */
  shared?: boolean;
}

export type ClusterState = 'pending' | 'applied' | 'failed' | 'removed';

export interface ClusterRecord {
  /** Storage key of the cluster. */
  cluster: string;
  /** `provider/cluster`. */
  name: string;
  target: string;
  revision: number;
  state: ClusterState;
  lastTried?: string;
  error?: string;
  reason?: string;
  objects: Record<string, ObjectEntry>;
}

export function revisionKey(revision: number): string {
  return `revision/${String(revision).padStart(6, '0')}`;
}

export function clusterRecordKey(cluster: string): string {
  return `cluster/${cluster}`;
}

export const GROUP_RECORD_KEY = 'group';
