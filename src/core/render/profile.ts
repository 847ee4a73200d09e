/**
 * What a cluster's Istio version decides about the output: API versions, host
 * names, deprecated field names, and what its validation webhook insists on.
 */
export type ProfileName = 'v1' | 'v1beta1' | 'legacy';

export interface IstioProfile {
  name: ProfileName;
  /** The version it was chosen for (`1.24`), or the default when the cluster gives none. */
  version: string;
  networkingApi: string;
  securityApi: string;
  /** Top-level domain of cross-cluster hosts: the logical cloud, or `global` before 1.8. */
  usesGlobalSuffix: boolean;
  /** LEAST_REQUEST replaced LEAST_CONN in 1.14. */
  leastRequestName: 'LEAST_REQUEST' | 'LEAST_CONN';
  /** ringHash.minimumRingSize replaced consistentHash.minimumRingSize in 1.16 (first CRD with ringHash). */
  ringHashNested: boolean;
  /** Sidecars honour a DestinationRule's credentialName (with a workloadSelector) from 1.14; before, they send plaintext. */
  sidecarCredentialName: boolean;
  /** exportTo names namespaces from 1.7; 1.5 and 1.6 read only whether the first entry is "." (push_context.go). */
  exportToNamespaces: boolean;
  /** Before 1.11 a gateway builds SNI-DNAT clusters only with ISTIO_META_ROUTER_MODE=sni-dnat (cluster.go). */
  gatewayNeedsRouterMode: boolean;
  /**
   * 1.8.0–1.8.5 and 1.9.0–1.9.4 (and every release before 1.8) match AUTO_PASSTHROUGH hosts literally against the SNI
   * (the CVE-2021-31921 fix changed it), so only wildcard hosts such as `*.local` match. Unknown patch: assumed literal.
   */
  literalPassthroughHosts: boolean;
  /** The sidecar DNS proxy (ISTIO_META_DNS_CAPTURE) exists from 1.8; before, istiocoredns serves `.global`. */
  dnsProxy: boolean;
  /** A ServiceEntry's subjectAltNames verify its endpoints from 1.6 (1.5's ServiceEntry store returned none). */
  entrySubjectAltNames: boolean;
  /** Before 1.20 a gateway's STRICT_DNS SNI clusters skipped istiod's mTLS endpoint filter (endpoint_builder.go@1.20.0). */
  sniDnsEndpointsUnfiltered: boolean;
  /** The webhooks of 1.5 to 1.14 required route weights to add up to exactly 100. */
  weightsMustSum100: boolean;
  /** The label selecting the gateway that passes cross-cluster TLS through by SNI. */
  gatewaySelector: Record<string, string>;
}

/** Clusters that do not say their version get the newest profile. */
export const DEFAULT_ISTIO_VERSION = '1.24';

/** PeerAuthentication, the oldest API meshbridge emits, arrived in 1.5. */
export const OLDEST_SUPPORTED = [1, 5] as const;

export function parseVersion(version: string): [number, number] {
  const [major, minor] = version.split('.').map((part) => Number(part));
  return [major ?? 0, minor ?? 0];
}

/** The patch release, when the version names one (`1.8.3` → 3). */
export function patchOf(version: string): number | undefined {
  const patch = version.split('.')[2];
  return patch === undefined ? undefined : Number(patch);
}

/** Releases whose AUTO_PASSTHROUGH gateways match hosts literally: before 1.8.6, 1.9.0–1.9.4. */
function matchesPassthroughLiterally(version: string): boolean {
  const [major, minor] = parseVersion(version);
  if (major !== 1 || minor > 9) return false;
  if (minor < 8) return true;
  const patch = patchOf(version);
  return patch === undefined || patch < (minor === 8 ? 6 : 5);
}

export function isSupported(version: string): boolean {
  const [major, minor] = parseVersion(version);
  return major > OLDEST_SUPPORTED[0] || (major === OLDEST_SUPPORTED[0] && minor >= OLDEST_SUPPORTED[1]);
}

function atLeast(version: string, minor: number): boolean {
  const [major, minorOf] = parseVersion(version);
  return major > 1 || (major === 1 && minorOf >= minor);
}

const profiles = new Map<string, IstioProfile>();

/** Profiles are few and immutable: computed once per version. */
export function profileFor(istioVersion: string | undefined): IstioProfile {
  const version = istioVersion ?? DEFAULT_ISTIO_VERSION;
  const known = profiles.get(version);
  if (known) return known;
  const profile = computeProfile(version);
  profiles.set(version, profile);
  return profile;
}

function computeProfile(version: string): IstioProfile {
  const modern = atLeast(version, 22);
  const legacy = !atLeast(version, 8);
  return {
    name: modern ? 'v1' : legacy ? 'legacy' : 'v1beta1',
    version,
    networkingApi: modern
      ? 'networking.istio.io/v1'
      : legacy
        ? 'networking.istio.io/v1alpha3'
        : 'networking.istio.io/v1beta1',
    securityApi: modern ? 'security.istio.io/v1' : 'security.istio.io/v1beta1',
    usesGlobalSuffix: legacy,
    leastRequestName: atLeast(version, 14) ? 'LEAST_REQUEST' : 'LEAST_CONN',
    ringHashNested: atLeast(version, 16),
    sidecarCredentialName: atLeast(version, 14),
    exportToNamespaces: atLeast(version, 7),
    gatewayNeedsRouterMode: !atLeast(version, 11),
    literalPassthroughHosts: matchesPassthroughLiterally(version),
    dnsProxy: !legacy,
    sniDnsEndpointsUnfiltered: !atLeast(version, 20),
    entrySubjectAltNames: atLeast(version, 6),
    weightsMustSum100: !atLeast(version, 15),
    gatewaySelector: legacy ? { istio: 'ingressgateway' } : { istio: 'eastwestgateway' },
  };
}
