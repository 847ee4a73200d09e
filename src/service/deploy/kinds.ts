/**
 * The kinds to look through when reading what meshbridge owns in a cluster, each in one
 * API version: every served version of a kind holds the same objects, so listing two
 * would read them twice. Kubernetes' NetworkPolicy is among them (rendered for clusters labelled
 * networkpolicy-supported). The version is the one the revision renders (the cluster serves
 * it, or applying would fail anyway), else the v1beta1 one Istio has served since 1.5,
 * else the one the record remembers (a kind meshbridge no longer renders). A kind the
 * cluster does not serve holds nothing.
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

/** A kind whatever its version: `networking.istio.io/ServiceEntry`, `/Secret` for the core group. */
export function kindKey(kind: { apiVersion: string; kind: string }): string {
  const slash = kind.apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : kind.apiVersion.slice(0, slash)}/${kind.kind}`;
}

export function kindsToList(desired: readonly RenderedObject[], entries: readonly ObjectEntry[]): KindRef[] {
  const kinds = new Map<string, KindRef>();
  const add = (apiVersion: string, kind: string) => {
    const key = kindKey({ apiVersion, kind });
    if (!kinds.has(key)) kinds.set(key, { apiVersion, kind });
  };
  for (const object of desired) add(object.apiVersion, object.kind);
  for (const kind of OWNED_KINDS) add(kind.apiVersion, kind.kind);
  for (const entry of entries) add(entry.ref.apiVersion, entry.ref.kind);
  return [...kinds.values()];
}
