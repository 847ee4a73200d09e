/**
 * A traced call is a list of hops, each decided by one rule of istiod or Envoy that
 * names the Istio source it mirrors (file and the release it was read at).
 */
export type HopName =
  'dns' | 'route' | 'outbound' | 'endpoint' | 'gateway' | 'sni-cluster' | 'inbound' | 'authorization';

export interface Hop {
  hop: HopName;
  /** `provider/cluster` where the hop happens. */
  cluster: string;
  ok: boolean;
  detail: string;
  /** The Istio source the rule mirrors, `path@release`. */
  source?: string;
}

/** Where in istio/istio each rule was read (docs/rendering.md cites the same). */
export const SOURCES = {
  dnsProxy: 'pkg/dns/server/name_table.go@1.24.0, pilot/cmd/pilot-agent/options/options.go@1.24.0 (DNS_CAPTURE off)',
  istioCoreDns: 'manifests/charts/istiocoredns/templates/configmap.yaml@1.8.0',
  virtualService: 'pilot/pkg/networking/core/route/route.go@1.24.0 (first match)',
  virtualHosts:
    'pilot/pkg/networking/core/httproute.go@1.24.0 (generateVirtualHostDomains, GenerateAltVirtualHosts), v1alpha3/httproute.go@1.8.0',
  destinationRule: 'pilot/pkg/model/push_context.go@1.24.0 (caller namespace, then service, then root)',
  clusterTls: 'pilot/pkg/networking/core/cluster_tls.go@1.24.0 (sni, subjectAltNames, ALPN)',
  credentialName:
    'pilot/pkg/networking/core/v1alpha3/cluster_builder.go@1.14.0 (credentialName needs workloadSelector)',
  passthroughChains: 'pilot/pkg/networking/core/gateway.go@1.24.0 (builtAutoPassthroughFilterChains)',
  legacyPassthrough: 'pilot/pkg/networking/core/v1alpha3/gateway.go@1.8.0 (sni_cluster on Gateway hosts)',
  routerMode: 'pilot/pkg/networking/core/v1alpha3/cluster.go@1.10.0 (SNI-DNAT needs ROUTER_MODE before 1.11)',
  mtlsFilter: 'pilot/pkg/xds/endpoints/endpoint_builder.go@1.24.0, mtls_checker.go (EndpointsWithMTLSFilter)',
  seTlsMode: 'pilot/pkg/serviceregistry/serviceentry/conversion.go@1.24.0 (getTLSModeFromWorkloadEntry)',
  peerAuthentication: 'pilot/pkg/security/authn/policy_applier.go@1.24.0 (portLevelMtls by target port)',
  trustDomain: 'pilot/pkg/networking/plugin/authn/util.go@1.24.0 (TrustDomainsForValidation)',
  inboundHttp:
    'pilot/pkg/networking/core/listener_inbound.go@1.24.0, filterchain_options.go (HTTP chains take mesh mTLS or plaintext)',
  authorization: 'pilot/pkg/security/authz/builder/builder.go@1.24.0',
} as const;
