import { describe, expect, it } from 'vitest';
import { graphElements } from './graph-model.js';
import { fleetMap, twoCloudsMap } from './test-support/map-fixture.js';

describe('graphElements', () => {
  it('nests services and callers in their clusters, clusters in their provider, with the locality in the label', () => {
    const graph = graphElements(twoCloudsMap());
    const node = (id: string) => graph.nodes.find((one) => one.data.id === id)?.data;
    expect(node('p:edge')?.kind).toBe('provider');
    expect(node('c:edge/cluster01')).toMatchObject({ parent: 'p:edge', label: 'cluster01\nregion1/zone1' });
    expect(node('s:svc-httpbin')).toMatchObject({ parent: 'c:edge/cluster02', kind: 'service' });
    expect(node('a:c-user')).toMatchObject({ parent: 'c:edge/cluster02', kind: 'caller' });
    expect(graph.collapsed).toBe(false);
  });

  it('routes a federated edge through its gateway and keeps every verdict', () => {
    const graph = graphElements(twoCloudsMap());
    const segments = (edgeId: string) =>
      graph.edges
        .filter((edge) => edge.data.edgeIds.includes(edgeId))
        .map((edge) => [edge.data.source, edge.data.target]);
    expect(segments('e1')).toEqual([
      ['a:c-sleep', 'g:edge/cluster02'],
      ['g:edge/cluster02', 's:svc-httpbin'],
    ]);
    expect(segments('e2')).toEqual([['a:c-sleep', 's:svc-productpage']]);
    const refused = graph.edges.filter((edge) => edge.data.verdict === 'refused');
    expect(refused.map((edge) => edge.data.edgeIds)).toEqual([['e3'], ['e3']]);
    expect(graph.nodes.find((one) => one.data.id === 'g:edge/cluster02')?.data.label).toBe(
      'gateway 172.25.55.50:15443',
    );
  });

  it('labels a weighted route with its share', () => {
    const map = twoCloudsMap();
    map.edges[1]!.share = 80;
    const edge = graphElements(map).edges.find((one) => one.data.edgeIds.includes('e2'));
    expect(edge?.data.label).toBe('80%');
    // Drawn together with an unweighted call on the same line, the share still shows.
    map.edges.push({ ...map.edges[1]!, id: 'e2b', share: null, port: 9443 });
    const both = graphElements(map).edges.find((one) => one.data.edgeIds.includes('e2b'));
    expect(both?.data.label).toBe('×2 · 80%');
  });

  it('gives every node a position and every edge ends that exist', () => {
    for (const map of [twoCloudsMap(), fleetMap(10, 60), fleetMap(100, 2000)]) {
      const graph = graphElements(map);
      const ids = new Set(graph.nodes.map((node) => node.data.id));
      for (const edge of graph.edges) {
        expect(ids.has(edge.data.source)).toBe(true);
        expect(ids.has(edge.data.target)).toBe(true);
      }
      const leaves = graph.nodes.filter((node) => !graph.nodes.some((other) => other.data.parent === node.data.id));
      for (const leaf of leaves.filter((node) => node.data.kind !== 'provider')) expect(leaf.position).toBeDefined();
    }
  });

  it('collapses a large fleet to one node per cluster, aggregating edges without losing any', () => {
    const map = fleetMap(100, 2000);
    const graph = graphElements(map);
    expect(graph.collapsed).toBe(true);
    expect(graph.nodes.filter((node) => node.data.kind === 'cluster')).toHaveLength(100);
    expect(graph.nodes.some((node) => node.data.kind === 'service')).toBe(false);
    // Every map edge is drawn by some graph edge of its own verdict.
    const drawn = new Map<string, string>();
    for (const edge of graph.edges) for (const id of edge.data.edgeIds) drawn.set(id, edge.data.verdict);
    for (const edge of map.edges) expect(drawn.get(edge.id)).toBe(edge.verdict);
    expect(graph.edges.length).toBeLessThan(map.edges.length);
    expect(graph.edges.some((edge) => edge.data.label.startsWith('×'))).toBe(true);
  });

  it('lets a search on a collapsed cluster find the services folded into it', () => {
    const graph = graphElements(fleetMap(100, 2000));
    const holder = graph.nodes.find((node) => node.data.search.split(' ').includes('svc1234'));
    expect(holder?.data.kind).toBe('cluster');
  });
});
