/**
 * Value rules shared by the kinds, after Istio's webhook (`pkg/config/validation/agent`,
 * `pkg/config/labels`) and Kubernetes' apimachinery validation. Each returns an error message or
 * `undefined`.
 */
import { isIP } from 'node:net';

/** Istio's `labels.IsDNS1123Label`: case-insensitive. */
const istioLabel = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** Istio's wildcard first label: `*`, or a label with a `*` or `*-` prefix. */
const wildcardLabel = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
/** Kubernetes' DNS-1123 label and subdomain: lowercase. */
const k8sLabel = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const k8sSubdomain = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedName = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && istioLabel.test(value);
}

export function k8sLabelError(value: string): string | undefined {
  if (value.length > 63) return `must be at most 63 characters (is ${value.length})`;
  if (!k8sLabel.test(value)) return `"${value}" is not a DNS-1123 label (lowercase letters, digits, "-")`;
  return undefined;
}

export function k8sSubdomainError(value: string): string | undefined {
  if (value.length > 253) return `must be at most 253 characters (is ${value.length})`;
  if (!k8sSubdomain.test(value)) return `"${value}" is not a DNS-1123 subdomain (lowercase letters, digits, "-", ".")`;
  return undefined;
}

function dnsPreconditions(domain: string): string | undefined {
  if (domain.length === 0) return 'empty domain name not allowed';
  if (domain.length > 255) return `domain name "${domain}" too long (max 255)`;
  return undefined;
}

const dnsLabels =
  /^(?:[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\.?$/;
const numericTop = /(?:^|\.)[0-9]+$/;

/** Istio's `ValidateDNS1123Labels`: dot-separated labels, top-level not all digits, trailing dot allowed. */
function dnsLabelsError(domain: string): string | undefined {
  if (dnsLabels.test(domain) && !numericTop.test(domain)) return undefined;
  const parts = domain.split('.');
  const top = parts[parts.length - 1] ?? '';
  if (/^[0-9]+$/.test(top)) return `domain name "${domain}" invalid (top level domain "${top}" cannot be all-numeric)`;
  for (const [i, label] of parts.entries()) {
    if (i === parts.length - 1 && label === '' && i > 0) return undefined;
    if (!isDns1123Label(label)) return `domain name "${domain}" invalid (label "${label}" invalid)`;
  }
  return undefined;
}

/** Istio's `ValidateWildcardDomain`: DNS-1123 labels, a wildcard only in the first label; no IPs. */
export function wildcardDomainError(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first.length > 63 || !wildcardLabel.test(first))
    return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dot < 0 ? undefined : dnsLabelsError(domain.slice(dot + 1));
}

/** Istio's `ValidateFQDN`: DNS-1123 labels, no wildcard. */
export function fqdnError(domain: string): string | undefined {
  return dnsPreconditions(domain) ?? dnsLabelsError(domain);
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** Istio's `ValidateIPSubnet`: an IP, or a CIDR `ip/len`. */
export function ipOrCidrError(value: string): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return isIpAddress(value) ? undefined : `"${value}" is not a valid IP address`;
  const family = isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^[0-9]{1,3}$/.test(bits) || Number(bits) > max) return `"${value}" is not a valid CIDR block`;
  return undefined;
}

export function portError(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return `port number ${String(value)} must be in the range 1..65535`;
  }
  return undefined;
}

export function percentError(value: unknown): string | undefined {
  if (typeof value === 'number' && (value < 0 || value > 100)) return `percentage ${value} is not in range 0..100`;
  return undefined;
}

export function nonNegativeError(value: unknown): string | undefined {
  if (typeof value === 'number' && value < 0) return `must be non-negative (is ${value})`;
  return undefined;
}

const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const durationShape = /^[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const durationPart = /([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/g;

const parsed = new Map<string, number | undefined>();

/** Go's `time.ParseDuration`, in nanoseconds; undefined when invalid. Generated config repeats a few values: cached. */
export function parseDuration(value: string): number | undefined {
  if (parsed.has(value)) return parsed.get(value);
  const ns = parseGoDuration(value);
  if (parsed.size < 4096) parsed.set(value, ns);
  return ns;
}

function parseGoDuration(value: string): number | undefined {
  if (value === '0' || value === '+0' || value === '-0') return 0;
  if (!durationShape.test(value)) return undefined;
  let total = 0;
  for (const [, whole = '', fraction = '', unit = 's'] of value.matchAll(durationPart)) {
    const scale = units[unit] ?? 1;
    total += Number(whole || '0') * scale;
    if (fraction) total += Math.trunc(Number(fraction) * (scale / 10 ** fraction.length));
  }
  return value.startsWith('-') ? -total : total;
}

/**
 * A duration field: a Go duration string; with `min1ms` (Istio's `ValidateDuration`, most fields)
 * at least 1ms and a whole number of milliseconds, else only non-negative.
 */
export function durationError(value: unknown, min1ms = true): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ns = parseDuration(value);
  if (ns === undefined) return `"${value}" is not a duration (like "10ms", "1.5s", "5m", "1h")`;
  if (!min1ms) return ns < 0 ? `duration "${value}" must not be negative` : undefined;
  if (ns < 1e6) return `duration "${value}" must be at least 1ms`;
  if (ns % 1e6 !== 0) return `duration "${value}" must be a whole number of milliseconds`;
  return undefined;
}

/** Kubernetes label and annotation keys: `[prefix/]name`. */
export function qualifiedNameError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || k8sSubdomainError(prefix)) return `key "${key}" has an invalid prefix "${prefix}"`;
  }
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    return `key "${key}" is not a qualified name (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)`;
  }
  return undefined;
}

export function labelValueError(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length > 63 || (value !== '' && !qualifiedName.test(value))) {
    return `label value "${value}" is invalid (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)`;
  }
  return undefined;
}

/** Istio's protocol names (`pkg/config/protocol`), matched case-insensitively. */
const protocols = new Map(
  ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'MONGO', 'REDIS', 'MYSQL', 'TCP', 'TLS', 'UDP', 'HTTP_PROXY'].map(
    (name) => [name.toLowerCase(), name],
  ),
);

/** The canonical protocol name, or undefined when Istio does not know it. */
export function parseProtocol(value: unknown): string | undefined {
  return typeof value === 'string' ? protocols.get(value.toLowerCase()) : undefined;
}

export function isHttpProtocol(protocol: string | undefined): boolean {
  return protocol !== undefined && ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes(protocol);
}

export function isTlsProtocol(protocol: string | undefined): boolean {
  return protocol === 'HTTPS' || protocol === 'TLS';
}
