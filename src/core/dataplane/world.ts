/**
 * What the data-plane model knows about the fleet: each cluster's mesh facts, its
 * east-west gateway, the objects meshbridge renders there, and the Kubernetes
 * Services (with their pods) that the intents place there. The model decides only
 * from these; it never reads the intents' traffic fields.
 */
import { clusterByName, servicesNamed } from './cluster-index.js';
import { containerPort, kubernetesServicePort } from '../model/inbound.js';
import { labelSelector } from '../render/build/shared.js';
import { clusterLabel, meshOf, type MeshFacts } from '../render/mesh.js';
import type { RenderedObject } from '../render/objects.js';
import type { RenderPlan, RenderResult } from '../render/render.js';
import type { ClusterFacts, Snapshot } from '../render/snapshot.js';
import type { ServiceModel } from '../render/services.js';

/** A Kubernetes Service and the pods behind it, in one cluster. */
export interface ServiceFacts {
  name: string;
  namespace: string;
  /** The Service's port. */
  port: number;
  targetPort: number;
  protocol: string;
  /** The pods' labels. */
  labels: Record<string, string>;
  serviceAccount: string;
  /** Pods injected with a sidecar, and so labelled `security.istio.io/tlsMode: istio`. */
  sidecar: boolean;
}

export interface ClusterWorld {
  /** `provider/cluster` */
  name: string;
  mesh: MeshFacts;
  gateway: { address: string | null; port: number; internalPort: number };
  resources: readonly RenderedObject[];
  services: readonly ServiceFacts[];
  /** Every Kubernetes Service name the placed apps give the cluster (`name.ns.svc.cluster.local`), for kube-dns. */
  serviceNames: ReadonlySet<string>;
}

export interface World {
  clusters: readonly ClusterWorld[];
}

export const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/** The fleet as the model sees it: every cluster of the snapshot, its rendered objects and the Services placed in it. */
export function fleetWorld(snapshot: Snapshot, render: RenderResult, plan: RenderPlan): World {
  const rendered = new Map(render.clusters.map((entry) => [entry.cluster.key, entry.resources]));
  return worldOf(
    plan.model.services,
    snapshot.clusters.map((cluster) => ({
      cluster,
      resources: rendered.get(cluster.key) ?? [],
      serviceNames: plan.model.serviceNames.get(cluster.key) ?? new Set(),
    })),
  );
}

export function worldOf(
  services: readonly ServiceModel[],
  allClusters: readonly {
    cluster: ClusterFacts;
    resources: readonly RenderedObject[];
    serviceNames?: ReadonlySet<string>;
  }[],
): World {
  const placed = new Map<string, ServiceFacts[]>();
  for (const service of services) {
    for (const server of service.servers) {
      const list = placed.get(server.cluster.key) ?? [];
      placed.set(server.cluster.key, list);
      list.push({
        name: service.spec.serviceName,
        namespace: server.namespace,
        port: kubernetesServicePort(service.spec),
        targetPort: containerPort(service.spec),
        protocol: service.spec.protocol,
        labels: labelSelector(service.spec.appLabel),
        serviceAccount: server.serviceAccount,
        sidecar: service.spec.management.sidecarProxy,
      });
    }
  }
  // A call that names no port takes the Service's lowest, as check route documents.
  for (const list of placed.values()) list.sort((a, b) => a.port - b.port);
  return {
    clusters: allClusters.map(({ cluster, resources, serviceNames }) => {
      const services = placed.get(cluster.key) ?? [];
      return {
        name: clusterLabel(cluster),
        mesh: meshOf(cluster),
        gateway: {
          address: cluster.gateway.address,
          port: cluster.gateway.port,
          internalPort: cluster.gateway.internalPort,
        },
        resources,
        services,
        serviceNames: new Set([...(serviceNames ?? []), ...services.map(hostOf)]),
      };
    }),
  };
}

export const hostOf = (service: { name: string; namespace: string }) =>
  `${service.name}.${service.namespace}.svc.cluster.local`;

export function clusterNamed(world: World, name: string): ClusterWorld | undefined {
  return clusterByName(world, name);
}

/** The first Service of the cluster with that host (and port): the lowest port when none is given. */
export function serviceIn(cluster: ClusterWorld, host: string, port?: number): ServiceFacts | undefined {
  return servicesNamed(cluster, host).find((service) => port === undefined || service.port === port);
}
