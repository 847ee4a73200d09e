/** Gateway rules of Istio's webhook (`validateGateway`, `validateServer`, `validateTLSOptions`). */
import {
  isDns1123Label,
  isHttpProtocol,
  isIpAddress,
  isTlsProtocol,
  parseProtocol,
  portError,
  wildcardDomainError,
} from './checks.js';
import { checkLabelMap } from './common.js';
import { type Issues, isFilled, isSet, list, type Path } from './issues.js';
import type { Gateway, Server, ServerTLSSettings } from './objects.js';

export function checkGateway(issues: Issues, object: Gateway): void {
  const servers = list(object.spec.servers);
  if (servers.length === 0) issues.add(['spec', 'servers'], 'a Gateway must have at least one server');
  const portNames = new Set<string>();
  servers.forEach((server, i) => {
    const path = ['spec', 'servers', i];
    checkServer(issues, path, server);
    const name = server.port?.name;
    if (typeof name !== 'string') return;
    if (portNames.has(name))
      issues.add([...path, 'port', 'name'], `port names must be unique across servers: "${name}" is repeated`);
    portNames.add(name);
  });
  checkLabelMap(issues, ['spec', 'selector'], object.spec.selector);
}

function checkServer(issues: Issues, path: Path, server: Server): void {
  const hosts = list(server.hosts);
  if (hosts.length === 0) issues.add([...path, 'hosts'], 'a server must have at least one host');
  hosts.forEach((host, i) => issues.check([...path, 'hosts', i], gatewayHostError(host)));
  if (
    typeof server.bind === 'string' &&
    server.bind !== '' &&
    !isIpAddress(server.bind) &&
    !server.bind.startsWith('unix://')
  ) {
    issues.add([...path, 'bind'], `bind "${server.bind}" must be an IP address or a unix:// socket`);
  }
  const port = server.port;
  if (!port) return;
  issues.check([...path, 'port', 'number'], portError(port.number));
  if (isSet(port.targetPort)) issues.add([...path, 'port', 'targetPort'], 'targetPort is not supported in a Gateway');
  const protocol = parseProtocol(port.protocol);
  if (typeof port.protocol === 'string' && !protocol)
    issues.add([...path, 'port', 'protocol'], `unknown protocol "${port.protocol}"`);
  if (protocol) checkServerTlsPresence(issues, path, protocol, server.tls);
  if (server.tls) checkServerTls(issues, [...path, 'tls'], server.tls);
}

/**
 * `[namespace/]host`: namespace `*`, `.` or a DNS-1123 label; host `*`, `*.domain` or a
 * dotted FQDN (no short names, no partial wildcards).
 */
export function gatewayHostError(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  const namespace = slash < 0 ? undefined : entry.slice(0, slash);
  const host = slash < 0 ? entry : entry.slice(slash + 1);
  if (namespace !== undefined && namespace !== '*' && namespace !== '.' && !isDns1123Label(namespace)) {
    return `invalid namespace "${namespace}" in host "${entry}": use "*", "." or a namespace name`;
  }
  if (host === '*') return undefined;
  const error = wildcardDomainError(host);
  if (error) return error;
  if (host.includes('*') && !host.startsWith('*.')) return `partial wildcard "${host}" is not allowed; use "*.domain"`;
  if (!host.includes('.')) return `short name "${host}" is not allowed; use a fully qualified name`;
  return undefined;
}

function checkServerTlsPresence(
  issues: Issues,
  path: Path,
  protocol: string,
  tls: ServerTLSSettings | undefined,
): void {
  if (isTlsProtocol(protocol) && !tls) {
    issues.add([...path, 'tls'], `a server on an ${protocol} port must have TLS settings`);
  } else if (!isTlsProtocol(protocol) && tls) {
    const passthrough = tls.mode === undefined || tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH';
    const files = [tls.serverCertificate, tls.privateKey, tls.caCertificates].some(isFilled);
    if (!isHttpProtocol(protocol))
      issues.add([...path, 'tls'], `a server on a ${protocol} port cannot have TLS settings`);
    else if (!passthrough || files) issues.add([...path, 'tls'], 'a plain-text HTTP server may only set httpsRedirect');
  }
}

function checkServerTls(issues: Issues, path: Path, tls: ServerTLSSettings): void {
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    for (const field of istioMutualForbidden) {
      if (isFilled(tls[field])) issues.add([...path, field], 'must be empty with mode ISTIO_MUTUAL');
    }
  }
  if (isFilled(tls.caCrl) && (isFilled(tls.credentialName) || mode === 'ISTIO_MUTUAL')) {
    issues.add([...path, 'caCrl'], 'a CRL file cannot be used with credentialName or ISTIO_MUTUAL');
  }
  const credential = isFilled(tls.credentialName) || isFilled(tls.credentialNames) || isFilled(tls.tlsCertificates);
  if ((mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') && !credential) {
    checkCertificateFiles(issues, path, tls, mode);
  }
}

const istioMutualForbidden = [
  'serverCertificate',
  'privateKey',
  'caCertificates',
  'credentialName',
  'credentialNames',
] as const;

/** SIMPLE and MUTUAL without a credential: the certificate files. */
function checkCertificateFiles(issues: Issues, path: Path, tls: ServerTLSSettings, mode: string): void {
  const needs = `${mode} TLS needs credentialName, or serverCertificate and privateKey`;
  if (!isFilled(tls.serverCertificate)) issues.add([...path, 'serverCertificate'], needs);
  if (!isFilled(tls.privateKey)) issues.add([...path, 'privateKey'], needs);
  if (mode !== 'SIMPLE' && !isFilled(tls.caCertificates) && !isFilled(tls.caCertCredentialName)) {
    issues.add(
      [...path, 'caCertificates'],
      `${mode} TLS needs a client CA bundle (caCertificates) or a credentialName`,
    );
  }
}
