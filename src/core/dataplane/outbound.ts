/**
 * The caller's sidecar: which DestinationRule applies to a destination, and so which
 * TLS it originates (mode, SNI, the server identities it accepts), and where the
 * outbound cluster's endpoints are.
 */
import { hostMatches, qualifyHost } from '../render/check-route-match.js';
import { meshSni } from '../render/build/shared.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';
import { keyOf, memoized, objectsForHost } from './cluster-index.js';
import { exportedTo } from './exports.js';
import type { ClusterWorld } from './world.js';

export type TlsMode = 'ISTIO_MUTUAL' | 'SIMPLE' | 'MUTUAL' | 'DISABLE';

/** What the caller's sidecar sends towards an endpoint. */
export interface Upstream {
  mode: TlsMode;
  sni: string;
  /** Identities the caller accepts from the server; empty: any certificate of the shared root. */
  subjectAltNames: string[];
  /** Why, in one phrase. */
  why: string;
}

export interface Caller {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  trustDomain: string;
  labels: Record<string, string>;
  /** A caller without a sidecar sends plaintext straight to Kubernetes Services. */
  sidecar: boolean;
  ip?: string;
}

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

const hostOfRule = (rule: RenderedObject) => specOfKind(rule, 'DestinationRule')?.host ?? '';

const qualifiedRuleHost = (rule: RenderedObject) => [qualifyHost(hostOfRule(rule), rule.metadata.namespace)];

function selectorOf(rule: RenderedObject): Record<string, string> | undefined {
  return specOfKind(rule, 'DestinationRule')?.workloadSelector?.matchLabels;
}

/**
 * Istio's lookup: DestinationRules of the caller's namespace first (from 1.14 one whose
 * workloadSelector matches the caller wins), then those of the host's namespace exported
 * to the caller, then the root namespace's; the first namespace with a match decides.
 */
export function destinationRuleFor(
  cluster: ClusterWorld,
  caller: Caller,
  host: string,
  hostNamespace: string | undefined,
): RenderedObject | undefined {
  const profile = cluster.mesh.profile;
  const matching = memoized(cluster, keyOf('destinationRules', caller.namespace, host), () =>
    // The scan read a missing host as '', so a cluster-scoped object of any kind "matched" the empty host: kept so.
    (host === '' ? cluster.resources : objectsForHost(cluster, 'DestinationRule', qualifiedRuleHost, host)).filter(
      (object) =>
        hostMatches(qualifyHost(specOfKind(object, 'DestinationRule')?.host ?? '', object.metadata.namespace), host) &&
        exportedTo(object, caller.namespace, profile),
    ),
  );
  return chooseRule(cluster, caller, hostNamespace, matching);
}

/**
 * Of the DestinationRules whose host matches and that are exported to the caller, the one Istio
 * applies: by namespace (the caller's, the host's, the root), a matching workloadSelector first.
 */
export function chooseRule(
  cluster: ClusterWorld,
  caller: Caller,
  hostNamespace: string | undefined,
  matching: readonly RenderedObject[],
): RenderedObject | undefined {
  const profile = cluster.mesh.profile;
  const selects = (rule: RenderedObject) => {
    const selector = selectorOf(rule);
    // Before 1.14 the CRD has no workloadSelector: the API server prunes it and the rule is namespace-wide.
    if (!selector || !profile.sidecarCredentialName) return true;
    return Object.entries(selector).every(([key, value]) => caller.labels[key] === value);
  };
  const exactFirst = (a: RenderedObject, b: RenderedObject) =>
    Number(selectorOf(b) !== undefined) - Number(selectorOf(a) !== undefined) ||
    Number(hostOfRule(a).includes('*')) - Number(hostOfRule(b).includes('*')) ||
    (idOf(a) < idOf(b) ? -1 : 1);
  for (const namespace of [caller.namespace, hostNamespace, cluster.mesh.rootNamespace]) {
    if (namespace === undefined) continue;
    const found = matching.filter((rule) => rule.metadata.namespace === namespace && selects(rule)).sort(exactFirst);
    if (found.length > 0) return found[0];
  }
  return undefined;
}

interface ClientTls {
  mode?: string;
  sni?: string;
  subjectAltNames?: string[];
  credentialName?: string;
}

interface TlsTarget {
  host: string;
  port: number;
  defaultSans: string[];
  autoMtls: boolean;
}

const plaintext = (why: string): Upstream => ({ mode: 'DISABLE', sni: '', subjectAltNames: [], why });

