/**
 * Does the name the caller uses resolve to an address its sidecar captures? A
 * Kubernetes Service of the caller's cluster resolves through kube-dns; any other
 * name needs the sidecar's DNS proxy (1.8+, off unless ISTIO_META_DNS_CAPTURE is
 * set) or, before 1.8, istiocoredns behind a CoreDNS stub domain for `global`.
 */
import { kubernetesService } from '../render/check-route-match.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';
import { objectsOfKind } from './cluster-index.js';
import { SOURCES, type Hop } from './hops.js';
import type { ClusterWorld } from './world.js';

export interface DnsQuery {
  cluster: ClusterWorld;
  /** The name the caller's resolver settles on (a search candidate of the name written). */
  host: string;
  /** The name as the caller wrote it, when it differs: the detail says how the search path made `host` of it. */
  asked?: string;
  /** The caller's namespace, whose search path expands a short name. */
  namespace?: string;
  /** The caller has a sidecar (whose DNS proxy may answer). */
  sidecar: boolean;
  /** The ServiceEntry the caller sees for the host, if any. */
  entry: RenderedObject | undefined;
  /** istiod of the caller's cluster knows the host (a Service of a cluster sharing discovery). */
  discovered: boolean;
}

function dnsProxy(query: DnsQuery, what: string): Hop {
  const { cluster } = query;
  const base = { hop: 'dns' as const, cluster: cluster.name, source: SOURCES.dnsProxy };
  if (!query.sidecar)
    return {
      ...base,
      ok: false,
      detail: `${query.host} is no Service of ${cluster.name} and the caller has no sidecar to answer for ${what}: NXDOMAIN`,
    };
  if (cluster.mesh.dnsCapture === false)
    return {
      ...base,
      ok: false,
      detail: `${query.host} (${what}) resolves only through the sidecar's DNS proxy, which spec.mesh.dnsCapture says is off: NXDOMAIN`,
    };
  const assumed = cluster.mesh.dnsCapture === undefined ? ' (assumed on: spec.mesh.dnsCapture is not set)' : '';
  return { ...base, ok: true, detail: `the sidecar's DNS proxy answers for ${query.host} (${what})${assumed}` };
}

/**
 * A pod's resolver tries `<name>.<ns>.svc.cluster.local`, `<name>.svc.cluster.local`, `<name>.cluster.local`,
 * then `<name>` (ndots 5). The DNS proxy answers a ServiceEntry's host exactly as declared, and the first search
 * candidate of it by a CNAME to it; a Kubernetes Service also by its short forms (BuildAlternateHosts,
 * generateAltHosts, buildDNSAnswers in pkg/dns/client/dns.go @1.24.0; pilot/pkg/dns/dns.go @1.8.0). Whichever
 * candidate is answered first is the name the call goes to.
 */
export function resolveName(query: DnsQuery): Hop {
  const hop = resolveHost(query);
  const asked = query.asked?.trim().toLowerCase().replace(/\.$/, '');
  if (!asked || asked === query.host) return hop;
  const search = query.namespace
    ? ` (search path ${query.namespace}.svc.cluster.local svc.cluster.local cluster.local)`
    : '';
  return { ...hop, detail: `${asked} → ${query.host}${search}: ${hop.detail}` };
}

function resolveHost(query: DnsQuery): Hop {
  const { cluster, host, entry } = query;
  if (kubernetesService(host) && cluster.serviceNames.has(host))
    return {
      hop: 'dns',
      cluster: cluster.name,
      ok: true,
      detail: `kube-dns resolves ${host}: a Service of ${cluster.name}`,
    };
  const profile = cluster.mesh.profile;
  if (entry) {
    const addresses = specOfKind(entry, 'ServiceEntry')?.addresses ?? [];
    const what =
      addresses.length > 0 ? `ServiceEntry address ${addresses.join(', ')}` : 'a ServiceEntry without addresses';
    if (profile.dnsProxy) return dnsProxy(query, what);
    if (!host.endsWith('.global'))
      return {
        hop: 'dns',
        cluster: cluster.name,
        ok: false,
        detail: `Istio ${profile.version} has no DNS proxy and istiocoredns serves only .global names: ${host} does not resolve`,
        source: SOURCES.istioCoreDns,
      };
    if (!cluster.mesh.istioCoreDnsAddress)
      return {
        hop: 'dns',
        cluster: cluster.name,
        ok: false,
        detail: `${host} resolves through istiocoredns, whose address spec.mesh.istioCoreDnsAddress does not give`,
        source: SOURCES.istioCoreDns,
      };
    const stub = objectsOfKind(cluster, 'ConfigMap').some((object) => object.metadata.name === 'coredns-custom')
      ? 'the coredns-custom stub domain'
      : 'the global stub domain the platform adds to CoreDNS (assumed)';
    return {
      hop: 'dns',
      cluster: cluster.name,
      ok: true,
      detail: `${host} resolves through ${stub} to istiocoredns (${cluster.mesh.istioCoreDnsAddress})`,
      source: SOURCES.istioCoreDns,
    };
  }
  if (query.discovered && profile.dnsProxy)
    return dnsProxy(query, 'a Service istiod discovers in another cluster of the mesh');
  return {
    hop: 'dns',
    cluster: cluster.name,
    ok: false,
    detail: `nothing in ${cluster.name} declares ${host}: NXDOMAIN`,
  };
}
