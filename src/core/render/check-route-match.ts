/**
 * The matching rules `check route` needs, as Istio and Kubernetes apply them:
 * DNS search paths, host names written in Istio objects,
 * VirtualService string matches and AuthorizationPolicy string matches.
 */

export const CLUSTER_DOMAIN = 'cluster.local';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SERVICE_HOST = new RegExp(`^(${LABEL})\\.(${LABEL})\\.svc\\.${CLUSTER_DOMAIN.replace('.', '\\.')}$`);

/** `name.ns.svc.cluster.local` → `{name, namespace}`: the name of a Kubernetes Service. */
export function kubernetesService(host: string): { name: string; namespace: string } | undefined {
  const match = SERVICE_HOST.exec(host);
  return match ? { name: match[1] as string, namespace: match[3] as string } : undefined;
}

/**
 * The names a resolver tries for `name` from a pod in `namespace`: Kubernetes'
 * search path (`<ns>.svc.cluster.local svc.cluster.local cluster.local`, ndots 5)
 * then the name itself; a trailing dot makes the name absolute.
 */
export function searchCandidates(name: string, namespace: string): string[] {
  const lower = name.trim().toLowerCase();
  if (lower.endsWith('.')) return [lower.slice(0, -1)];
  const searched = [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN].map(
    (suffix) => `${lower}.${suffix}`,
  );
  const dots = lower.split('.').length - 1;
  return dots >= 5 ? [lower, ...searched] : [...searched, lower];
}

/**
 * The host a call to `name` goes to: the first search candidate the mesh knows
 * (a host of a VirtualService or ServiceEntry the caller sees) or that names a
 * Kubernetes Service; else the name as written.
 */
export function resolveCalledHost(name: string, namespace: string, known: (host: string) => boolean): string {
  const candidates = searchCandidates(name, namespace);
  return (
    candidates.find(known) ??
    candidates.find((candidate) => kubernetesService(candidate) !== undefined) ??
    (candidates[candidates.length - 1] as string)
  );
}

/** A host in a VirtualService or DestinationRule: a short name is a Service of the object's namespace. */
export function qualifyHost(host: string, namespace: string | undefined): string {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  if (lower.includes('.') || lower.includes('*') || namespace === undefined) return lower;
  return `${lower}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** Istio host matching: `*` is every host, `*.example.com` a suffix; otherwise exact. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export function stringMatches(match: StringMatch, value: string, ignoreCase = false): boolean {
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  if (match.exact !== undefined) return fold(value) === fold(match.exact);
  if (match.prefix !== undefined) return fold(value).startsWith(fold(match.prefix));
  if (match.regex !== undefined) {
    try {
      return new RegExp(`^(?:${match.regex})$`, ignoreCase ? 'i' : '').test(value);
    } catch {
      return false;
    }
  }
  return true;
}

export function describeStringMatch(match: StringMatch): string {
  if (match.exact !== undefined) return `= ${match.exact}`;
  if (match.prefix !== undefined) return `prefix ${match.prefix}`;
  if (match.regex !== undefined) return `~ ${match.regex}`;
  return 'any';
}

function templateRegex(pattern: string): RegExp {
  const escaped = pattern
    .split(/(\{\*\*\}|\{\*\})/)
    .map((part) =>
      part === '{**}' ? '[^?#]*' : part === '{*}' ? '[^/?#]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${escaped}$`);
}

/**
 * AuthorizationPolicy string matching: exact `abc`, prefix `abc*`, suffix `*abc`,
 * presence `*`; with `paths`, also the templates `{*}` (one segment) and `{**}`.
 */
export function policyMatches(pattern: string, value: string, templates = false): boolean {
  if (templates && /\{\*\*?\}/.test(pattern)) return templateRegex(pattern).test(value);
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return value === pattern;
}

function ipv4(value: string): number | undefined {
  const parts = value.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

/** Whether an IPv4 address is in a CIDR (or equals a bare address); IPv6 is compared textually. */
export function inIpBlock(block: string, ip: string): boolean {
  const [base, bits] = block.split('/');
  const address = ipv4(ip);
  const network = ipv4(base ?? '');
  if (address === undefined || network === undefined) return block === ip;
  const hostBits = 32 - (bits === undefined ? 32 : Number(bits));
  return Math.floor(address / 2 ** hostBits) === Math.floor(network / 2 ** hostBits);
}

/** The path without its query string: what Envoy matches exact and regex paths (and AuthorizationPolicy paths) on. */
export function pathOnly(path: string): string {
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/** The query parameters of a request path. */
export function queryOf(path: string): URLSearchParams {
  const start = path.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : path.slice(start + 1).replace(/#.*$/, ''));
}
