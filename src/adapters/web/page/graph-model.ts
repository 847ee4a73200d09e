/**
 * The map as Cytoscape elements, computed without a DOM so that it can be tested and stays
 * fast: provider → cluster compound nodes (the cluster's locality in its label, clusters
 * ordered by locality), caller and service nodes inside their cluster, a gateway node in
 * each cluster that carries federated edges, and one graph edge per distinct
 * (source, target, verdict) with the count of the map edges it stands for. Positions are
 * computed here (a preset layout): a grid of clusters per provider, callers on the left of
 * each cluster and services on the right, which is readable and costs no iterative layout.
 *
 * A large fleet (more than `collapseAbove` clusters) shows each cluster as one node; its
 * callers, services and gateway fold into it, and the edges between clusters aggregate.
 */
import type { MapCluster, MapData, MapEdge, Verdict } from './map-data.js';

export interface NodeData {
  id: string;
  label: string;
  kind: 'provider' | 'cluster' | 'service' | 'caller' | 'gateway';
  parent?: string;
  /** What a search matches: the names this node stands for, lower case. */
  search: string;
  /** The cluster key (`provider/cluster`) for clusters and what is in them. */
  cluster?: string;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  verdict: Verdict;
  /** The map edges this graph edge stands for. */
  edgeIds: string[];
  label: string;
}

export interface GraphElements {
  nodes: { data: NodeData; position?: { x: number; y: number } }[];
  edges: { data: EdgeData }[];
  collapsed: boolean;
}

