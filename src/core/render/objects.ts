/** The Kubernetes objects the renderer emits, and how they are labelled and ordered. */
import type { SpecOfKind } from '../istio/objects.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  type?: string;
  data?: Record<string, string>;
}

/** The typed spec of a rendered Istio object of `kind` (built from the same types), or undefined for another kind. */
export function specOfKind<K extends keyof SpecOfKind>(object: RenderedObject, kind: K): SpecOfKind[K] | undefined {
  return object.kind === kind ? (object.spec as unknown as SpecOfKind[K] | undefined) : undefined;
}

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'meshbridge' } as const;

/** Who owns an object: it goes when they go (issue 4's pruning relies on these labels). */
export interface Owner {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  deploymentIntentGroup: string;
  /** `inbound`, `routing` or `cluster` (objects every cluster gets). */
  intentKind: 'inbound' | 'routing' | 'cluster';
  intent: string;
}

/**
 * Written out as literals, not spread from `MANAGED_BY`: every object gets these labels, and a literal
 * of fixed keys is a compact object with a shared shape, where a spread one takes about 600 bytes more
 * of the heap per rendered object (bench/render-get.ts measures what a server holds).
 */
export function ownerLabels(owner: Owner | undefined): Record<string, string> {
  if (!owner) return { 'app.kubernetes.io/managed-by': 'meshbridge', 'meshbridge.io/intent-kind': 'cluster' };
  return {
    'app.kubernetes.io/managed-by': 'meshbridge',
    'meshbridge.io/project': owner.project,
    'meshbridge.io/composite-app': owner.compositeApp,
    'meshbridge.io/composite-app-version': owner.compositeAppVersion,
    'meshbridge.io/deployment-intent-group': owner.deploymentIntentGroup,
    'meshbridge.io/intent-kind': owner.intentKind,
    'meshbridge.io/intent': owner.intent,
  };
}

const KIND_ORDER = [
  'ConfigMap',
  'Secret',
  'PeerAuthentication',
  'Gateway',
  'ServiceEntry',
  'DestinationRule',
  'VirtualService',
  'AuthorizationPolicy',
  'NetworkPolicy',
];

export function objectId(object: RenderedObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** Stable order: by kind (dependencies first), then namespace and name. */
export function compareObjects(a: RenderedObject, b: RenderedObject): number {
  const kind = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  if (kind !== 0) return kind;
  const left = objectId(a);
  const right = objectId(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
