/** The map's filters, applied in the page: every select narrows the same `GET /v2/map` answer. */
import type { MapData, MapFilters, MapService } from './map-data.js';

export const NO_FILTERS: MapFilters = { project: '', compositeApp: '', group: '', cluster: '', service: '' };

const matches = (wanted: string, value: string) => wanted === '' || wanted === value;

function serviceKept(service: MapService, filters: MapFilters): boolean {
  return (
    matches(filters.project, service.project) &&
    matches(filters.compositeApp, service.compositeApp) &&
    matches(filters.group, service.group) &&
    matches(filters.service, service.name)
  );
}

const anyFilter = (filters: MapFilters) => Object.values(filters).some((value) => value !== '');

/**
 * The part of `map` the filters select: an edge stays when its service passes the project,
 * composite app, group and service filters and either end is in the chosen cluster; the
 * callers, services and clusters it touches stay with it. Unfiltered, everything stays
 * (clusters with nothing in them too).
 */
export function filterMap(map: MapData, filters: MapFilters): MapData {
  if (!anyFilter(filters)) return map;
  const services = map.services.filter((service) => serviceKept(service, filters));
  const serviceIds = new Set(services.map((service) => service.id));
  const callerCluster = new Map(map.callers.map((caller) => [caller.id, caller.cluster]));
  const serviceCluster = new Map(map.services.map((service) => [service.id, service.cluster]));
  const edges = map.edges.filter(
    (edge) =>
      serviceIds.has(edge.to) &&
      (filters.cluster === '' ||
        callerCluster.get(edge.from) === filters.cluster ||
        serviceCluster.get(edge.to) === filters.cluster),
  );
  const callerIds = new Set(edges.map((edge) => edge.from));
  const reached = new Set(edges.map((edge) => edge.to));
  const keptServices = services.filter(
    (service) => filters.cluster === '' || service.cluster === filters.cluster || reached.has(service.id),
  );
  const callers = map.callers.filter((caller) => callerIds.has(caller.id));
  const clusterKeys = new Set<string>([
    ...keptServices.map((service) => service.cluster),
    ...callers.map((caller) => caller.cluster),
    ...edges.flatMap((edge) => (edge.gateway === null ? [] : [edge.gateway])),
  ]);
  if (filters.cluster !== '') clusterKeys.add(filters.cluster);
  return {
    clusters: map.clusters.filter((cluster) => clusterKeys.has(cluster.key)),
    services: keptServices,
    callers,
    edges,
    // Every diagnostic stays: one may be about a resource no edge names.
    diagnostics: map.diagnostics,
  };
}

/** The choices of each select: every distinct value in the unfiltered map, sorted. */
export function filterChoices(map: MapData): Record<keyof MapFilters, string[]> {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  return {
    project: sorted([...map.services.map((s) => s.project), ...map.callers.map((c) => c.project)]),
    compositeApp: sorted(map.services.map((s) => s.compositeApp)),
    group: sorted(map.services.map((s) => s.group)),
    cluster: sorted(map.clusters.map((c) => c.key)),
    service: sorted(map.services.map((s) => s.name)),
  };
}
