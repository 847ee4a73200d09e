/** Everything one inbound intent puts in every cluster, from its resolved model. */
import { appendTo } from '../../validation/values.js';
import type { Diagnostic } from '../diagnostics.js';
import { serviceEdges, type ClientSide } from '../edges.js';
import type { RenderedObject } from '../objects.js';
import { isFirstPort, wholeService, type ServiceModel } from '../services.js';
import { clientSideObjects, type AddressOf } from './client-side.js';
import { ownName, ownNameObjects } from './local-name.js';
import { serverPolicy, serverSideObjects } from './server-side.js';

export interface UnitOutput {
  byCluster: Map<string, RenderedObject[]>;
  diagnostics: Diagnostic[];
}

function add(into: Map<string, RenderedObject[]>, cluster: string, objects: RenderedObject[]): void {
  if (objects.length > 0) appendTo(into, cluster, ...objects);
}

/**
 * The virtual addresses a service needs: per client cluster that calls it from afar, one for the cross-cluster
 * name and one for the Service's own name where callers may use it (local-name.ts).
 */
export function serviceClaims(service: ServiceModel): { cluster: string; host: string; owner: string }[] {
  // Shared-discovery callers use the real name, whose address is the Service's own.
  if (!isFirstPort(service)) return [];
  const whole = wholeService(service);
  return federatedSides(whole).flatMap((side) => {
    const own = ownName(whole, side);
    const hosts = [side.host, ...(own && 'host' in own ? [own.host] : [])];
    return hosts.map((host) => ({ cluster: side.cluster.key, host, owner: service.key }));
  });
}

export function federatedSides(service: ServiceModel): ClientSide[] {
  return serviceEdges(service).remote.filter((side) => side.mode === 'federated');
}

/**
 * A Service's first port renders everything about the Service with all its ports' callers; each port's intent
 * renders the AuthorizationPolicy for its own callers.
 */
export function renderService(service: ServiceModel, addressOf: AddressOf): UnitOutput {
  const byCluster = new Map<string, RenderedObject[]>();
  if (!isFirstPort(service)) {
    const diagnostics: Diagnostic[] = [];
    for (const server of service.servers) {
      const policy = serverPolicy(service, server);
      if ('kind' in policy) add(byCluster, server.cluster.key, [policy]);
      else diagnostics.push(policy);
    }
    return { byCluster, diagnostics };
  }
  const whole = wholeService(service);
  const edges = serviceEdges(whole);
  const diagnostics = [...edges.diagnostics];
  for (const server of edges.servers) {
    const { objects, diagnostics: problems } = serverSideObjects(service, whole, server, edges);
    add(byCluster, server.cluster.key, objects);
    diagnostics.push(...problems);
  }
  for (const side of edges.remote) {
    const { objects, diagnostics: problems } = clientSideObjects(whole, side, edges, addressOf);
    add(byCluster, side.cluster.key, objects);
    diagnostics.push(...problems);
    // Only beside the cross-cluster name's objects: where those are missing, so is what both need.
    if (side.mode !== 'federated' || objects.length === 0) continue;
    const byOwnName = ownNameObjects(whole, side, edges, addressOf);
    add(byCluster, side.cluster.key, byOwnName.objects);
    diagnostics.push(...byOwnName.diagnostics);
  }
  return { byCluster, diagnostics };
}
