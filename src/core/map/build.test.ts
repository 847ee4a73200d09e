/**
 * The map built from one render of the two example scenarios (applied to a real
 * in-memory server, read back as the render service reads them, rendered purely here):
 * the declared calls, their verdicts from the data-plane model, weighted shares, and a
 * refused edge once a caller is no longer among a service's declared callers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Snapshot } from '../render/snapshot.js';
import { readSnapshot } from '../../service/snapshot.js';
import { sqliteApi, type ApiHarness } from '../../test-support/api.js';
import { exampleDocuments } from '../../test-support/examples.js';
import { mapOf } from '../../test-support/fleet-map.js';
import { filterMap } from './filter.js';
import { concretePath, sourceAddress } from './request.js';
import type { MapEdgeView, MapViewBody } from './schema.js';

/** `app@cluster -> service@cluster` with the edge's share and verdict, for readable expectations. */
function describeEdges(view: MapViewBody, edges: MapEdgeView[] = view.edges) {
  const callers = new Map(view.callers.map((caller) => [caller.id, caller]));
  const services = new Map(view.services.map((service) => [service.id, service]));
  return edges.map((edge) => {
    const caller = callers.get(edge.from);
    const service = services.get(edge.to);
    return {
      edge: `${caller?.app}@${caller?.cluster} -> ${service?.name}@${service?.cluster}`,
      host: edge.host,
      mode: edge.mode,
      gateway: edge.gateway,
      share: edge.share,
      verdict: edge.verdict,
      hop: edge.hop,
    };
  });
}

let api: ApiHarness;
let snapshot: Snapshot;
beforeAll(async () => {
  api = await sqliteApi();
  for (const file of ['seed-two-clouds.yaml', 'seed-replication.yaml'])
    for (const document of await exampleDocuments(file)) {
      const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
      if (response.status !== 201) throw new Error(`${document.anchor}: ${response.body}`);
    }
  snapshot = await readSnapshot(api.store);
});
afterAll(async () => api?.close());

describe('the map of the two examples', () => {
  test('seed 000: each declared caller → service, local or through the serving cluster’s gateway, delivered', () => {
    const { view } = mapOf(snapshot);
    const demo = filterMap(view, { project: 'demo' }, 'all');
    expect(describeEdges(demo)).toEqual([
      {
        edge: 'bookinfo-user@edge/cluster02 -> productpage@edge/cluster01',
        host: 'productpage.namespace01.logicalcloud01',
        mode: 'federated',
        gateway: 'edge/cluster01',
        share: null,
        verdict: 'delivered',
        hop: null,
      },
      {
        edge: 'sleep@edge/cluster01 -> productpage@edge/cluster01',
        host: 'productpage.namespace01.svc.cluster.local',
        mode: 'local',
        gateway: null,
        share: null,
        verdict: 'delivered',
        hop: null,
      },
      {
        edge: 'sleep@edge/cluster01 -> httpbin@edge/cluster02',
        host: 'httpbin.namespace02.logicalcloud02',
        mode: 'federated',
        gateway: 'edge/cluster02',
        share: null,
        verdict: 'delivered',
        hop: null,
      },
    ]);
    // The request traced is the first one the client intent allows: sleep-to-httpbin's GET /headers.
    const httpbin = demo.edges.find((edge) => edge.host.startsWith('httpbin'));
    expect(httpbin?.request).toEqual({ method: 'GET', path: '/headers' });
    expect(httpbin?.intent).toMatch(/\/inbound-intents\/httpbin-inbound$/);
    expect(httpbin?.reason).toMatch(/^allowed by namespace02\/httpbin-callers/);
    expect(demo.clusters.map((cluster) => [cluster.key, cluster.locality, cluster.gateway.address])).toEqual([
      ['edge/cluster01', 'region1/zone1', '172.25.55.210'],
      ['edge/cluster02', 'region2/zone1', '172.25.55.50'],
    ]);
  });

  test("seed 001: the weighted split is one edge per destination with its share, beside sleep's declared calls", () => {
    const { view } = mapOf(snapshot);
    const replicas = filterMap(view, { project: 'replicas' }, 'all');
    const split = replicas.edges.filter((edge) => edge.intent.endsWith('/routing-intents/service01-split'));
    expect(
      describeEdges(replicas, split).map(({ edge, share, verdict, mode }) => ({ edge, share, verdict, mode })),
    ).toEqual([
      {
        edge: 'sleep@metro/cluster1 -> serviceserver04@metro/cluster2',
        share: 50,
        verdict: 'delivered',
        mode: 'federated',
      },
      {
        edge: 'sleep@metro/cluster1 -> serviceserver01@metro/cluster1',
        share: 25,
        verdict: 'delivered',
        mode: 'local',
      },
      {
        edge: 'sleep@metro/cluster1 -> serviceserver02@metro/cluster1',
        share: 25,
        verdict: 'delivered',
        mode: 'local',
      },
    ]);
    expect(
      split.every((edge) => edge.request.path === '/headers' && edge.host === 'service01.bar.svc.cluster.local'),
    ).toBe(true);
    const declared = replicas.edges.filter((edge) => edge.share === null);
    expect(declared).toHaveLength(4);
    expect(declared.every((edge) => edge.verdict === 'delivered' && edge.client !== null)).toBe(true);
  });

  test('a caller dropped from a service’s declared callers: the split still sends it there, and it is refused', () => {
    const dropped = '/inbound-intents/serviceserver02/clients/sleep';
    const edited = { ...snapshot, clients: snapshot.clients.filter((client) => !client.key.endsWith(dropped)) };
    expect(edited.clients.length).toBe(snapshot.clients.length - 1);
    const { view } = mapOf(edited);
    const split = view.edges.filter((edge) => edge.intent.endsWith('/routing-intents/service01-split'));
    const refused = describeEdges(view, split).filter((edge) => edge.verdict === 'refused');
    expect(refused).toEqual([
      {
        edge: 'sleep@metro/cluster1 -> serviceserver02@metro/cluster1',
        host: 'service01.bar.svc.cluster.local',
        mode: 'local',
        gateway: null,
        share: 25,
        verdict: 'refused',
        hop: 'authorization',
      },
    ]);
    const edge = split.find((candidate) => candidate.verdict === 'refused');
    expect(edge?.reason).toMatch(/serviceserver02/);
    expect(edge?.hopCluster).toBe('metro/cluster1');
    // Its declared edge is gone with the client intent; the other three remain.
    expect(
      view.edges.filter((candidate) => candidate.share === null && candidate.client?.includes('/replication/')),
    ).toHaveLength(3);
  });

  test('ids are stable: two builds of one snapshot give the same map', () => {
    expect(JSON.stringify(mapOf(snapshot).view)).toBe(JSON.stringify(mapOf(structuredClone(snapshot)).view));
  });
});

