/** VirtualService rules of Istio's webhook (`validateVirtualService`, `virtualservice.go`). */
import { ipOrCidrError, isDns1123Label, isIpAddress, portError, wildcardDomainError } from './checks.js';
import { checkExportTo, checkLabelMap } from './common.js';
import { checkHttpRoute } from './http-route.js';
import { type Issues, isSet, list, type Path } from './issues.js';
import type { L4MatchAttributes, VirtualService, VirtualServiceSpec } from './objects.js';
import { checkGatewayNames, checkRouteDestinations, hostsOverlap, type RouteOptions } from './routes.js';

export function checkVirtualService(issues: Issues, object: VirtualService, options: RouteOptions): void {
  const vs = object.spec;
  checkHosts(issues, vs);
  checkGatewayNames(issues, ['spec', 'gateways'], vs.gateways);
  if (list(vs.http).length === 0 && list(vs.tcp).length === 0 && list(vs.tls).length === 0) {
    issues.add(['spec'], 'a VirtualService needs at least one of http, tcp or tls');
  }
  list(vs.http).forEach((route, i) => checkHttpRoute(issues, ['spec', 'http', i], route, options));
  list(vs.tcp).forEach((route, i) => {
    const path = ['spec', 'tcp', i];
    list(route.match).forEach((match, j) => {
      checkL4Match(issues, [...path, 'match', j], match);
      if (match.sourceSubnet) issues.check([...path, 'match', j, 'sourceSubnet'], ipOrCidrError(match.sourceSubnet));
    });
    checkRouteDestinations(issues, [...path, 'route'], route.route, options);
  });
  list(vs.tls).forEach((route, i) => {
    const path = ['spec', 'tls', i];
    if (list(route.match).length === 0) issues.add([...path, 'match'], 'a TLS route needs at least one match');
    list(route.match).forEach((match, j) => {
      checkL4Match(issues, [...path, 'match', j], match);
      checkSniHosts(issues, [...path, 'match', j, 'sniHosts'], match.sniHosts, vs.hosts);
    });
    checkRouteDestinations(issues, [...path, 'route'], route.route, options);
  });
  checkExportTo(issues, ['spec', 'exportTo'], vs.exportTo, object.metadata.namespace);
}

function checkHosts(issues: Issues, vs: VirtualServiceSpec): void {
  const hosts = list(vs.hosts);
  if (hosts.length === 0) {
    issues.add(['spec', 'hosts'], 'a VirtualService must have at least one host (delegates are not rendered)');
    return;
  }
  const gateways = list(vs.gateways);
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  let allValid = true;
  hosts.forEach((host, i) => {
    const error = isIpAddress(host) ? undefined : wildcardDomainError(host);
    if (error) issues.add(['spec', 'hosts', i], error);
    else if (appliesToMesh && host === '*') {
      issues.add(
        ['spec', 'hosts', i],
        'the wildcard host "*" is not allowed for a VirtualService bound to the mesh gateway',
      );
    }
    allValid &&= !error && !(appliesToMesh && host === '*');
  });
  if (!allValid) return;
  for (let j = 1; j < hosts.length; j++) {
    const i = hosts.slice(0, j).findIndex((earlier) => hostsOverlap(earlier, hosts[j] ?? ''));
    if (i >= 0)
      issues.add(['spec', 'hosts', j], `duplicate hosts in the VirtualService: "${hosts[i]}" and "${hosts[j]}"`);
  }
}

function checkL4Match(issues: Issues, path: Path, match: L4MatchAttributes): void {
  list(match.destinationSubnets).forEach((subnet, i) =>
    issues.check([...path, 'destinationSubnets', i], ipOrCidrError(subnet)),
  );
  if (isSet(match.port)) issues.check([...path, 'port'], portError(match.port));
  checkLabelMap(issues, [...path, 'sourceLabels'], match.sourceLabels);
  checkGatewayNames(issues, [...path, 'gateways'], match.gateways);
  if (match.sourceNamespace && !isDns1123Label(match.sourceNamespace)) {
    issues.add([...path, 'sourceNamespace'], `"${match.sourceNamespace}" is not a namespace name`);
  }
}

function checkSniHosts(
  issues: Issues,
  path: Path,
  sniHosts: string[] | undefined,
  vsHosts: string[] | undefined,
): void {
  if (list(sniHosts).length === 0) issues.add(path, 'a TLS match needs at least one SNI host');
  list(sniHosts).forEach((sni, i) => {
    const error = wildcardDomainError(sni);
    if (error) issues.add([...path, i], error);
    else if (!list(vsHosts).some((host) => hostsOverlap(host, sni))) {
      issues.add([...path, i], `SNI host "${sni}" is not covered by any host of the VirtualService`);
    }
  });
}
