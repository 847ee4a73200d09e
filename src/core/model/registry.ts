/** Every kind of resource, and where each lives in the URL tree. */
import {
  appIntentKind,
  appKind,
  compositeAppKind,
  deploymentIntentGroupKind,
  genericPlacementIntentKind,
  groupIntentKind,
} from './apps.js';
import { accessPointKind, inboundClientKind } from './clients.js';
import { clusterQuotaKind, userPermissionKind } from './cloud-access.js';
import { inboundIntentKind, trafficGroupIntentKind } from './inbound.js';
import {
  clusterKind,
  clusterKvPairKind,
  clusterLabelKind,
  clusterProviderKind,
  controllerKind,
  dtcControllerKind,
} from './infrastructure.js';
import type { KindName, PathParams, ResourceKind } from './kind.js';
import { joinKey } from './keys.js';
import { appProfileKind, compositeProfileKind } from './profiles.js';
import { routingIntentKind } from './routing.js';
import { clusterReferenceKind, logicalCloudKind, projectKind } from './tenancy.js';

export const KINDS: readonly ResourceKind[] = [
  controllerKind,
  dtcControllerKind,
  clusterProviderKind,
  clusterKind,
  clusterLabelKind,
  clusterKvPairKind,
  projectKind,
  logicalCloudKind,
  clusterReferenceKind,
  userPermissionKind,
  clusterQuotaKind,
  compositeAppKind,
  appKind,
  compositeProfileKind,
  appProfileKind,
  deploymentIntentGroupKind,
  groupIntentKind,
  genericPlacementIntentKind,
  appIntentKind,
  trafficGroupIntentKind,
  inboundIntentKind,
  inboundClientKind,
  accessPointKind,
  routingIntentKind,
];

const byName = new Map<KindName, ResourceKind>(KINDS.map((kind) => [kind.kind, kind]));

export function kindOf(name: KindName): ResourceKind {
  const kind = byName.get(name);
  if (!kind) throw new Error(`unknown resource kind ${name}`);
  return kind;
}

/** The kinds from the top of the tree down to `kind`. */
export function lineage(kind: ResourceKind): ResourceKind[] {
  const chain: ResourceKind[] = [];
  for (
    let current: ResourceKind | undefined = kind;
    current;
    current = current.parent ? kindOf(current.parent) : undefined
  ) {
    chain.unshift(current);
  }
  return chain;
}

/** `/cluster-providers/:clusterProvider/clusters` and `/cluster-providers/:clusterProvider/clusters/:cluster`. */
export function routePatterns(kind: ResourceKind): { collection: string; item: string } {
  let prefix = '';
  for (const ancestor of lineage(kind).slice(0, -1)) {
    prefix += `/${ancestor.segment}/${ancestor.params.map((param) => `:${param}`).join('/')}`;
  }
  const collection = `${prefix}/${kind.segment}`;
  return { collection, item: `${collection}/${kind.params.map((param) => `:${param}`).join('/')}` };
}

/** The storage key of the parent named by path parameters (null for top-level kinds). */
export function parentKeyFromParams(kind: ResourceKind, params: PathParams): string | null {
  const ancestors = lineage(kind).slice(0, -1);
  if (ancestors.length === 0) return null;
  return ancestors
    .map((ancestor) => joinKey(ancestor.segment, ...ancestor.params.map((param) => params[param] ?? '')))
    .join('/');
}

export function itemKey(kind: ResourceKind, parentKey: string | null, segments: readonly string[]): string {
  const tail = joinKey(kind.segment, ...segments);
  return parentKey === null ? tail : `${parentKey}/${tail}`;
}

/** Path parameters of a stored key, e.g. `{clusterProvider: 'edge', cluster: 'c1'}` for a cluster. */
export function paramsFromKey(kind: ResourceKind, key: string): Record<string, string> {
  const parts = key.split('/').map((part) => decodeURIComponent(part));
  const params: Record<string, string> = {};
  let index = 0;
  for (const ancestor of lineage(kind)) {
    index += 1; // the collection segment
    for (const param of ancestor.params) params[param] = parts[index++] ?? '';
  }
  return params;
}

/** Path parameters for a new `kind` written under the resource at `parentKey`. */
export function paramsUnder(kind: ResourceKind, parentKey: string): Record<string, string> {
  if (!kind.parent) return {};
  return paramsFromKey(kindOf(kind.parent), parentKey);
}
