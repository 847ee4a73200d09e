/**
 * The services and who calls them, resolved: each inbound intent with the clusters
 * its app is placed in, and each client with the clusters its app runs in.
 */
import { appendTo } from '../validation/values.js';
import type { AccessMap } from '../model/access.js';
import type { ClientSpec } from '../model/clients.js';
import { kubernetesServicePort, type InboundSpec } from '../model/inbound.js';
import { specOf } from '../model/kind.js';
import { profileFor } from './profile.js';
import type { SnapshotRecord, Snapshot, ClusterFacts } from './snapshot.js';
import type { GroupInfo, Placement, Topology } from './topology.js';

export interface AccessPointModel {
  name: string;
  urls: string[];
  methods: string[];
}

export interface ClientModel {
  key: string;
  name: string;
  spec: ClientSpec;
  placements: Placement[];
  accessPoints: AccessPointModel[];
}

/** One port of a Service: an inbound intent (EMCO's intent names one port). */
export interface ServicePortModel {
  key: string;
  name: string;
  spec: InboundSpec;
  clients: ClientModel[];
}

export interface ServiceModel {
  key: string;
  name: string;
  group: GroupInfo;
  spec: InboundSpec;
  namespace: string;
  servers: Placement[];
  clients: ClientModel[];
  /**
   * Every inbound intent of the group for the same Service (same name and app), this one included, by port:
   * they render as one host with all their ports. The first (lowest port) owns the objects they share.
   */
  ports: ServicePortModel[];
  /**
   * Calling clusters where another app already has a Service of this one's name and namespace (local-names.ts):
   * callers there cannot reach this service by its own name.
   */
  nameTakenIn?: string[];
  /** Calling clusters where another remote service of the same name and namespace is called too (local-names.ts). */
  nameSharedIn?: string[];
}

/** A DNS label from a resource name (EMCO names may hold capitals, `_` and `.`). */
export function dnsLabel(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}

/** The name clients in `cluster` use for a service in another cluster: seed 000's `<svc>.<ns>.<logicalCloud>`, or `.global` before Istio 1.8. */
export function crossClusterHost(service: ServiceModel, cluster: ClusterFacts): string {
  const profile = profileFor(istioVersionOf(cluster));
  const suffix = profile.usesGlobalSuffix ? 'global' : dnsLabel(service.group.logicalCloud);
  return `${service.spec.serviceName}.${service.namespace}.${suffix}`;
}

/**
 * TLS that is not the mesh's: SIMPLE, or MUTUAL with the service's own certificates. The
 * caller's sidecar originates it and the service's pods terminate it themselves.
 */
export function usesApplicationTls(service: { spec: InboundSpec }): boolean {
  const { tlsType } = service.spec.management;
  const certificates = service.spec.certificates;
  return (
    tlsType === 'SIMPLE' ||
    (tlsType === 'MUTUAL' && Boolean(certificates?.serviceCertificate || certificates?.caCertificate))
  );
}

export function localHost(serviceName: string, namespace: string): string {
  return `${serviceName}.${namespace}.svc.cluster.local`;
}

export function istioVersionOf(cluster: ClusterFacts): string | undefined {
  return (specOf(cluster.body).mesh as { istioVersion?: string } | undefined)?.istioVersion;
}

function childrenByParent(records: readonly SnapshotRecord[], segment: string): Map<string, SnapshotRecord[]> {
  const byParent = new Map<string, SnapshotRecord[]>();
  for (const record of records) {
    const parent = record.key.slice(0, record.key.lastIndexOf(`/${segment}/`));
    appendTo(byParent, parent, record);
  }
  return byParent;
}

const nameOf = (key: string) => decodeURIComponent(key.slice(key.lastIndexOf('/') + 1));

