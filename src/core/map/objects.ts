/**
 * The rendered objects behind a map element, as a render result (so the HTTP adapter
 * shows them exactly as the render GETs do, Secret data redacted): a cluster's objects,
 * or an edge's, those its intents own in the clusters it passes, with the cluster-wide
 * objects (PeerAuthentication, the cross-network Gateway) of those clusters.
 */
import { clusterLabel } from '../render/mesh.js';
import type { RenderedObject } from '../render/objects.js';
import type { RenderResult } from '../render/render.js';
import type { EdgeFacts } from './context.js';
import { diagnosticReadable, mayRead } from './filter.js';
import type { MapEdgeView, Readable } from './schema.js';

const PROJECT = 'meshbridge.io/project';
const isClusterWide = (object: RenderedObject) => object.metadata.labels['meshbridge.io/intent-kind'] === 'cluster';

function objectReadable(object: RenderedObject, readable: Readable): boolean {
  const project = object.metadata.labels[PROJECT];
  return project === undefined ? isClusterWide(object) || readable === 'all' : mayRead(readable, project);
}

/** Everything rendered in one cluster that the reader may read; undefined when meshbridge knows no such cluster. */
export function clusterObjects(result: RenderResult, cluster: string, readable: Readable): RenderResult {
  return {
    clusters: result.clusters
      .filter((entry) => clusterLabel(entry.cluster) === cluster)
      .map((entry) => ({ ...entry, resources: entry.resources.filter((object) => objectReadable(object, readable)) })),
    diagnostics: result.diagnostics.filter(
      (diagnostic) => diagnostic.cluster === cluster && diagnosticReadable(diagnostic.resource, readable),
    ),
  };
}

/** `projects/p/composite-apps/a/v/deployment-intent-groups/g/traffic-group-intents/t/<kind>-intents/n` → its objects' owner labels. */
function ownerOf(key: string): Record<string, string> | undefined {
  const match =
    /^projects\/([^/]+)\/composite-apps\/([^/]+)\/([^/]+)\/deployment-intent-groups\/([^/]+)\/traffic-group-intents\/[^/]+\/(inbound|routing)-intents\/([^/]+)$/.exec(
      key,
    );
  if (!match) return undefined;
  const [, project, compositeApp, version, group, kind, intent] = match.map((part) => decodeURIComponent(part ?? ''));
  return {
    [PROJECT]: project as string,
    'meshbridge.io/composite-app': compositeApp as string,
    'meshbridge.io/composite-app-version': version as string,
    'meshbridge.io/deployment-intent-group': group as string,
    'meshbridge.io/intent-kind': kind as string,
    'meshbridge.io/intent': intent as string,
  };
}

const owns = (labels: Record<string, string>) => (object: RenderedObject) =>
  Object.entries(labels).every(([key, value]) => object.metadata.labels[key] === value);

/** The clusters an edge passes: its caller's, every cluster a hop of its trace is in, and its service's. */
export function edgeClusters(edge: MapEdgeView, facts: EdgeFacts, serviceCluster: string | undefined): Set<string> {
  const hops = facts.check.destinations.flatMap((destination) => destination.hops.map((hop) => hop.cluster));
  return new Set(
    [facts.check.caller.cluster, ...hops, edge.gateway, serviceCluster].filter(
      (cluster): cluster is string => typeof cluster === 'string',
    ),
  );
}

export function edgeObjects(
  result: RenderResult,
  edge: MapEdgeView,
  facts: EdgeFacts,
  serviceCluster: string | undefined,
  readable: Readable,
): RenderResult {
  const clusters = edgeClusters(edge, facts, serviceCluster);
  const owners = facts.intents.flatMap((key) => {
    const owner = ownerOf(key);
    return owner ? [owns(owner)] : [];
  });
  const wanted = (object: RenderedObject) =>
    objectReadable(object, readable) && (isClusterWide(object) || owners.some((owned) => owned(object)));
  const keys = new Set(facts.intents);
  return {
    clusters: result.clusters
      .filter((entry) => clusters.has(clusterLabel(entry.cluster)))
      .map((entry) => ({ ...entry, resources: entry.resources.filter(wanted) }))
      .filter((entry) => entry.resources.length > 0),
    diagnostics: result.diagnostics.filter(
      (diagnostic) =>
        diagnostic.resource !== undefined &&
        [...keys].some((key) => diagnostic.resource === key || diagnostic.resource?.startsWith(`${key}/`)) &&
        diagnosticReadable(diagnostic.resource, readable),
    ),
  };
}
