/**
 * The Kubernetes Service names the placed apps give each cluster, as meshbridge
 * knows them: an app with an inbound intent has a Service of the intent's
 * `serviceName`, any other app one named after the app (a Helm chart's usual
 * Service). Both the renderer (may a caller's cluster get a ServiceEntry for a
 * remote service's own name?) and the data-plane model (does kube-dns answer?)
 * read the same map, so they never disagree.
 */
import { specOf } from '../model/kind.js';
import { serviceEdges } from './edges.js';
import { dnsLabel, localHost, wholeService, type ServiceModel } from './services.js';
import type { Snapshot } from './snapshot.js';
import type { Topology } from './topology.js';

/** Cluster key → `name.namespace.svc.cluster.local` of every Service placed there. */
export type ServiceNames = ReadonlyMap<string, ReadonlySet<string>>;

export function kubernetesServiceNames(
  snapshot: Snapshot,
  topology: Topology,
  services: readonly ServiceModel[],
): ServiceNames {
  const names = new Map<string, Set<string>>();
  // An app may have several Services (one intent per Service: a mesh one and a `serviceMesh: none` one); each takes its name.
  const serviceNamesOf = new Map<string, Set<string>>();
  for (const service of services) {
    const key = `${service.group.key}\u0000${service.spec.app}`;
    serviceNamesOf.set(key, (serviceNamesOf.get(key) ?? new Set<string>()).add(service.spec.serviceName));
  }
  for (const record of snapshot.appIntents) {
    const groupKey = record.key.slice(0, record.key.lastIndexOf('/generic-placement-intents/'));
    const app = String(specOf(record.body).app);
    const appNames = serviceNamesOf.get(`${groupKey}\u0000${app}`) ?? new Set([dnsLabel(app)]);
    for (const placement of topology.inGroup(groupKey, app)) {
      const set = names.get(placement.cluster.key) ?? new Set<string>();
      names.set(placement.cluster.key, set);
      for (const name of appNames) set.add(localHost(name, placement.namespace));
    }
  }
  return names;
}

/**
 * Marks each service with the clusters where another app already has a Service of its name and namespace: there
 * a caller's short name means that local Service, so no ServiceEntry may claim it.
 */
export function markTakenNames(services: readonly ServiceModel[], names: ServiceNames): void {
  for (const service of services) {
    const own = localHost(service.spec.serviceName, service.namespace);
    const serving = new Set(service.servers.map((server) => server.cluster.key));
    const taken = [...names.entries()]
      .filter(([cluster, set]) => !serving.has(cluster) && set.has(own))
      .map(([cluster]) => cluster)
      .sort();
    service.nameTakenIn = taken;
  }
}

/**
 * Marks each service with the calling clusters where another remote service would claim the same own name (two
 * projects' `http-service` in their admin clouds' `default`, called from one cluster): the name means neither there.
 */
export function markSharedNames(services: readonly ServiceModel[]): void {
  const claimants = new Map<string, Set<string>>();
  const key = (cluster: string, service: ServiceModel) =>
    `${cluster}\u0000${localHost(service.spec.serviceName, service.namespace)}`;
  const identity = (service: ServiceModel) => `${service.group.key}\u0000${service.spec.serviceName}`;
  // A Service's ports render its objects together, with every port's callers. A Service of several
  // ports is a new model each time it is made whole, so its edges are computed once here, not per use.
  const sides = new Map(services.map((service) => [service, serviceEdges(wholeService(service)).remote]));
  const sidesOf = (service: ServiceModel) => sides.get(service) ?? [];
  for (const service of services)
    for (const side of sidesOf(service)) {
      if (side.mode !== 'federated') continue;
      const set = claimants.get(key(side.cluster.key, service)) ?? new Set<string>();
      claimants.set(key(side.cluster.key, service), set.add(identity(service)));
    }
  for (const service of services)
    service.nameSharedIn = sidesOf(service)
      .filter((side) => (claimants.get(key(side.cluster.key, service))?.size ?? 0) > 1)
      .map((side) => side.cluster.key)
      .sort();
}
