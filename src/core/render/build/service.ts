/** Everything one inbound intent puts in every cluster, from its resolved model. */
import { appendTo } from '../../validation/values.js';
import type { Diagnostic } from '../diagnostics.js';
import { serviceEdges } from '../edges.js';
import type { RenderedObject } from '../objects.js';
import type { ServiceModel } from '../services.js';
import { clientSideObjects, type AddressOf } from './client-side.js';
import { serverSideObjects } from './server-side.js';

export interface UnitOutput {
  byCluster: Map<string, RenderedObject[]>;
  diagnostics: Diagnostic[];
}

function add(into: Map<string, RenderedObject[]>, cluster: string, objects: RenderedObject[]): void {
  if (objects.length > 0) appendTo(into, cluster, ...objects);
}

/** The virtual addresses a service needs: one per client cluster that calls it from afar. */
export function serviceClaims(service: ServiceModel): { cluster: string; host: string; owner: string }[] {
  return serviceEdges(service).remote.map((side) => ({
    cluster: side.cluster.key,
    host: side.host,
    owner: service.key,
  }));
}

export function renderService(service: ServiceModel, addressOf: AddressOf): UnitOutput {
  const edges = serviceEdges(service);
  const byCluster = new Map<string, RenderedObject[]>();
  const diagnostics = [...edges.diagnostics];
  for (const server of edges.servers) add(byCluster, server.cluster.key, serverSideObjects(service, server, edges));
  for (const side of edges.remote) {
    const { objects, diagnostics: problems } = clientSideObjects(service, side, edges, addressOf);
    add(byCluster, side.cluster.key, objects);
    diagnostics.push(...problems);
  }
  return { byCluster, diagnostics };
}