describe('what a reader sees', () => {
  test('a reader of one project sees only its services, callers, edges and diagnostics', () => {
    const { view } = mapOf(snapshot);
    const seen = filterMap(view, {}, new Set(['replicas']));
    expect(new Set(seen.services.map((service) => service.project))).toEqual(new Set(['replicas']));
    expect(new Set(seen.callers.map((caller) => caller.project))).toEqual(new Set(['replicas']));
    expect(seen.edges.length).toBe(
      view.edges.filter((edge) => edge.host.includes('.bar.') || edge.host.startsWith('service01')).length,
    );
    expect(seen.diagnostics.every((diagnostic) => diagnostic.resource?.startsWith('projects/replicas/'))).toBe(true);
    expect(filterMap(view, {}, new Set()).edges).toEqual([]);
  });

  test('cluster and service filters keep the edges with an end there and the nodes at their ends', () => {
    const { view } = mapOf(snapshot);
    const atCluster02 = filterMap(view, { cluster: 'edge/cluster02' }, 'all');
    expect(describeEdges(atCluster02).map((edge) => edge.edge)).toEqual([
      'bookinfo-user@edge/cluster02 -> productpage@edge/cluster01',
      'sleep@edge/cluster01 -> httpbin@edge/cluster02',
    ]);
    expect(atCluster02.clusters.map((cluster) => cluster.key)).toEqual(['edge/cluster01', 'edge/cluster02']);
    const httpbin = filterMap(view, { service: 'httpbin' }, 'all');
    expect(httpbin.services.map((service) => service.name)).toEqual(['httpbin']);
    expect(httpbin.callers.map((caller) => caller.app)).toEqual(['sleep']);
    expect(filterMap(view, { group: 'no-such-group' }, 'all')).toMatchObject({ services: [], callers: [], edges: [] });
  });
});

test('a source address is the first host of the first IPv4 CIDR', () => {
  expect(sourceAddress(['10.217.0.0/16'])).toBe('10.217.0.1');
  expect(sourceAddress(['192.168.4.7/24', '10.0.0.0/8'])).toBe('192.168.4.1');
  expect(sourceAddress(['192.168.4.7/32'])).toBe('192.168.4.7');
  expect(sourceAddress(['192.168.4.7'])).toBe('192.168.4.7');
  expect(sourceAddress(['fd00::/64'])).toBeUndefined();
  expect(sourceAddress([])).toBeUndefined();
});

test('a path pattern is made a path it admits', () => {
  expect(['*', '/status*', '*.html', '/api/{*}/items', '/exact'].map(concretePath)).toEqual([
    '/',
    '/status',
    '/x.html',
    '/api/x/items',
    '/exact',
  ]);
});
