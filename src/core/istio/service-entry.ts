/** ServiceEntry rules of Istio's webhook (`validateServiceEntry`) and the CRD's CEL rules. */
import {
  fqdnError,
  ipOrCidrError,
  isDns1123Label,
  isHttpProtocol,
  isIpAddress,
  isTlsProtocol,
  parseProtocol,
  portError,
  wildcardDomainError,
} from './checks.js';
import { checkExportTo, checkLabelMap } from './common.js';
import { entries, type Issues, isSet, list, type Path } from './issues.js';
import type { ServiceEntry, ServiceEntrySpec, ServicePort, WorkloadEntrySpec } from './objects.js';

const spec: Path = ['spec'];

export function checkServiceEntry(issues: Issues, object: ServiceEntry): void {
  const se = object.spec;
  checkHosts(issues, se);
  checkAddresses(issues, se);
  const portNames = checkPorts(issues, se);
  checkResolution(issues, se);
  checkEndpointAddresses(issues, se);
  const endpoints = list(se.endpoints);
  endpoints.forEach((endpoint, i) => checkEndpoint(issues, ['spec', 'endpoints', i], endpoint, portNames));
  if (endpoints.length > 0 && isSet(se.workloadSelector)) {
    issues.add(['spec', 'workloadSelector'], 'only one of workloadSelector or endpoints is allowed');
  }
  checkLabelMap(issues, ['spec', 'workloadSelector', 'labels'], se.workloadSelector?.labels);
  checkExportTo(issues, ['spec', 'exportTo'], se.exportTo, object.metadata.namespace, { serviceEntry: true });
}

function checkHosts(issues: Issues, se: ServiceEntrySpec): void {
  const hosts = list(se.hosts);
  if (hosts.length === 0) issues.add(['spec', 'hosts'], 'a ServiceEntry must have at least one host');
  hosts.forEach((host, i) => {
    if (host === '*') issues.add(['spec', 'hosts', i], 'the full wildcard "*" is not allowed as a ServiceEntry host');
    else issues.check(['spec', 'hosts', i], wildcardDomainError(host));
  });
}

function checkAddresses(issues: Issues, se: ServiceEntrySpec): void {
  const resolution = se.resolution ?? 'NONE';
  list(se.addresses).forEach((address, i) => {
    const error = ipOrCidrError(address);
    issues.check(['spec', 'addresses', i], error);
    if (!error && address.includes('/') && resolution !== 'NONE' && resolution !== 'STATIC') {
      issues.add(['spec', 'addresses', i], 'CIDR addresses are allowed only with resolution NONE or STATIC');
    }
  });
}

/** Port names and numbers unique, names DNS-1123 labels, protocols known. Returns the declared names. */
function checkPorts(issues: Issues, se: ServiceEntrySpec): Set<string> {
  const names = new Set<string>();
  const numbers = new Set<number>();
  list(se.ports).forEach((port: ServicePort, i) => {
    const path = [...spec, 'ports', i];
    issues.check([...path, 'number'], portError(port.number));
    if (numbers.has(port.number)) issues.add([...path, 'number'], `port ${port.number} is already defined`);
    numbers.add(port.number);
    if (typeof port.name === 'string' && !isDns1123Label(port.name)) {
      issues.add(
        [...path, 'name'],
        `invalid port name "${port.name}": must be a DNS-1123 label of at most 63 characters`,
      );
    }
    if (names.has(port.name)) issues.add([...path, 'name'], `port name "${port.name}" is already defined`);
    names.add(port.name);
    if (isSet(port.targetPort)) issues.check([...path, 'targetPort'], portError(port.targetPort));
    if (typeof port.protocol === 'string' && port.protocol !== '' && !parseProtocol(port.protocol)) {
      issues.add([...path, 'protocol'], `unknown protocol "${port.protocol}"`);
    }
  });
  return names;
}

function checkResolution(issues: Issues, se: ServiceEntrySpec): void {
  const resolution = se.resolution ?? 'NONE';
  const endpoints = list(se.endpoints);
  const hosts = list(se.hosts);
  if (resolution === 'NONE' && endpoints.length > 0) {
    issues.add(['spec', 'endpoints'], 'no endpoints may be given with resolution NONE');
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    issues.add(['spec', 'endpoints'], 'resolution DNS_ROUND_ROBIN allows at most one endpoint');
  }
  if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && endpoints.length === 0) {
    hosts.forEach((host, i) => {
      if (host !== '*' && !wildcardDomainError(host) && fqdnError(host)) {
        issues.add(
          ['spec', 'hosts', i],
          `hosts must be FQDNs (no wildcards) when resolution ${resolution} has no endpoints`,
        );
      }
    });
  }
  if (resolution === 'DYNAMIC_DNS') checkDynamicDns(issues, se);
  if (resolution !== 'NONE' && hosts.length > 1) {
    const plain = list(se.ports).findIndex((port) => {
      const protocol = parseProtocol(port.protocol);
      return !isHttpProtocol(protocol) && !isTlsProtocol(protocol);
    });
    if (plain >= 0) {
      issues.add(
        ['spec', 'ports', plain, 'protocol'],
        `several hosts need HTTP or TLS ports unless resolution is NONE`,
      );
    }
  }
}

function checkDynamicDns(issues: Issues, se: ServiceEntrySpec): void {
  list(se.hosts).forEach((host, i) => {
    if (!host.startsWith('*.')) issues.add(['spec', 'hosts', i], 'resolution DYNAMIC_DNS needs wildcard hosts');
  });
  if (list(se.endpoints).length > 0) issues.add(['spec', 'endpoints'], 'resolution DYNAMIC_DNS takes no endpoints');
  list(se.ports).forEach((port, i) => {
    const protocol = parseProtocol(port.protocol);
    if (!['HTTP', 'HTTP2', 'GRPC', 'TLS'].includes(protocol ?? '')) {
      issues.add(['spec', 'ports', i, 'protocol'], 'resolution DYNAMIC_DNS needs HTTP, HTTP2, GRPC or TLS ports');
    }
  });
}

function checkEndpoint(issues: Issues, path: Path, endpoint: WorkloadEntrySpec, portNames: Set<string>): void {
  const address = endpoint.address;
  if ((typeof address !== 'string' || address === '') && !endpoint.network) {
    issues.add([...path, 'address'], 'an endpoint needs an address or a network');
  }
  for (const [name, port] of entries(endpoint.ports)) {
    if (!portNames.has(name)) issues.add([...path, 'ports', name], `"${name}" is not a port name of this ServiceEntry`);
    issues.check([...path, 'ports', name], portError(port));
  }
  checkLabelMap(issues, [...path, 'labels'], endpoint.labels);
  if (isSet(endpoint.weight) && (endpoint.weight ?? 0) < 0) issues.add([...path, 'weight'], 'must be non-negative');
}

/** Address rules that depend on the resolution: STATIC wants IPs (or unix sockets), DNS IPs or FQDNs. */
function checkEndpointAddresses(issues: Issues, se: ServiceEntrySpec): void {
  const resolution = se.resolution ?? 'NONE';
  list(se.endpoints).forEach((endpoint, i) => {
    const address = endpoint.address;
    if (typeof address !== 'string' || address === '') return;
    const path = ['spec', 'endpoints', i, 'address'];
    if (resolution === 'STATIC' && !isIpAddress(address) && !address.startsWith('unix://')) {
      issues.add(path, `endpoint address "${address}" is not an IP address (resolution STATIC)`);
    }
    if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && !isIpAddress(address) && fqdnError(address)) {
      issues.add(path, `endpoint address "${address}" is neither an IP address nor an FQDN`);
    }
  });
}
