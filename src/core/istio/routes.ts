/** Pieces shared by HTTP, TCP and TLS routes: destinations, weights, gateway names, host overlap. */
import { fqdnError, isDns1123Label, portError, wildcardDomainError } from './checks.js';
import { type Issues, isSet, list, type Path } from './issues.js';
import type { Destination, RouteDestination } from './objects.js';

export interface RouteOptions {
  /** Istio 1.5–1.14: the weights of a route with several destinations must total exactly 100. */
  weightsMustSum100?: boolean;
}

/** Istio's `host.Name.Matches`, symmetric: equal, or covered by the other's wildcard. */
export function hostsOverlap(a: string, b: string): boolean {
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/** `[namespace/]name` of a Gateway, or `mesh`. */
export function checkGatewayNames(issues: Issues, path: Path, gateways: string[] | undefined): void {
  list(gateways).forEach((gateway, i) => {
    const slash = gateway.indexOf('/');
    if (slash < 0) {
      issues.check([...path, i], fqdnError(gateway));
      return;
    }
    const namespace = gateway.slice(0, slash);
    const name = gateway.slice(slash + 1);
    if (!isDns1123Label(namespace))
      issues.add([...path, i], `invalid namespace "${namespace}" in gateway "${gateway}"`);
    else if (!isDns1123Label(name)) issues.add([...path, i], `invalid gateway name "${name}" in "${gateway}"`);
  });
}

export function checkDestination(issues: Issues, path: Path, destination: Destination | undefined): void {
  if (!isSet(destination) || destination === undefined) {
    issues.add(path, 'destination is required');
    return;
  }
  if (destination.host === '*') issues.add([...path, 'host'], 'the destination host cannot be "*"');
  else if (typeof destination.host === 'string') issues.check([...path, 'host'], wildcardDomainError(destination.host));
  if (typeof destination.subset === 'string' && !isDns1123Label(destination.subset)) {
    issues.add([...path, 'subset'], `subset "${destination.subset}" is not a DNS-1123 label`);
  }
  if (isSet(destination.port)) issues.check([...path, 'port', 'number'], portError(destination.port?.number));
}

/** Weights ≥ 0, a non-zero total with several destinations (and exactly 100 for old Istio). */
export function checkRouteDestinations(
  issues: Issues,
  path: Path,
  routes: readonly RouteDestination[] | undefined,
  options: RouteOptions,
): void {
  const all = list(routes);
  let total = 0;
  all.forEach((route, i) => {
    checkDestination(issues, [...path, i, 'destination'], route.destination);
    const weight = route.weight ?? 0;
    if (weight < 0) issues.add([...path, i, 'weight'], `weight ${weight} must not be negative`);
    total += weight;
  });
  if (all.length > 1 && total === 0) issues.add(path, 'the total weight of several destinations must not be 0');
  else if (all.length > 1 && options.weightsMustSum100 && total !== 100) {
    issues.add(path, `the weights total ${total}; Istio 1.5–1.14 requires exactly 100`);
  }
}
