/**
 * The data-plane model against the renderer, over random valid topologies (every
 * profile in src/test-support/fleet.ts, federated and shared-discovery clusters):
 * every declared caller reaches every declared operation of its service in every
 * cluster that serves it, and a caller the intents do not declare is refused by the
 * service's AuthorizationPolicy. Where a render diagnostic says a prerequisite is
 * missing, the model refuses at the hop it concerns.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { kubernetesServicePort } from '../model/inbound.js';
import { allocateAddresses, generateFleet } from '../../test-support/fleet.js';
import { arbitraryFleetOptions } from '../../test-support/fleet-changes.js';
import { labelSelector } from '../render/build/shared.js';
import { serviceEdges } from '../render/edges.js';
import { clusterLabel, meshOf } from '../render/mesh.js';
import { addressClaims, planRender, Renderer, type RenderResult } from '../render/render.js';
import { localHost, usesApplicationTls, type ClientModel, type ServiceModel } from '../render/services.js';
import type { Snapshot } from '../render/snapshot.js';
import type { Placement } from '../render/topology.js';
import { resolveName } from './dns.js';
import type { Caller } from './outbound.js';
import { entryFor, knownToIstiod, traceDestination, type DestinationTrace } from './trace.js';
import { clusterNamed, fleetWorld, type World } from './world.js';

const RUNS = { numRuns: 120 };

interface Rendered {
  snapshot: Snapshot;
  result: RenderResult;
  world: World;
  services: ServiceModel[];
}

function renderWorld(snapshot: Snapshot): Rendered {
  const plan = planRender(snapshot);
  const result = new Renderer().render(snapshot, allocateAddresses(addressClaims(snapshot)), plan);
  return { snapshot, result, world: fleetWorld(snapshot, result, plan), services: plan.model.services };
}

function callerAt(placement: Placement, client: ClientModel, serviceAccount = placement.serviceAccount): Caller {
  return {
    cluster: clusterLabel(placement.cluster),
    namespace: placement.namespace,
    serviceAccount,
    trustDomain: meshOf(placement.cluster).trustDomain,
    labels: labelSelector(client.spec.appLabel),
    sidecar: true,
  };
}

/** The host and port a client in `placement` calls the service by, as the renderer decided. */
function target(service: ServiceModel, placement: Placement): { host: string; port: number } {
  const realName = localHost(service.spec.serviceName, service.namespace);
  if (service.servers.some((server) => server.cluster.key === placement.cluster.key))
    return { host: realName, port: kubernetesServicePort(service.spec) };
  const side = serviceEdges(service).remote.find((candidate) => candidate.cluster.key === placement.cluster.key);
  if (side?.mode === 'federated') return { host: side.host, port: service.spec.port };
  return { host: realName, port: kubernetesServicePort(service.spec) };
}

/** A request for each operation declared for the caller (any operation when none is). */
function declaredRequests(service: ServiceModel, client: ClientModel, principal: string) {
  const operations = new Map<string, Set<string>>();
  const add = (access: Record<string, string[]> | undefined) => {
    for (const [method, paths] of Object.entries(access ?? {}))
      for (const path of paths) operations.set(method, (operations.get(method) ?? new Set()).add(path));
  };
  add(service.spec.serviceAccountAccess[principal]);
  add(client.spec.serviceAccountAccess[principal]);
  for (const point of client.accessPoints)
    for (const method of point.methods) for (const url of point.urls) add({ [method]: [url] });
  if (operations.size === 0) return [{ method: 'GET', path: '/' }];
  return [...operations].flatMap(([method, paths]) =>
    [...paths].map((path) => ({
      method: method === '*' ? 'GET' : method,
      path: path === '*' ? '/anything' : path.endsWith('*') ? `${path.slice(0, -1)}x` : path,
    })),
  );
}

interface Call {
  dnsOk: boolean;
  dnsDetail: string;
  traces: DestinationTrace[];
}

function call(
  world: World,
  caller: Caller,
  to: { host: string; port: number },
  request: { method: string; path: string },
): Call {
  const from = clusterNamed(world, caller.cluster);
  if (!from) throw new Error(`no cluster ${caller.cluster} in the world`);
  const dns = resolveName({
    cluster: from,
    host: to.host,
    sidecar: true,
    entry: entryFor(from, caller.namespace, to.host),
    discovered: knownToIstiod(world, from, to.host),
  });
  const traced = traceDestination(world, from, caller, { ...to, share: 100 }, { ...request, host: to.host });
  return { dnsOk: dns.ok, dnsDetail: dns.detail, traces: traced.traces };
}