/** No TLS settings: auto mTLS picks Istio mTLS where the endpoints are labelled tlsMode=istio. */
function automatic(rule: RenderedObject | undefined, target: TlsTarget): Upstream {
  const why = rule ? `DestinationRule ${idOf(rule)} sets no TLS` : 'no DestinationRule applies';
  if (!target.autoMtls) return plaintext(`${why}: the endpoints carry no tlsMode=istio label, so plaintext`);
  const sni = meshSni(target.host, target.port);
  return { mode: 'ISTIO_MUTUAL', sni, subjectAltNames: target.defaultSans, why: `${why}: auto mTLS` };
}

/** SIMPLE or MUTUAL with the application's certificates; credentialName needs 1.14 and a workloadSelector. */
function applicationTls(cluster: ClusterWorld, rule: RenderedObject, tls: ClientTls, target: TlsTarget): Upstream {
  const profile = cluster.mesh.profile;
  const id = idOf(rule);
  if (tls.credentialName && (!profile.sidecarCredentialName || !selectorOf(rule)))
    return plaintext(
      `DestinationRule ${id} gives credentialName, which Istio ${profile.version} sidecars honour only from 1.14 with a workloadSelector: the sidecar sends plaintext`,
    );
  const mode = tls.mode as TlsMode;
  return {
    mode,
    sni: tls.sni ?? target.host,
    subjectAltNames: tls.subjectAltNames ?? [],
    why: `DestinationRule ${id}: ${mode} TLS with the application's certificates`,
  };
}

interface PortPolicy {
  tls?: ClientTls;
}

/**
 * The policy for one port: a `portLevelSettings` entry for it replaces the top-level policy whole, unset fields
 * and all (1.5 networking/core/v1alpha3/cluster.go SelectTrafficPolicyComponents; 1.24 networking/util/util.go
 * GetPortLevelTrafficPolicy).
 */
function portPolicy(rule: RenderedObject | undefined, port: number): PortPolicy | undefined {
  const policy = rule && specOfKind(rule, 'DestinationRule')?.trafficPolicy;
  return policy?.portLevelSettings?.find((setting) => setting.port?.number === port) ?? policy;
}

/** The TLS a sidecar originates for `host:port`; `autoMtls` is what Istio picks with no DestinationRule. */
export function upstreamTls(cluster: ClusterWorld, rule: RenderedObject | undefined, target: TlsTarget): Upstream {
  const tls = portPolicy(rule, target.port)?.tls;
  if (!rule || !tls?.mode) return automatic(rule, target);
  const id = idOf(rule);
  if (tls.mode === 'DISABLE') return plaintext(`DestinationRule ${id} disables TLS`);
  if (tls.mode !== 'ISTIO_MUTUAL') return applicationTls(cluster, rule, tls, target);
  return {
    mode: 'ISTIO_MUTUAL',
    sni: tls.sni ?? meshSni(target.host, target.port),
    subjectAltNames: tls.subjectAltNames?.length ? tls.subjectAltNames : target.defaultSans,
    why: `DestinationRule ${id}: ISTIO_MUTUAL`,
  };
}

export interface Endpoint {
  address: string;
  port: number;
  /** Part of the destination's calls it gets. */
  portion: number;
  /** The ServiceEntry or Service it comes from. */
  from: string;
}

/** The endpoints of a ServiceEntry for one of its ports. */
export function entryEndpoints(entry: RenderedObject, port: number): Endpoint[] {
  const ports = specOfKind(entry, 'ServiceEntry')?.ports ?? [];
  const declared = ports.find((candidate) => candidate.number === port) ?? ports[0];
  const list = specOfKind(entry, 'ServiceEntry')?.endpoints ?? [];
  const weights = list.map((endpoint) => endpoint.weight ?? 1);
  const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
  return list.map((endpoint, index) => ({
    address: String(endpoint.address ?? ''),
    port: (declared && endpoint.ports?.[declared.name]) ?? declared?.targetPort ?? port,
    portion: (weights[index] as number) / total,
    from: `ServiceEntry ${idOf(entry)}`,
  }));
}

export function entryPort(entry: RenderedObject, port: number | undefined): number | undefined {
  const ports = specOfKind(entry, 'ServiceEntry')?.ports ?? [];
  if (port !== undefined) return ports.some((candidate) => candidate.number === port) ? port : undefined;
  return ports[0]?.number;
}
