/** The map's places and actors: clusters, the services placed in them, and the callers the intents declare. */
import { appendTo } from '../validation/values.js';
import { kubernetesServicePort } from '../model/inbound.js';
import { specOf } from '../model/kind.js';
import { principalOf } from '../render/build/authorization.js';
import { callerHasSidecar, callerLabels } from '../render/check-route-caller.js';
import type { RouteCaller } from '../render/check-route.js';
import { clusterLabel, meshOf } from '../render/mesh.js';
import { dnsLabel, isFirstPort, istioVersionOf, localHost, type ServiceModel } from '../render/services.js';
import type { ClusterFacts, Snapshot } from '../render/snapshot.js';
import type { Placement } from '../render/topology.js';
import { mapId } from './ids.js';
import type { MapCallerView, MapClusterView, MapServiceView } from './schema.js';

function locality(cluster: ClusterFacts): string | null {
  const spec = specOf(cluster.body).locality as { region?: string; zone?: string } | undefined;
  if (!spec?.region) return null;
  return spec.zone ? `${spec.region}/${spec.zone}` : spec.region;
}

export function mapCluster(cluster: ClusterFacts): MapClusterView {
  const mesh = meshOf(cluster);
  return {
    key: clusterLabel(cluster),
    provider: cluster.provider,
    name: cluster.name,
    locality: locality(cluster),
    labels: Object.fromEntries(cluster.labels.map((label) => [label, ''])),
    gateway: {
      address: cluster.gateway.address,
      port: cluster.gateway.address === null ? null : cluster.gateway.port,
    },
    istioVersion: istioVersionOf(cluster) ?? null,
    network: mesh.network ?? null,
    meshId: mesh.meshId ?? null,
  };
}

/** The same Service (group, name, app) in one cluster: one node whatever its ports. */
export const serviceNodeKey = (service: ServiceModel, clusterKey: string) =>
  JSON.stringify([service.group.key, service.spec.serviceName, service.spec.app, clusterKey]);

export interface ServiceNodes {
  list: MapServiceView[];
  byKey: Map<string, MapServiceView>;
  /** `provider/cluster` + the Service's `name.ns.svc.cluster.local` → node. */
  byServing: Map<string, MapServiceView>;
  /** Every name a caller may call the node by (its real name, its cross-cluster names) → nodes. */
  byHost: Map<string, MapServiceView[]>;
}

export const servingKey = (cluster: string, fqdn: string) => `${cluster}\u0000${fqdn}`;

export function serviceNodes(services: readonly ServiceModel[]): ServiceNodes {
  const nodes: ServiceNodes = { list: [], byKey: new Map(), byServing: new Map(), byHost: new Map() };
  for (const service of services) {
    if (!isFirstPort(service)) continue;
    const ports = service.ports.length > 0 ? service.ports : [service];
    for (const server of service.servers) {
      const cluster = clusterLabel(server.cluster);
      const node: MapServiceView = {
        id: mapId('s', service.group.key, service.spec.serviceName, service.spec.app, server.cluster.key),
        name: service.spec.serviceName,
        app: service.spec.app,
        project: service.group.project,
        compositeApp: service.group.compositeApp,
        version: service.group.compositeAppVersion,
        group: service.group.name,
        cluster,
        namespace: server.namespace,
        serviceAccount: server.serviceAccount,
        ports: [...new Set(ports.map((port) => kubernetesServicePort(port.spec)))],
        intents: ports.map((port) => port.key),
      };
      nodes.list.push(node);
      nodes.byKey.set(serviceNodeKey(service, server.cluster.key), node);
      const serving = servingKey(cluster, localHost(service.spec.serviceName, server.namespace));
      if (!nodes.byServing.has(serving)) nodes.byServing.set(serving, node);
      const short = `${service.spec.serviceName}.${server.namespace}`;
      for (const host of [
        localHost(service.spec.serviceName, server.namespace),
        `${short}.${dnsLabel(service.group.logicalCloud)}`,
        `${short}.global`,
      ])
        appendTo(nodes.byHost, host, node);
    }
  }
  return nodes;
}

/** Callers: one per app, project, cluster, namespace and service account, whichever intents declare it. */
export class CallerNodes {
  readonly list: MapCallerView[] = [];
  private readonly byKey = new Map<string, MapCallerView>();
  private readonly sidecars = new Map<string, boolean>();
  private readonly labels = new Map<string, Record<string, string>>();
  /** Caller id → who the data-plane model sees make the call. */
  readonly routeCallers = new Map<string, RouteCaller>();

  /** The snapshot with only one app's client intents: the caller helpers read no other. */
  private readonly byApp = new Map<string, Snapshot>();

  constructor(private readonly snapshot: Snapshot) {
    const clients = new Map<string, Snapshot['clients']>();
    for (const client of snapshot.clients) appendTo(clients, String(specOf(client.body).app), client);
    for (const [app, list] of clients) this.byApp.set(app, { ...snapshot, clients: list });
  }

  private clientsOf(app: string): Snapshot {
    return this.byApp.get(app) ?? { ...this.snapshot, clients: [] };
  }

  of(placement: Placement): MapCallerView {
    const parts = [
      placement.group.project,
      placement.app,
      placement.cluster.key,
      placement.namespace,
      placement.serviceAccount,
    ];
    const key = JSON.stringify(parts);
    const known = this.byKey.get(key);
    if (known) return known;
    const caller: MapCallerView = {
      id: mapId('c', ...parts),
      app: placement.app,
      project: placement.group.project,
      compositeApp: placement.group.compositeApp,
      version: placement.group.compositeAppVersion,
      group: placement.group.name,
      cluster: clusterLabel(placement.cluster),
      namespace: placement.namespace,
      serviceAccount: placement.serviceAccount,
      principal: principalOf(placement),
      sidecar: this.sidecar(placement.group.project, placement.app),
    };
    this.byKey.set(key, caller);
    this.list.push(caller);
    this.routeCallers.set(caller.id, {
      cluster: caller.cluster,
      namespace: caller.namespace,
      serviceAccount: caller.serviceAccount,
      trustDomain: meshOf(placement.cluster).trustDomain,
      labels: this.labelsOf(caller.project, caller.app),
      sidecar: caller.sidecar,
    });
    return caller;
  }

  private labelsOf(project: string, app: string): Record<string, string> {
    const key = `${project}\u0000${app}`;
    const known = this.labels.get(key) ?? callerLabels(this.clientsOf(app), project, app);
    this.labels.set(key, known);
    return known;
  }

  private sidecar(project: string, app: string): boolean {
    const key = `${project}\u0000${app}`;
    const known = this.sidecars.get(key);
    if (known !== undefined) return known;
    const has = callerHasSidecar(this.clientsOf(app), project, app);
    this.sidecars.set(key, has);
    return has;
  }
}