function warned(result: RenderResult, code: string, cluster: string): boolean {
  return result.diagnostics.some((diagnostic) => diagnostic.code === code && diagnostic.cluster === cluster);
}

/** Every declared (service, client, placement) with mesh TLS, the edges the renderer promises to carry. */
function declaredEdges(rendered: Rendered) {
  return rendered.services
    .filter((service) => !usesApplicationTls(service) && service.servers.length > 0)
    .flatMap((service) =>
      service.clients
        .filter((client) => client.spec.type === 'istio')
        .flatMap((client) => client.placements.map((placement) => ({ service, client, placement }))),
    );
}

function failures(rendered: Rendered): string[] {
  const problems: string[] = [];
  for (const { service, client, placement } of declaredEdges(rendered)) {
    const caller = callerAt(placement, client);
    const principal = `${caller.trustDomain}/ns/${caller.namespace}/sa/${caller.serviceAccount}`;
    const to = target(service, placement);
    // A `.global` name without istiocoredns's address: the renderer warns, the model must refuse at DNS.
    const stubMissing = to.host.endsWith('.global') && warned(rendered.result, 'CoreDnsStubMissing', caller.cluster);
    for (const request of declaredRequests(service, client, principal)) {
      const outcome = call(rendered.world, caller, to, request);
      const where = `${client.key} in ${caller.cluster} → ${to.host}:${to.port} ${request.method} ${request.path}`;
      if (stubMissing) {
        if (outcome.dnsOk) problems.push(`${where}: DNS resolves though istiocoredns's address is missing`);
        continue;
      }
      if (!outcome.dnsOk) problems.push(`${where}: DNS: ${outcome.dnsDetail}`);
      for (const trace of outcome.traces.filter((candidate) => !candidate.delivered))
        problems.push(`${where}: refused at ${trace.refusedAt} in ${trace.servingCluster}: ${trace.reason}`);
      if (outcome.traces.length !== service.servers.length && !serviceEdges(service).local.has(placement.cluster.key))
        problems.push(`${where}: ${outcome.traces.length} serving clusters traced, ${service.servers.length} serve it`);
    }
  }
  return problems;
}

/** A caller nobody declared, in a declared caller's namespace: refused by the policy, wherever it is served. */
function intruderProblems(rendered: Rendered): string[] {
  const problems: string[] = [];
  for (const { service, client, placement } of declaredEdges(rendered)) {
    const byNamespace =
      service.spec.namespaces.length > 0 || service.clients.some((other) => other.spec.namespaces.length > 0);
    if (byNamespace || warned(rendered.result, 'CoreDnsStubMissing', clusterLabel(placement.cluster))) continue;

    const caller = callerAt(placement, client, 'intruder');
    const outcome = call(rendered.world, caller, target(service, placement), { method: 'GET', path: '/' });
    for (const trace of outcome.traces)
      if (trace.delivered || trace.refusedAt !== 'authorization')
        problems.push(
          `intruder in ${caller.cluster} → ${service.key}: ${trace.refusedAt ?? 'delivered'}: ${trace.reason}`,
        );
  }
  return problems;
}

describe('the data-plane model carries what the renderer promises', () => {
  test('every declared caller reaches every declared operation, in every serving cluster', () => {
    fc.assert(
      fc.property(arbitraryFleetOptions, (options) => {
        expect(failures(renderWorld(generateFleet(options)))).toEqual([]);
      }),
      RUNS,
    );
  });

  test('a caller the intents do not declare is refused by the AuthorizationPolicy', () => {
    fc.assert(
      fc.property(arbitraryFleetOptions, (options) => {
        expect(intruderProblems(renderWorld(generateFleet(options)))).toEqual([]);
      }),
      RUNS,
    );
  });

  test('the properties have something to check: shared and federated edges both occur', () => {
    const modes = new Set<string>();
    for (let seed = 1; seed <= 20; seed += 1) {
      const rendered = renderWorld(
        generateFleet({ clusters: 4, services: 6, edges: 12, seed, istioVersions: ['1.20', '1.24'], meshIds: true }),
      );
      for (const service of rendered.services) for (const side of serviceEdges(service).remote) modes.add(side.mode);
    }
    expect([...modes].sort()).toEqual(['federated', 'shared']);
  });
});
