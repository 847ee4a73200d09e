/**
 * Which live objects meshbridge may touch. Ownership is read from labels only: an
 * object without `app.kubernetes.io/managed-by: meshbridge` is never modified or
 * deleted, whatever its name.
 */
import { MANAGED_BY } from '../render/objects.js';

export interface GroupRef {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
}

type Labelled = { metadata: { labels?: Record<string, string> } };

export const MANAGED_BY_SELECTOR: Record<string, string> = { ...MANAGED_BY };

export function isManaged(object: Labelled): boolean {
  return object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'meshbridge';
}

/** Objects every group relies on (PeerAuthentication, the CoreDNS stub): shared, never a group's alone. */
export function isClusterWide(object: Labelled): boolean {
  return isManaged(object) && object.metadata.labels?.['meshbridge.io/intent-kind'] === 'cluster';
}

/**
 * The platform's objects that earlier meshbridge releases rendered as cluster-wide (the mesh-wide
 * PeerAuthentication `default`, `kube-system/coredns`): meshbridge no longer renders them and never removes
 * them either, since removing them would change the mesh's mTLS mode or stop the cluster's DNS. Their
 * records are forgotten; the platform takes them over by dropping the labels.
 */
export function isRelinquished(object: Labelled & { kind: string; spec?: unknown }): boolean {
  if (!isClusterWide(object)) return false;
  const { name, namespace } = object.metadata as { name?: string; namespace?: string };
  if (object.kind === 'PeerAuthentication')
    return name === 'default' && (object.spec as { selector?: unknown } | undefined)?.selector === undefined;
  return object.kind === 'ConfigMap' && namespace === 'kube-system' && name === 'coredns';
}

export function groupLabels(group: GroupRef): Record<string, string> {
  return {
    ...MANAGED_BY,
    'meshbridge.io/project': group.project,
    'meshbridge.io/composite-app': group.compositeApp,
    'meshbridge.io/composite-app-version': group.compositeAppVersion,
    'meshbridge.io/deployment-intent-group': group.deploymentIntentGroup,
  };
}

/** The labels `groupLabels` gives, each with the group's field it holds (read for every live object a plan sees). */
const OWNER_LABELS: readonly (readonly [string, keyof GroupRef])[] = [
  ['meshbridge.io/project', 'project'],
  ['meshbridge.io/composite-app', 'compositeApp'],
  ['meshbridge.io/composite-app-version', 'compositeAppVersion'],
  ['meshbridge.io/deployment-intent-group', 'deploymentIntentGroup'],
];

/** Whether the object carries every one of `groupLabels(group)`; allocates nothing, as every plan asks it of every live object. */
export function isOwnedBy(object: Labelled, group: GroupRef): boolean {
  const labels = object.metadata.labels;
  if (labels === undefined || !isManaged(object)) return false;
  return OWNER_LABELS.every(([key, field]) => labels[key] === group[field]);
}

/** The group an object's labels name, for messages: `project/app/version/group`. */
export function ownerName(object: Labelled): string | undefined {
  const labels = object.metadata.labels ?? {};
  const parts = ['project', 'composite-app', 'composite-app-version', 'deployment-intent-group'].map(
    (part) => labels[`meshbridge.io/${part}`],
  );
  return parts.every((part) => part !== undefined) ? parts.join('/') : undefined;
}
