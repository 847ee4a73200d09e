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
  /** consecutive5xxErrors replaced consecutiveErrors; meshbridge uses the new name from 1.8. */
  outlierErrorsField: 'consecutive5xxErrors' | 'consecutiveErrors';
  /** ringHash.minimumRingSize replaced consistentHash.minimumRingSize in 1.18. */
  ringHashNested: boolean;
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
    outlierErrorsField: legacy ? 'consecutiveErrors' : 'consecutive5xxErrors',
    ringHashNested: atLeast(version, 18),
    weightsMustSum100: !atLeast(version, 15),
    gatewaySelector: legacy ? { istio: 'ingressgateway' } : { istio: 'eastwestgateway' },
  };
}
