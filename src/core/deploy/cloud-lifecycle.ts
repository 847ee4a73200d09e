/**
 * A logical cloud's lifecycle, with EMCO's DCM rules where they fit meshbridge (`src/dcm/pkg/module/apply.go`
 * Instantiate and Terminate, `src/dcm/api/logicalCloudHandler.go`, emco-base f12558f). EMCO creates namespaces,
 * Roles and quotas in every cluster when a cloud is instantiated; meshbridge creates nothing for a cloud (a group's
 * namespaces come with its deploy), so it records the state and when it changed, and checks what EMCO checks.
 * A refusal is a `ConflictError` (409), as for a deployment intent group.
 */
import { ConflictError, type Issue } from '../errors.js';
import type { ResourceBody } from '../model/kind.js';
import { specOf } from '../model/kind.js';
import { cloudLevel } from '../model/tenancy.js';
import type { GroupRecord, GroupState } from './records.js';

/** EMCO's state names: a cloud is `Created` until its first instantiate. */
export type CloudState = 'Created' | 'Instantiated' | 'Terminated';

/** What meshbridge files for a cloud (in the deploy records, under the cloud's key). */
export interface CloudRecord {
  state: Exclude<CloudState, 'Created'>;
  /** When the state was entered, ISO 8601. */
  at: string;
  /** The `createdAt` of the cloud the record is about: a cloud deleted and made again starts `Created`. */
  cloudCreatedAt: string;
}

export const CLOUD_RECORD_KEY = 'logical-cloud';

export function cloudStateOf(
  record: CloudRecord | undefined,
  cloudCreatedAt: string,
): { state: CloudState; at?: string } {
  if (!record || record.cloudCreatedAt !== cloudCreatedAt) return { state: 'Created' };
  return { state: record.state, at: record.at };
}

export interface CloudFacts {
  cloud: ResourceBody;
  state: CloudState;
  clusterReferences: number;
  /** The `spec.namespace` of each of the cloud's user permissions (undefined: cluster-wide). */
  permissionNamespaces: (string | undefined)[];
}

/** EMCO's Instantiate: not twice, not without clusters, and a standard cloud needs a permission for its namespace. */
export function checkCloudInstantiate(facts: CloudFacts): void {
  if (facts.state === 'Instantiated') throw new ConflictError('The Logical Cloud is already instantiated');
  if (facts.clusterReferences === 0) {
    throw new ConflictError('cannot instantiate: the logical cloud has no cluster references; add one first', {
      details: [{ path: 'cluster-references', message: 'No Cluster References associated' }],
    });
  }
  const namespace = specOf(facts.cloud).namespace;
  if (cloudLevel(facts.cloud) === '1' && !facts.permissionNamespaces.includes(namespace as string)) {
    throw new ConflictError(
      'Level-1 Logical Clouds require a User Permission assigned to its primary namespace; add a user permission with spec.namespace ' +
        JSON.stringify(namespace),
      { details: [{ path: 'user-permissions', message: `none has namespace ${JSON.stringify(namespace)}` }] },
    );
  }
}

/** A group whose objects are deployed, or on their way in or out, still needs its cloud. */
const NOT_HOLDING: readonly GroupState[] = ['Created', 'Approved', 'Terminated'];

export function groupHoldsCloud(record: GroupRecord): boolean {
  return !NOT_HOLDING.includes(record.state);
}

/**
 * EMCO refuses to terminate a cloud while any group names it; meshbridge refuses only while such a group is
 * instantiated (deployed, or on its way in or out): a terminated group no longer uses the cloud.
 */
export function checkCloudTerminate(state: CloudState, holdingGroups: { key: string; state: GroupState }[]): void {
  if (state === 'Terminated') throw new ConflictError('The Logical Cloud has already been terminated');
  if (state === 'Created') throw new ConflictError('cannot terminate: the logical cloud was never instantiated');
  if (holdingGroups.length === 0) return;
  const details: Issue[] = holdingGroups.map((group) => ({
    path: `/v2/${group.key}`,
    message: `is ${group.state}; terminate it first`,
  }));
  throw new ConflictError(
    `cannot terminate: ${holdingGroups.length === 1 ? 'a deployment intent group' : `${holdingGroups.length} deployment intent groups`} of this logical cloud ${holdingGroups.length === 1 ? 'is' : 'are'} instantiated`,
    { details },
  );
}