export interface GraphOptions {
  /** Above this many clusters, clusters collapse to single nodes. */
  collapseAbove: number;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { collapseAbove: 24 };

const ROW = 46;
const COLUMN = 200;
const CELL_GAP = 90;
const COLLAPSED_CELL = 170;

const clusterId = (key: string) => `c:${key}`;
const providerId = (provider: string) => `p:${provider}`;
const gatewayId = (key: string) => `g:${key}`;

/** Clusters by provider, each provider's ordered by locality then name. */
function byProvider(clusters: MapCluster[]): Map<string, MapCluster[]> {
  const groups = new Map<string, MapCluster[]>();
  const sorted = [...clusters].sort(
    (a, b) =>
      a.provider.localeCompare(b.provider) ||
      (a.locality ?? '').localeCompare(b.locality ?? '') ||
      a.name.localeCompare(b.name),
  );
  for (const cluster of sorted) groups.set(cluster.provider, [...(groups.get(cluster.provider) ?? []), cluster]);
  return groups;
}

interface Contents {
  callers: { id: string; label: string; search: string }[];
  services: { id: string; label: string; search: string }[];
  gateway: boolean;
}

function contentsOf(map: MapData): Map<string, Contents> {
  const contents = new Map<string, Contents>(
    map.clusters.map((cluster) => [cluster.key, { callers: [], services: [], gateway: false }]),
  );
  const get = (key: string) => {
    let found = contents.get(key);
    if (found === undefined) contents.set(key, (found = { callers: [], services: [], gateway: false }));
    return found;
  };
  for (const caller of map.callers) {
    const label = `${caller.app}`;
    get(caller.cluster).callers.push({ id: `a:${caller.id}`, label, search: `${caller.app} ${caller.namespace}` });
  }
  for (const service of map.services) {
    const label = `${service.name}${service.version ? ` ${service.version}` : ''}`;
    const search = `${service.name} ${service.namespace} ${service.compositeApp} ${service.group}`;
    get(service.cluster).services.push({ id: `s:${service.id}`, label, search });
  }
  for (const edge of map.edges) if (edge.gateway !== null) get(edge.gateway).gateway = true;
  for (const one of contents.values()) {
    one.callers.sort((a, b) => a.label.localeCompare(b.label));
    one.services.sort((a, b) => a.label.localeCompare(b.label));
  }
  return contents;
}

const clusterLabel = (cluster: MapCluster) => `${cluster.name}${cluster.locality ? `\n${cluster.locality}` : ''}`;

function gatewayLabel(cluster: MapCluster | undefined): string {
  const address = cluster?.gateway.address ?? 'no address';
  const port = cluster?.gateway.port;
  return `gateway ${address}${port ? `:${port}` : ''}`;
}

interface Placement {
  nodes: GraphElements['nodes'];
  /** Map node id (caller/service/gateway) → the graph node that shows it. */
  shownAs: Map<string, string>;
}

function clusterSearch(cluster: MapCluster, inside: Contents): string {
  const names = [...inside.callers, ...inside.services].map((one) => one.search);
  return [cluster.key, cluster.locality ?? '', ...names].join(' ').toLowerCase();
}

/** Every cluster expanded: callers left, services right, the gateway below them. */
function placeExpanded(map: MapData, contents: Map<string, Contents>): Placement {
  const nodes: GraphElements['nodes'] = [];
  const shownAs = new Map<string, string>();
  const clusters = new Map(map.clusters.map((cluster) => [cluster.key, cluster]));
  let top = 0;
  for (const [provider, members] of byProvider(map.clusters)) {
    nodes.push({
      data: { id: providerId(provider), label: provider, kind: 'provider', search: provider.toLowerCase() },
    });
    const columns = Math.max(1, Math.ceil(Math.sqrt(members.length)));
    for (let row = 0; row * columns < members.length; row++) {
      const cells = members.slice(row * columns, row * columns + columns);
      const heights = cells.map((cluster) => rowsOf(contents.get(cluster.key)) * ROW);
      cells.forEach((cluster, column) => {
        const inside = contents.get(cluster.key) as Contents;
        const left = column * (COLUMN * 2 + CELL_GAP);
        const id = clusterId(cluster.key);
        const data = { id, label: clusterLabel(cluster), kind: 'cluster' as const, parent: providerId(provider) };
        nodes.push({ data: { ...data, search: clusterSearch(cluster, inside), cluster: cluster.key } });
        const child = (
          one: { id: string; label: string; search: string },
          kind: NodeData['kind'],
          x: number,
          y: number,
        ) => {
          nodes.push({
            data: {
              id: one.id,
              label: one.label,
              kind,
              parent: id,
              search: one.search.toLowerCase(),
              cluster: cluster.key,
            },
            position: { x, y },
          });
          shownAs.set(one.id, one.id);
        };
        inside.callers.forEach((one, index) => child(one, 'caller', left, top + index * ROW));
        inside.services.forEach((one, index) => child(one, 'service', left + COLUMN, top + index * ROW));
        if (inside.gateway) {
          const y = top + Math.max(inside.callers.length, inside.services.length) * ROW;
          const gateway = {
            id: gatewayId(cluster.key),
            label: gatewayLabel(clusters.get(cluster.key)),
            search: 'gateway',
          };
          child(gateway, 'gateway', left + COLUMN / 2, y);
        }
        if (inside.callers.length + inside.services.length === 0 && !inside.gateway) {
          (nodes[nodes.length - 1] as { position?: { x: number; y: number } }).position = {
            x: left + COLUMN / 2,
            y: top,
          };
        }
      });
      top += Math.max(...heights) + CELL_GAP;
    }
    top += CELL_GAP;
  }
  return { nodes, shownAs };
}

const rowsOf = (inside: Contents | undefined) =>
  Math.max(1, (inside?.callers.length ?? 0) + (inside?.gateway ? 1 : 0), (inside?.services.length ?? 0) + 1);

/** Each cluster one node, in a grid per provider. */
function placeCollapsed(map: MapData, contents: Map<string, Contents>): Placement {
  const nodes: GraphElements['nodes'] = [];
  const shownAs = new Map<string, string>();
  let top = 0;
  for (const [provider, members] of byProvider(map.clusters)) {
    nodes.push({
      data: { id: providerId(provider), label: provider, kind: 'provider', search: provider.toLowerCase() },
    });
    const columns = Math.max(1, Math.ceil(Math.sqrt(members.length * 2)));
    members.forEach((cluster, index) => {
      const inside = contents.get(cluster.key) as Contents;
      const id = clusterId(cluster.key);
      const counts = `${inside.services.length} svc · ${inside.callers.length} callers`;
      nodes.push({
        data: {
          id,
          label: `${clusterLabel(cluster)}\n${counts}`,
          kind: 'cluster',
          parent: providerId(provider),
          search: clusterSearch(cluster, inside),
          cluster: cluster.key,
        },
        position: { x: (index % columns) * COLLAPSED_CELL, y: top + Math.floor(index / columns) * COLLAPSED_CELL },
      });
      for (const one of [...inside.callers, ...inside.services]) shownAs.set(one.id, id);
      shownAs.set(gatewayId(cluster.key), id);
    });
    top += Math.ceil(members.length / columns) * COLLAPSED_CELL + CELL_GAP;
  }
  return { nodes, shownAs };
}

/** The graph nodes one map edge passes: caller, the gateway when federated, service. */
function pathOf(edge: MapEdge, shownAs: Map<string, string>): string[] | undefined {
  const from = shownAs.get(`a:${edge.from}`);
  const to = shownAs.get(`s:${edge.to}`);
  if (from === undefined || to === undefined) return undefined;
  const via = edge.gateway === null ? undefined : shownAs.get(gatewayId(edge.gateway));
  const path = via === undefined ? [from, to] : [from, via, to];
  return path.filter((node, index) => index === 0 || node !== path[index - 1] || path.length === 2);
}

function edgeLabel(edges: MapEdge[]): string {
  const shares = edges.flatMap((edge) => (edge.share === null ? [] : [`${edge.share}%`]));
  const count = edges.length > 1 ? `×${edges.length}` : '';
  return [count, shares.join(' ')].filter((part) => part !== '').join(' · ');
}

/** One graph edge per (source, target, verdict); each carries the map edges it stands for. */
function aggregate(map: MapData, shownAs: Map<string, string>): GraphElements['edges'] {
  const groups = new Map<string, { source: string; target: string; verdict: Verdict; edges: MapEdge[] }>();
  for (const edge of map.edges) {
    const path = pathOf(edge, shownAs);
    if (path === undefined) continue;
    for (let index = 1; index < path.length; index++) {
      const source = path[index - 1] as string;
      const target = path[index] as string;
      const key = `${source}|${target}|${edge.verdict}`;
      const group = groups.get(key) ?? { source, target, verdict: edge.verdict, edges: [] };
      group.edges.push(edge);
      groups.set(key, group);
    }
  }
  return [...groups.entries()].map(([key, group]) => ({
    data: {
      id: `e:${key}`,
      source: group.source,
      target: group.target,
      verdict: group.verdict,
      edgeIds: group.edges.map((edge) => edge.id),
      label: edgeLabel(group.edges),
    },
  }));
}

export function graphElements(map: MapData, options: GraphOptions = DEFAULT_GRAPH_OPTIONS): GraphElements {
  const contents = contentsOf(map);
  const collapsed = map.clusters.length > options.collapseAbove;
  const placement = collapsed ? placeCollapsed(map, contents) : placeExpanded(map, contents);
  return { nodes: placement.nodes, edges: aggregate(map, placement.shownAs), collapsed };
}
