/**
 * What one reader asked for and may see of the map: services and callers of the
 * projects they may read, narrowed by the query. An edge is kept when its service
 * passes the filter and, with `cluster`, one of its ends (or its gateway) is there;
 * the services and callers at the ends of kept edges are always in the lists.
 */
import type { MapFilter, MapViewBody, Readable } from './schema.js';

type Owned = { project: string; compositeApp: string; group: string };

export const mayRead = (readable: Readable, project: string) => readable === 'all' || readable.has(project);

function ownedFits(item: Owned, filter: MapFilter, readable: Readable): boolean {
  return (
    mayRead(readable, item.project) &&
    (filter.project === undefined || item.project === filter.project) &&
    (filter.compositeApp === undefined || item.compositeApp === filter.compositeApp) &&
    (filter.group === undefined || item.group === filter.group)
  );
}

/** The project a resource key is under, decoded; undefined for one outside every project (a cluster). */
export function projectOf(resource: string | null | undefined): string | undefined {
  const project = /^projects\/([^/]+)/.exec(resource ?? '')?.[1];
  return project === undefined ? undefined : decodeURIComponent(project);
}

/** A global reader reads every diagnostic; another, those about resources of its projects. */
export function diagnosticReadable(resource: string | null | undefined, readable: Readable): boolean {
  const project = projectOf(resource);
  return readable === 'all' || (project !== undefined && readable.has(project));
}

const isFiltered = (filter: MapFilter) => Object.values(filter).some((value) => value !== undefined);

/** A diagnostic about a resource the reader may read, under what the filter names. */
function diagnosticFits(
  diagnostic: MapViewBody['diagnostics'][number],
  filter: MapFilter,
  readable: Readable,
  keys: ReadonlySet<string>,
): boolean {
  const resource = diagnostic.resource ?? '';
  const project = projectOf(resource);
  if (!diagnosticReadable(resource, readable)) return false;
  if (filter.cluster !== undefined && diagnostic.cluster !== null && diagnostic.cluster !== filter.cluster)
    return false;
  if (filter.project !== undefined && project !== undefined && project !== filter.project) return false;
  const narrowed = filter.compositeApp !== undefined || filter.group !== undefined || filter.service !== undefined;
  return !narrowed || [...keys].some((key) => resource === key || resource.startsWith(`${key}/`));
}

export function filterMap(view: MapViewBody, filter: MapFilter, readable: Readable): MapViewBody {
  if (!isFiltered(filter) && readable === 'all') return view;
  const serviceFits = (service: MapViewBody['services'][number]) =>
    ownedFits(service, filter, readable) &&
    (filter.service === undefined || service.name === filter.service || service.app === filter.service);
  const services = new Map(view.services.map((service) => [service.id, service]));
  const callers = new Map(view.callers.map((caller) => [caller.id, caller]));
  const edges = view.edges.filter((edge) => {
    const service = services.get(edge.to);
    const caller = callers.get(edge.from);
    if (!service || !caller || !serviceFits(service) || !mayRead(readable, caller.project)) return false;
    const at = filter.cluster;
    return at === undefined || caller.cluster === at || service.cluster === at || edge.gateway === at;
  });
  const keptServices = new Set(edges.map((edge) => edge.to));
  const keptCallers = new Set(edges.map((edge) => edge.from));
  const inCluster = (item: { cluster: string }) => filter.cluster === undefined || item.cluster === filter.cluster;
  const serviceList = view.services.filter(
    (service) => keptServices.has(service.id) || (serviceFits(service) && inCluster(service)),
  );
  const callerList = view.callers.filter(
    (caller) =>
      keptCallers.has(caller.id) ||
      (filter.service === undefined && ownedFits(caller, filter, readable) && inCluster(caller)),
  );
  const used = new Set([
    ...serviceList.map((service) => service.cluster),
    ...callerList.map((caller) => caller.cluster),
    ...edges.flatMap((edge) => (edge.gateway === null ? [] : [edge.gateway])),
    ...(filter.cluster === undefined ? [] : [filter.cluster]),
  ]);
  const keys = new Set([
    ...serviceList.flatMap((service) => service.intents),
    ...edges.flatMap((edge) => [edge.intent, ...(edge.client === null ? [] : [edge.client])]),
  ]);
  return {
    clusters: isFiltered(filter) ? view.clusters.filter((cluster) => used.has(cluster.key)) : view.clusters,
    services: serviceList,
    callers: callerList,
    edges,
    diagnostics: view.diagnostics.filter((diagnostic) => diagnosticFits(diagnostic, filter, readable, keys)),
  };
}
