/** A group's or cluster's storage key read back as the names deploy works with. */
import { deploymentIntentGroupKind } from '../model/apps.js';
import { clusterKind } from '../model/infrastructure.js';
import { paramsFromKey } from '../model/registry.js';
import type { GroupRef } from './ownership.js';

/** `projects/p/composite-apps/ca/v1/deployment-intent-groups/dig` → its parts. */
export function groupRefOf(groupKey: string): GroupRef {
  const params = paramsFromKey(deploymentIntentGroupKind, groupKey);
  return {
    project: params.project ?? '',
    compositeApp: params.compositeApp ?? '',
    compositeAppVersion: params.compositeAppVersion ?? '',
    deploymentIntentGroup: params.deploymentIntentGroup ?? '',
  };
}

/** `cluster-providers/edge/clusters/cluster01` → `edge/cluster01`. */
export function clusterNameOf(clusterKey: string): string {
  const params = paramsFromKey(clusterKind, clusterKey);
  return `${params.clusterProvider ?? ''}/${params.cluster ?? ''}`;
}
