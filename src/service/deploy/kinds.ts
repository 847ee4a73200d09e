/**
 * The kinds to look through when reading what meshbridge owns in a cluster: those
 * the revision wants and the record remembers (in the API versions they were
 * rendered with) and, to find leftovers, the v1beta1 versions Istio has served since
 * 1.5, and Kubernetes' NetworkPolicy. A kind the cluster does not serve holds nothing.
 */
import type { ObjectEntry } from '../../core/deploy/records.js';
import type { RenderedObject } from '../../core/render/objects.js';
import type { KindRef } from './target.js';

/**
 * Every kind meshbridge renders, in the API versions it lists them by; the ClusterRole that
 * `meshbridge cluster add` grants (adapters/targets/kubernetes/access.ts) is built from this list.
 */
export const OWNED_KINDS: readonly KindRef[] = [
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  ...['Gateway', 'ServiceEntry', 'DestinationRule', 'VirtualService'].map((kind) => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind,
  })),
  ...['AuthorizationPolicy', 'PeerAuthentication'].map((kind) => ({ apiVersion: 'security.istio.io/v1beta1', kind })),
  // Rendered where a cluster carries networkpolicy-supported (render/build/network-policy.ts).
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
];

export function kindsToList(desired: readonly RenderedObject[], entries: readonly ObjectEntry[]): KindRef[] {
  const kinds = new Map<string, KindRef>();
  const add = (apiVersion: string, kind: string) => kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
  for (const kind of OWNED_KINDS) add(kind.apiVersion, kind.kind);
  for (const object of desired) add(object.apiVersion, object.kind);
  for (const entry of entries) add(entry.ref.apiVersion, entry.ref.kind);
  return [...kinds.values()];
}
