/**
 * The renderer: a snapshot of the model and the virtual addresses in, every
 * cluster's objects and the diagnostics out. Pure and deterministic: the same
 * input gives byte-identical output.
 *
 * It is incremental: the work is split into units (an inbound intent, a routing
 * intent, a cluster), each remembered with a fingerprint of everything it reads.
 * A change re-renders only the units whose inputs changed and re-assembles only
 * the clusters they touch, so one changed intent costs what that intent produces.
 */
import { createHash } from 'node:crypto';
import { specOf } from '../model/kind.js';
import { renderCluster, type ClusterRoles } from './build/cluster.js';
import { serviceEdges } from './edges.js';
import { renderRouting, type RoutingContext } from './build/routing.js';
import { federatedSides, renderService, serviceClaims, type UnitOutput } from './build/service.js';
import { analyzeCluster } from './analyze.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { compareObjects, type RenderedObject } from './objects.js';
import { renderNetworkPolicies } from './build/network-policy.js';
import { notRenderedDiagnostics } from './not-rendered.js';
import { resolveServiceSets, type ServiceModel } from './services.js';
import type { ClusterFacts, Snapshot } from './snapshot.js';
import { buildTopology, type Topology } from './topology.js';
import { kubernetesServiceNames, markSharedNames, markTakenNames, type ServiceNames } from './local-names.js';

export interface ClusterOutput {
  cluster: ClusterFacts;
  resources: RenderedObject[];
}

export interface RenderResult {
  clusters: ClusterOutput[];
  diagnostics: Diagnostic[];
}

export interface AddressClaimOf {
  cluster: string;
  host: string;
  owner: string;
}

/** Checks objects before they are served; throws when one is invalid (a renderer bug). */
export type ObjectValidator = (objects: RenderedObject[], cluster: ClusterFacts) => void;

export const addressKey = (cluster: string, host: string) => `${cluster}\u0000${host}`;

interface Unit {
  key: string;
  fingerprint: string;
  build(): UnitOutput;
}

export interface Model {
  topology: Topology;
  /** The inbound intents rendered as Istio objects. */
  services: ServiceModel[];
  /** The Kubernetes Service names the placed apps give each cluster. */
  serviceNames: ServiceNames;
  /** Every inbound intent, for the NetworkPolicies EMCO's network-policy controller would make of it. */
  allServices: ServiceModel[];
  /** What EMCO's other controllers would make of the intents and meshbridge does not render (not-rendered.ts). */
  diagnostics: Diagnostic[];
}

function modelOf(snapshot: Snapshot): Model {
  const topology = buildTopology(snapshot);
  const sets = resolveServiceSets(snapshot, topology);
  const services = sets.mesh;
  // Every placed Service takes its name in its cluster, whether or not Istio objects are rendered for it.
  const serviceNames = kubernetesServiceNames(snapshot, topology, sets.all);
  markTakenNames(services, serviceNames);
  markSharedNames(services);
  return { topology, services, serviceNames, allServices: sets.all, diagnostics: notRenderedDiagnostics(sets) };
}

const NETWORK_POLICY_UNIT = 'network-policy:';

/** The resolved model and the virtual addresses it needs, which the ledger allocates before rendering. */
export interface RenderPlan {
  model: Model;
  claims: AddressClaimOf[];
}

export function planRender(snapshot: Snapshot): RenderPlan {
  const model = modelOf(snapshot);
  return { model, claims: model.services.flatMap(serviceClaims) };
}

export function addressClaims(snapshot: Snapshot): AddressClaimOf[] {
  return planRender(snapshot).claims;
}

function serviceIndex(services: ServiceModel[]): Map<string, ServiceModel> {
  const index = new Map<string, ServiceModel>();
  for (const service of services) {
    const key = `${service.group.key}\u0000${service.spec.app}`;
    if (!index.has(key)) index.set(key, service);
  }
  return index;
}

const digest = (text: string) => createHash('sha1').update(text).digest('base64');

/** Shared objects (clusters, groups) are fingerprinted once per render and referred to by that print. */
function printer(model: Model): (value: unknown) => string {
  const prints = new Map<unknown, string>();
  for (const cluster of model.topology.clusters.values())
    prints.set(cluster, `cluster:${digest(JSON.stringify(cluster))}`);
  for (const group of model.topology.groups.values())
    prints.set(group, `group:${digest(JSON.stringify(group, setsAsArrays))}`);
  const replacer = (_key: string, value: unknown) =>
    prints.get(value) ?? (value instanceof Set ? [...value].sort() : value);
  return (value) => digest(JSON.stringify(value, replacer));
}

function units(snapshot: Snapshot, model: Model, addresses: ReadonlyMap<string, string>): Unit[] {
  const print = printer(model);
  const addressOf = (cluster: string, host: string) => addresses.get(addressKey(cluster, host));
  const list: Unit[] = [];
  for (const service of model.services) {
    const claimed = serviceClaims(service).map((claim) => [
      claim.cluster,
      claim.host,
      addressOf(claim.cluster, claim.host),
    ]);
    list.push({
      key: service.key,
      fingerprint: print([service, claimed]),
      build: () => renderService(service, addressOf),
    });
  }
  for (const service of model.allServices) {
    list.push({
      key: `${NETWORK_POLICY_UNIT}${service.key}`,
      fingerprint: print([service.spec, service.servers, service.clients, service.namespace]),
      build: () => renderNetworkPolicies(service),
    });
  }
  const services = serviceIndex(model.services);
  const context: RoutingContext = {
    topology: model.topology,
    serviceOf: (group, app) => services.get(`${group}\u0000${app}`),
  };
  for (const record of snapshot.routingIntents) {
    const group = record.key.slice(0, record.key.lastIndexOf('/traffic-group-intents/'));
    const spec = specOf(record.body) as { host: string; http: { route: { app: string }[] }[] };
    const apps = [spec.host, ...spec.http.flatMap((rule) => rule.route.map((target) => target.app))];
    const reads = apps.map((app) => {
      const service = context.serviceOf(group, app);
      return [model.topology.inGroup(group, app), service?.spec, service?.ports.length];
    });
    // The VirtualService is exported to the namespaces the host's clients run in.
    const callers = context
      .serviceOf(group, spec.host)
      ?.clients.map((client) => client.placements.map((placement) => [placement.cluster.key, placement.namespace]));
    list.push({
      key: record.key,
      fingerprint: print([record, reads, callers]),
      build: () => renderRouting(record, context),
    });
  }
  const roles = clusterRoles(model.services);
  for (const cluster of snapshot.clusters) {
    const role = roles.get(cluster.key) ?? { servesFederated: false, callsFederated: false };
    list.push({
      key: `cluster:${cluster.key}`,
      fingerprint: print([cluster, role]),
      build: () => renderCluster(cluster, role),
    });
  }
  return list;
}

