/**
 * Which lifecycle request a group accepts in which state (EMCO's rules, kept): one
 * operation at a time, instantiate only once approved, update, rollback and
 * terminate only once something is deployed. A refusal is a `ConflictError` (409).
 */
import { ConflictError } from '../errors.js';
import type { GroupRecord, GroupState } from './records.js';

export const NEW_GROUP: GroupRecord = { state: 'Created', approved: false, revision: 0, latestRevision: 0 };

const DEPLOYED: readonly GroupState[] = [
  'Instantiated',
  'InstantiateFailed',
  'Updating',
  'UpdateFailed',
  'Terminating',
  'TerminateFailed',
];

export function isDeployed(record: GroupRecord): boolean {
  return DEPLOYED.includes(record.state);
}

function refuseWhileRunning(record: GroupRecord, request: string): void {
  const operation = record.operation;
  if (operation?.status === 'running') {
    throw new ConflictError(
      `cannot ${request}: ${operation.action} of revision ${operation.revision} is still running; wait for it (meshbridge status --wait)`,
    );
  }
}

export function checkApprove(record: GroupRecord): void {
  refuseWhileRunning(record, 'approve');
  if (isDeployed(record))
    throw new ConflictError(`cannot approve: the group is ${record.state}; change it with update, or terminate it`);
}

/**
 * A group whose instantiate failed may be instantiated again (as well as updated): its clusters
 * may hold none of it. EMCO differs here (docs/deploy.md, "After a failure").
 */
export function checkInstantiate(record: GroupRecord): void {
  refuseWhileRunning(record, 'instantiate');
  if (isDeployed(record) && record.state !== 'InstantiateFailed')
    throw new ConflictError(`cannot instantiate: the group is already ${record.state}; use update to deploy changes`);
  if (!record.approved) throw new ConflictError('cannot instantiate: the group is not approved; approve it first');
}

export function checkUpdate(record: GroupRecord, request: 'update' | 'rollback' = 'update'): void {
  refuseWhileRunning(record, request);
  if (!isDeployed(record) || record.state === 'TerminateFailed')
    throw new ConflictError(`cannot ${request}: the group is ${record.state}, not instantiated; instantiate it first`);
}

export function checkTerminate(record: GroupRecord): void {
  refuseWhileRunning(record, 'terminate');
  if (!isDeployed(record))
    throw new ConflictError(`cannot terminate: the group is ${record.state}, nothing is deployed`);
}

/** The state a group is in while `action` runs, and after it succeeds or fails. */
export function statesOf(action: 'instantiate' | 'update' | 'rollback' | 'terminate'): {
  running: GroupState;
  succeeded: GroupState;
  failed: GroupState;
} {
  if (action === 'instantiate')
    return { running: 'Instantiating', succeeded: 'Instantiated', failed: 'InstantiateFailed' };
  if (action === 'terminate') return { running: 'Terminating', succeeded: 'Terminated', failed: 'TerminateFailed' };
  return { running: 'Updating', succeeded: 'Instantiated', failed: 'UpdateFailed' };
}
