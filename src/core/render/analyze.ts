/**
 * Checks across the objects of one cluster that no single object shows: two
 * ServiceEntries with one address or one host and port, route destinations that
 * resolve to nothing, and two objects with one name.
 */
import type { Diagnostic } from './diagnostics.js';
import { objectId, type RenderedObject } from './objects.js';

interface Spec {
  hosts?: string[];
  addresses?: string[];
  ports?: { number: number }[];
  http?: { route?: { destination?: { host?: string } }[] }[];
}

function ownerOf(object: RenderedObject): string {
  const labels = object.metadata.labels;
  return labels['meshbridge.io/intent']
    ? `${labels['meshbridge.io/deployment-intent-group']}/${labels['meshbridge.io/intent']}`
    : 'cluster';
}

function claim(
  seen: Map<string, RenderedObject>,
  key: string,
  object: RenderedObject,
  found: (other: RenderedObject) => void,
): void {
  const other = seen.get(key);
  if (other && other !== object) found(other);
  else seen.set(key, object);
}

type Report = (code: string, message: string) => void;

export function analyzeCluster(clusterName: string, objects: readonly RenderedObject[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (code, message) =>
    diagnostics.push({ severity: 'error', code, message, cluster: clusterName });
  const entryHosts = checkEntries(objects, report);
  checkRoutes(objects, entryHosts, report);
  return diagnostics;
}

/** Names, addresses and host:ports that two objects claim; returns every ServiceEntry host. */
function checkEntries(objects: readonly RenderedObject[], report: Report): Set<string> {
  const addresses = new Map<string, RenderedObject>();
  const hostPorts = new Map<string, RenderedObject>();
  const ids = new Map<string, RenderedObject>();
  const entryHosts = new Set<string>();
  for (const object of objects) {
    claim(ids, objectId(object), object, (other) =>
      report('NameCollision', `${objectId(object)} is rendered for both ${ownerOf(other)} and ${ownerOf(object)}`),
    );
    if (object.kind !== 'ServiceEntry') continue;
    const spec = (object.spec ?? {}) as Spec;
    for (const address of spec.addresses ?? []) {
      claim(addresses, address, object, (other) =>
        report('AddressCollision', `address ${address} is used by ${objectId(other)} and ${objectId(object)}`),
      );
    }
    for (const host of spec.hosts ?? []) {
      entryHosts.add(host);
      for (const port of spec.ports ?? []) {
        claim(hostPorts, `${host}:${port.number}`, object, (other) =>
          report('HostCollision', `${host}:${port.number} is declared by ${objectId(other)} and ${objectId(object)}`),
        );
      }
    }
  }
  return entryHosts;
}

/** Every route destination is a cluster-local service or a host a ServiceEntry here declares. */
function checkRoutes(objects: readonly RenderedObject[], entryHosts: Set<string>, report: Report): void {
  for (const object of objects) {
    if (object.kind !== 'VirtualService') continue;
    for (const rule of ((object.spec ?? {}) as Spec).http ?? []) {
      for (const route of rule.route ?? []) {
        const host = route.destination?.host ?? '';
        if (!host.endsWith('.svc.cluster.local') && !entryHosts.has(host)) {
          report(
            'RouteDestinationUnresolved',
            `${objectId(object)} routes to ${host}, which no ServiceEntry in this cluster declares: declare a client of that service running here`,
          );
        }
      }
    }
  }
}