/** Every inbound intent of a group with a namespace, resolved; `ports` not yet known. */
function resolveEach(snapshot: Snapshot, topology: Topology): ServiceModel[] {
  const clientsOf = childrenByParent(snapshot.clients, 'clients');
  const accessPointsOf = childrenByParent(snapshot.accessPoints, 'access-points');
  const services: ServiceModel[] = [];
  for (const inbound of snapshot.inboundIntents) {
    const groupKey = inbound.key.slice(0, inbound.key.lastIndexOf('/traffic-group-intents/'));
    const group = topology.groups.get(groupKey);
    if (!group || group.namespace === undefined) continue;
    const spec = specOf(inbound.body) as unknown as InboundSpec;
    const clients = (clientsOf.get(inbound.key) ?? []).map((client): ClientModel => {
      const clientSpec = specOf(client.body) as unknown as ClientSpec;
      return {
        key: client.key,
        name: nameOf(client.key),
        spec: clientSpec,
        placements: topology.inProject(group.project, clientSpec.app),
        accessPoints: (accessPointsOf.get(client.key) ?? []).map((point) => {
          // Stored before url became a list, an access point may still hold one string.
          const pointSpec = specOf(point.body) as { url: string[] | string; access: string[] };
          const urls = Array.isArray(pointSpec.url) ? pointSpec.url : [pointSpec.url];
          return { name: nameOf(point.key), urls, methods: pointSpec.access };
        }),
      };
    });
    services.push({
      key: inbound.key,
      name: nameOf(inbound.key),
      group,
      spec,
      namespace: group.namespace,
      servers: topology.inGroup(group.key, spec.app),
      clients,
      ports: [],
    });
  }
  return services;
}

/**
 * The inbound intents a render works from. `mesh`: those rendered as Istio objects (serviceMesh istio), one per
 * Service port. `all`: every intent, whatever its serviceMesh, for what EMCO's other controllers act on (the
 * network-policy controller takes every server intent: src/nps/internal/networkpolicy/action.go).
 * `samePort`: intents that serve a port another intent of the group already serves (EMCO's external_access
 * exposes one port twice, by TLS mode), with the intent whose mesh objects stand for both.
 */
export interface ResolvedServices {
  mesh: ServiceModel[];
  all: ServiceModel[];
  samePort: { service: ServiceModel; primary: ServiceModel }[];
}

export function resolveServiceSets(snapshot: Snapshot, topology: Topology): ResolvedServices {
  const all = resolveEach(snapshot, topology);
  const primaries = new Map<string, ServiceModel>();
  const samePort: ResolvedServices['samePort'] = [];
  for (const service of [...all].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (service.spec.serviceMesh === 'none') continue;
    const primary = primaries.get(portOf(service));
    if (primary) samePort.push({ service, primary });
    else primaries.set(portOf(service), service);
  }
  const mesh = all.filter((service) => primaries.get(portOf(service)) === service);
  return { mesh: withPorts(mesh), all, samePort };
}

const portOf = (service: ServiceModel) =>
  `${service.group.key}\u0000${service.spec.serviceName}\u0000${kubernetesServicePort(service.spec)}`;

/** The services rendered as Istio objects. */
export function resolveServices(snapshot: Snapshot, topology: Topology): ServiceModel[] {
  return resolveServiceSets(snapshot, topology).mesh;
}

/** Intents for different ports of one Service learn of each other, so each renders the Service whole. */
function withPorts(services: ServiceModel[]): ServiceModel[] {
  const byService = new Map<string, ServicePortModel[]>();
  for (const service of services) {
    const port: ServicePortModel = {
      key: service.key,
      name: service.name,
      spec: service.spec,
      clients: service.clients,
    };
    appendTo(byService, serviceIdentity(service), port);
  }
  for (const list of byService.values()) list.sort(byPortThenKey);
  for (const service of services) service.ports = byService.get(serviceIdentity(service)) ?? [];
  return services;
}

const byPortThenKey = (a: ServicePortModel, b: ServicePortModel) =>
  a.spec.port - b.spec.port || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The Service's port intents; a model built by hand, without `ports`, is its own only port. */
export function portIntents(service: ServiceModel): ServicePortModel[] {
  return service.ports.length > 0 ? service.ports : [service];
}

/** The first port's intent renders what the Service's ports share. */
export const isFirstPort = (service: ServiceModel) => (service.ports[0]?.key ?? service.key) === service.key;

/** The Service with every port's callers: what its ServiceEntries and DestinationRules serve. */
export function wholeService(service: ServiceModel): ServiceModel {
  if (service.ports.length <= 1) return service;
  const clients = new Map(service.ports.flatMap((port) => port.clients).map((client) => [client.key, client]));
  return { ...service, clients: [...clients.values()] };
}

const serviceIdentity = (service: ServiceModel) =>
  `${service.group.key}\u0000${service.spec.serviceName}\u0000${service.spec.app}`;

export type { AccessMap };