/** One pass over every service's federated calls: which clusters serve them, which make them. */
function clusterRoles(services: ServiceModel[]): Map<string, ClusterRoles> {
  const roles = new Map<string, ClusterRoles>();
  const roleOf = (cluster: string) => {
    const known = roles.get(cluster) ?? { servesFederated: false, callsFederated: false };
    roles.set(cluster, known);
    return known;
  };
  for (const service of services) {
    const sides = federatedSides(service);
    if (sides.length === 0) continue;
    for (const side of sides) roleOf(side.cluster.key).callsFederated = true;
    for (const server of serviceEdges(service).reachable) roleOf(server.cluster.key).servesFederated = true;
  }
  return roles;
}

function setsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Set ? [...value].sort() : value;
}

interface Assembled {
  signature: string;
  resources: RenderedObject[];
  diagnostics: Diagnostic[];
}

export class Renderer {
  private readonly unitCache = new Map<string, { fingerprint: string; output: UnitOutput }>();
  private readonly clusterCache = new Map<string, Assembled>();

  constructor(private readonly validate: ObjectValidator = () => {}) {}

  /** `plan` is `planRender(snapshot)` when the caller already made it (to allocate addresses). */
  render(
    snapshot: Snapshot,
    addresses: ReadonlyMap<string, string>,
    plan: RenderPlan = planRender(snapshot),
  ): RenderResult {
    const { model } = plan;
    const outputs = this.renderUnits(snapshot, model, addresses);
    const contributions = new Map<string, { unit: string; fingerprint: string; objects: RenderedObject[] }[]>();
    const diagnostics: Diagnostic[] = [...model.topology.diagnostics, ...model.diagnostics];
    for (const { unit, output } of outputs) {
      diagnostics.push(...output.diagnostics);
      for (const [cluster, objects] of output.byCluster) {
        const list = contributions.get(cluster) ?? [];
        if (list.length === 0) contributions.set(cluster, list);
        list.push({ unit: unit.key, fingerprint: unit.fingerprint, objects });
      }
    }
    const clusters: ClusterOutput[] = [];
    for (const cluster of [...snapshot.clusters].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const parts = contributions.get(cluster.key) ?? [];
      // A cluster gets its cluster-wide objects only when some intent puts something there.
      if (!parts.some((part) => !part.unit.startsWith('cluster:'))) continue;
      const assembled = this.assemble(cluster, parts);
      diagnostics.push(...assembled.diagnostics);
      clusters.push({ cluster, resources: assembled.resources });
    }
    this.forget(snapshot);
    return { clusters, diagnostics: sortDiagnostics(diagnostics) };
  }

  private renderUnits(snapshot: Snapshot, model: Model, addresses: ReadonlyMap<string, string>) {
    return units(snapshot, model, addresses).map((unit) => {
      const cached = this.unitCache.get(unit.key);
      if (cached && cached.fingerprint === unit.fingerprint) return { unit, output: cached.output };
      const output = unit.build();
      for (const [cluster, objects] of output.byCluster) {
        const facts = model.topology.clusters.get(cluster);
        if (facts) this.validate(objects, facts);
      }
      this.unitCache.set(unit.key, { fingerprint: unit.fingerprint, output });
      return { unit, output };
    });
  }

  private assemble(
    cluster: ClusterFacts,
    parts: { unit: string; fingerprint: string; objects: RenderedObject[] }[],
  ): Assembled {
    const signature = parts.map((part) => `${part.unit}\u0000${part.fingerprint}`).join('\u0001');
    const cached = this.clusterCache.get(cluster.key);
    if (cached && cached.signature === signature) return cached;
    const resources = parts.flatMap((part) => part.objects).sort(compareObjects);
    const assembled = {
      signature,
      resources,
      diagnostics: analyzeCluster(`${cluster.provider}/${cluster.name}`, resources),
    };
    this.clusterCache.set(cluster.key, assembled);
    return assembled;
  }

  /** Units and clusters that are gone leave the caches. */
  private forget(snapshot: Snapshot): void {
    const live = new Set([...snapshot.inboundIntents, ...snapshot.routingIntents].map((record) => record.key));
    for (const record of snapshot.inboundIntents) live.add(`${NETWORK_POLICY_UNIT}${record.key}`);
    for (const cluster of snapshot.clusters) live.add(`cluster:${cluster.key}`);
    for (const key of this.unitCache.keys()) if (!live.has(key)) this.unitCache.delete(key);
    const clusters = new Set(snapshot.clusters.map((cluster) => cluster.key));
    for (const key of this.clusterCache.keys()) if (!clusters.has(key)) this.clusterCache.delete(key);
  }
}
