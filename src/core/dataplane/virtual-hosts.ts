/**
 * Which HTTP Host headers the caller's sidecar routes to a host: the domains of the
 * virtual host istiod builds for it on the outbound HTTP route of the port. Besides the
 * host and its address, istiod adds short aliases from the caller's DNS domain
 * (`<ns>.svc.cluster.local`), whatever registry the host comes from, a ServiceEntry's
 * included (generateVirtualHostDomains):
 *
 * - from 1.13, only to hosts of the form `<name>.<ns>.svc.<suffix>`: `<name>`, `<name>.<ns>` and
 *   `<name>.<ns>.svc` in the caller's namespace, `<name>.<ns>` and `<name>.<ns>.svc` from another
 *   (GenerateAltVirtualHosts, generateAltVirtualHostsForKubernetesService in
 *   pilot/pkg/networking/core/httproute.go @1.24.0, v1alpha3/httproute.go @1.14.0);
 * - before, to any host sharing a DNS suffix with the caller's domain: the part not shared,
 *   then that part with each shorter suffix (generateAltVirtualHosts, getUniqueAndSharedDNSDomain
 *   in pilot/pkg/networking/core/v1alpha3/httproute.go @1.8.0, @1.12.0).
 *
 * Each comes with and without `:<port>`; on a port other than 80 only the `:<port>` forms are
 * kept (mergeAllVirtualHosts, same files), and a client sends the port in Host there.
 */
import { CLUSTER_DOMAIN } from '../render/check-route-match.js';
import { parseVersion, type IstioProfile } from '../render/profile.js';

/** Envoy's domain for `host` on `port`: `host:port`, or both forms on port 80. */
function withPort(names: string[], port: number): string[] {
  return names.flatMap((name) => (port === 80 ? [name, `${name}:${port}`] : [`${name}:${port}`]));
}

function kubernetesAliases(host: string, proxyNamespace: string): string[] {
  const svc = host.indexOf('.svc.');
  const dot = host.indexOf('.');
  if (!host.endsWith(`.svc.${CLUSTER_DOMAIN}`) || svc <= 0 || dot + 1 > svc) return [];
  const name = host.slice(0, dot);
  const namespace = host.slice(dot + 1, svc);
  const qualified = [`${name}.${namespace}`, `${name}.${namespace}.svc`];
  return namespace === proxyNamespace ? [name, ...qualified] : qualified;
}

/** Before 1.13: the labels not shared with the caller's domain, then that with each shorter shared suffix. */
function sharedSuffixAliases(host: string, proxyNamespace: string): string[] {
  const hostParts = host.split('.').reverse();
  const domainParts = `${proxyNamespace}.svc.${CLUSTER_DOMAIN}`.split('.').reverse();
  let shared = 0;
  while (shared < Math.min(hostParts.length, domainParts.length) && hostParts[shared] === domainParts[shared])
    shared += 1;
  if (shared === 0) return [];
  const unique = hostParts.slice(shared).reverse().join('.');
  const suffix = hostParts.slice(0, shared).reverse();
  const variants = suffix.slice(0, -1).map((_, index) => `${unique}.${suffix.slice(0, index + 1).join('.')}`);
  return [unique, ...variants];
}

/** The domains of the virtual host for `host` on `port`, as seen by a sidecar in `proxyNamespace`. */
export function virtualHostDomains(
  host: string,
  port: number,
  proxyNamespace: string,
  profile: IstioProfile,
  addresses: readonly string[] = [],
): string[] {
  const [, minor] = parseVersion(profile.version);
  const aliases = minor >= 13 ? kubernetesAliases(host, proxyNamespace) : sharedSuffixAliases(host, proxyNamespace);
  return withPort([host, ...aliases.filter((alias) => alias !== host), ...addresses], port);
}

/** The Host header a client sends for `name` on `port`: with the port unless it is 80. */
export function hostHeader(name: string, port: number): string {
  return port === 80 ? name : `${name}:${port}`;
}

/** Whether the Host header reaches the virtual host; Envoy compares domains without case. */
export function hostHeaderMatches(header: string, domains: readonly string[]): string | undefined {
  const lower = header.toLowerCase();
  return domains.find((domain) => domain === lower);
}
