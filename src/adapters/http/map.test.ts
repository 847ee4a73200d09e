/** `GET /v2/map` and the edge and cluster views behind it, through a real server with both examples applied. */
import type { FastifyInstance } from 'fastify';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../compose.js';
import type { MapViewBody } from '../../core/map/schema.js';
import { injectRequest, sqliteApi, type ApiHarness } from '../../test-support/api.js';
import { exampleDocuments } from '../../test-support/examples.js';
import { openSqliteDatabase } from '../storage/sqlite.js';
import { MAX_EVENT_STREAMS } from './map-routes.js';

type Send = (method: string, url: string, body?: unknown) => Promise<{ status: number; body: unknown; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function applyExamples(send: Send): Promise<void> {
  for (const file of ['seed-two-clouds.yaml', 'seed-replication.yaml'])
    for (const document of await exampleDocuments(file)) {
      const response = await send('POST', `/v2/${document.anchor}`, document.body);
      if (response.status !== 201) throw new Error(`${document.anchor}: ${response.status} ${String(response.body)}`);
    }
}

const REPLICATION =
  '/v2/projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group/traffic-group-intents/replication';

function edgeNamed(map: MapViewBody, app: string, service: string) {
  const callers = new Map(map.callers.map((caller) => [caller.id, caller]));
  const services = new Map(map.services.map((node) => [node.id, node]));
  return map.edges.filter((edge) => callers.get(edge.from)?.app === app && services.get(edge.to)?.name === service);
}

describe('with authentication off', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await sqliteApi();
    await applyExamples(api.request);
  });
  afterAll(async () => api?.close());

  test('GET /v2/map: every edge joins a listed caller to a listed service, and ids are stable', async () => {
    const first = await api.request('GET', '/v2/map');
    expect(first.status).toBe(200);
    const map = first.json as MapViewBody;
    expect(Object.keys(map)).toEqual(['clusters', 'services', 'callers', 'edges', 'diagnostics']);
    expect(map.clusters.map((cluster) => cluster.key)).toEqual([
      'edge/cluster01',
      'edge/cluster02',
      'metro/cluster1',
      'metro/cluster2',
    ]);
    const callers = new Set(map.callers.map((caller) => caller.id));
    const services = new Set(map.services.map((service) => service.id));
    expect(map.edges.length).toBe(10);
    for (const edge of map.edges) {
      expect(callers.has(edge.from) && services.has(edge.to), edge.id).toBe(true);
      expect(edge.verdict).toBe('delivered');
    }
    expect((await api.request('GET', '/v2/map')).body).toBe(first.body);
  });

  test('filters narrow; bad ones are a 400 naming every wrong field', async () => {
    const demo = (await api.request('GET', '/v2/map?project=demo&cluster=edge/cluster01')).json as MapViewBody;
    expect(new Set(demo.services.map((service) => service.project))).toEqual(new Set(['demo']));
    expect(demo.edges.length).toBe(3);
    const bad = await api.request('GET', '/v2/map?cluster=cluster01&group=a/b&project=x&project=y');
    expect(bad.status).toBe(400);
    expect(bad.json.details.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'cluster',
      'group',
      'project',
    ]);
  });

  test("an edge's trace is the check route answer it was decided from", async () => {
    const map = (await api.request('GET', '/v2/map')).json as MapViewBody;
    const [edge] = edgeNamed(map, 'sleep', 'httpbin');
    const response = await api.request('GET', `/v2/map/edges/${edge?.id}/trace`);
    expect(response.status).toBe(200);
    expect(response.json.edge).toEqual(edge);
    expect(response.json.trace.request).toMatchObject({
      host: 'httpbin.namespace02.logicalcloud02',
      method: 'GET',
      path: '/headers',
    });
    const check = await api.request(
      'GET',
      '/v2/check-route?from=sleep&to=httpbin.namespace02.logicalcloud02&cluster=edge/cluster01&path=/headers&port=80',
    );
    expect(response.json.trace.destinations).toEqual(check.json.destinations);
    expect((await api.request('GET', '/v2/map/edges/e-nosuchedge/trace')).status).toBe(404);
  });

  test("an edge's objects: its intents' objects in the clusters it passes, as the render shows them", async () => {
    const map = (await api.request('GET', '/v2/map')).json as MapViewBody;
    const [edge] = edgeNamed(map, 'sleep', 'httpbin');
    const response = await api.request('GET', `/v2/map/edges/${edge?.id}/objects`);
    expect(response.status).toBe(200);
    const ids = (
      response.json.clusters as { cluster: string; resources: { kind: string; metadata: { name: string } }[] }[]
    ).map((cluster) => [cluster.cluster, cluster.resources.map((object) => `${object.kind}/${object.metadata.name}`)]);
    expect(ids).toEqual([
      [
        'cluster01',
        expect.arrayContaining([
          'ServiceEntry/httpbin.namespace02.logicalcloud02',
          'DestinationRule/httpbin.namespace02.logicalcloud02',
        ]),
      ],
      ['cluster02', expect.arrayContaining(['AuthorizationPolicy/httpbin-callers'])],
    ]);
    const yaml = await api.request('GET', `/v2/map/edges/${edge?.id}/objects?format=yaml`);
    expect(String(yaml.headers['content-type'])).toMatch(/application\/yaml/);
    expect(yaml.body).toContain('# cluster edge/cluster01:');
  });

  test("a cluster's objects are its render; an unknown cluster is a 404", async () => {
    const mine = await api.request('GET', '/v2/map/clusters/edge/cluster02/objects');
    const render = await api.request('GET', '/v2/cluster-providers/edge/clusters/cluster02/render');
    expect(mine.status).toBe(200);
    expect(mine.json.clusters).toEqual(render.json.clusters);
    expect((await api.request('GET', '/v2/map/clusters/edge/nowhere/objects')).status).toBe(404);
  });

  test('GET /v2/map/deploy: every group the filter names, with its state per cluster', async () => {
    const all = await api.request('GET', '/v2/map/deploy');
    expect(all.status).toBe(200);
    expect(all.json.groups.map((group: { group: string }) => group.group).sort()).toEqual([
      'bar-group',
      'lc01-group',
      'lc02-group',
    ]);
    const demo = await api.request('GET', '/v2/map/deploy?project=demo&group=lc02-group');
    expect(demo.json.groups).toEqual([
      expect.objectContaining({
        project: 'demo',
        compositeApp: 'blue-app',
        version: 'v1',
        group: 'lc02-group',
        approved: false,
        clusters: [],
        changed: null,
      }),
    ]);
    const bad = await api.request('GET', '/v2/map/deploy?changes=maybe');
    expect(bad.status).toBe(400);
    expect((await api.request('GET', '/v2/map/deploy/events?interval=0')).status).toBe(400);
  });

  test('GET /v2/map/deploy/events: the deploy view at once, then again when it changes', async () => {
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const events: unknown[] = [];
    const before = (await api.request('GET', '/v2/map/deploy?project=replicas')).json;
    await new Promise<void>((resolve, reject) => {
      const request = get(`${address}/v2/map/deploy/events?project=replicas&interval=1`, (response) => {
        expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
        let received = '';
        response.on('data', (chunk: Buffer) => {
          received += chunk.toString('utf8');
          for (const [, data] of received.matchAll(/event: deploy\ndata: (.*)\n\n/g))
            events.push(JSON.parse(data ?? ''));
          received = received.slice(received.lastIndexOf('\n\n') + 2);
          // Approving the group changes its state: the stream says so without being asked.
          if (events.length === 1)
            void api.request('POST', `${REPLICATION.replace(/\/traffic-group-intents.*$/, '')}/approve`);
          if (events.length === 2) {
            request.destroy();
            resolve();
          }
        });
      });
      request.on('error', reject);
    });
    expect(events[0]).toEqual(before);
    expect(events[1]).toEqual((await api.request('GET', '/v2/map/deploy?project=replicas')).json);
    expect((events[1] as { groups: { approved: boolean }[] }).groups[0]?.approved).toBe(true);
  });

  test('past MAX_EVENT_STREAMS open deploy streams a new one is a 429 with Retry-After; once one closes, a new one opens', async () => {
    // The stream test above may have started listening already.
    const bound = api.app.server.address();
    const address =
      bound !== null && typeof bound === 'object'
        ? `http://127.0.0.1:${bound.port}`
        : await api.app.listen({ port: 0, host: '127.0.0.1' });
    const open = (): Promise<{ request: ClientRequest; response: IncomingMessage }> =>
      new Promise((resolve, reject) => {
        const request = get(`${address}/v2/map/deploy/events?interval=60`, (response) => {
          response.resume();
          resolve({ request, response });
        });
        request.on('error', reject);
      });
    const streams = [];
    for (let index = 0; index < MAX_EVENT_STREAMS; index++) streams.push(await open());
    try {
      expect(streams.every(({ response }) => response.statusCode === 200)).toBe(true);
      const refused = await open();
      expect(refused.response.statusCode).toBe(429);
      expect(refused.response.headers['retry-after']).toBe('5');
      streams.shift()?.request.destroy();
      // The server learns of the closed socket asynchronously: ask until it has.
      let again = await open();
      while (again.response.statusCode === 429) again = await open();
      expect(again.response.statusCode).toBe(200);
      streams.push(again);
    } finally {
      for (const { request } of streams) request.destroy();
    }
  });

  test('the map is built once while nothing changes, for the map, traces and objects alike; a write builds it again', async () => {
    const builds = async () => {
      const text = (await api.request('GET', '/metrics')).body as string;
      return Number(/^meshbridge_render_duration_seconds_count\{scope="map"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const map = (await api.request('GET', '/v2/map')).json as MapViewBody;
    const before = await builds();
    const edge = map.edges[0]!.id;
    expect((await api.request('GET', '/v2/map')).json).toEqual(map);
    expect((await api.request('GET', `/v2/map/edges/${edge}/trace`)).status).toBe(200);
    expect((await api.request('GET', `/v2/map/edges/${edge}/objects`)).status).toBe(200);
    expect((await api.request('GET', '/v2/map/clusters/edge/cluster01/objects')).status).toBe(200);
    expect(await builds()).toBe(before);
    const label = await api.request('POST', '/v2/cluster-providers/edge/clusters/cluster01/labels', {
      clusterLabel: 'kept-map-test',
    });
    expect(label.status).toBe(201);
    await api.request('GET', '/v2/map');
    expect(await builds()).toBe(before + 1);
  });

  test('dropping sleep from serviceserver02’s callers: the weighted route still sends it a quarter, refused', async () => {
    const deleted = await api.request('DELETE', `${REPLICATION}/inbound-intents/serviceserver02/clients/sleep`);
    expect(deleted.status).toBeLessThan(300);
    const map = (await api.request('GET', '/v2/map?project=replicas')).json as MapViewBody;
    const edges = edgeNamed(map, 'sleep', 'serviceserver02');
    expect(edges.map(({ share, verdict, hop }) => ({ share, verdict, hop }))).toEqual([
      { share: 25, verdict: 'refused', hop: 'authorization' },
    ]);
  });
});

describe('with authentication on', () => {
  const ADMIN = 'Bearer test-admin-token-0123456789abcdef';
  let app: FastifyInstance;
  const as = (authorization: string) => (method: string, url: string, body?: unknown) =>
    injectRequest(app, method, url, body, { authorization });
  beforeAll(async () => {
    app = await buildApp(
      await openSqliteDatabase(':memory:'),
      false,
      { reconcileSeconds: 0 },
      {
        adminToken: ADMIN.slice('Bearer '.length),
      },
    );
    await applyExamples(as(ADMIN));
  });
  afterAll(async () => app?.close());

  test('a viewer of one project sees that project on the map, and nothing of the others', async () => {
    const created = await as(ADMIN)('POST', '/v2/tokens', { name: 'replicas viewer', grants: ['viewer:replicas'] });
    const viewer = as(`Bearer ${created.json.token}`);
    const map = (await viewer('GET', '/v2/map')).json as MapViewBody;
    expect(new Set([...map.services, ...map.callers].map((item) => item.project))).toEqual(new Set(['replicas']));
    expect(map.edges.length).toBe(7);
    const everything = (await as(ADMIN)('GET', '/v2/map')).json as MapViewBody;
    const demoEdge = everything.edges.find((edge) => edge.host.includes('namespace02'));
    expect((await viewer('GET', `/v2/map/edges/${demoEdge?.id}/trace`)).status).toBe(404);
    const objects = await viewer('GET', '/v2/map/clusters/edge/cluster01/objects');
    const labels = (objects.json.clusters[0]?.resources ?? []).map(
      (object: { metadata: { labels: Record<string, string> } }) => object.metadata.labels,
    );
    expect(labels.every((label: Record<string, string>) => label['meshbridge.io/project'] === undefined)).toBe(true);
    expect((await viewer('GET', '/v2/map/clusters/edge/cluster01/objects?showSecrets=true')).status).toBe(403);
    expect((await injectRequest(app, 'GET', '/v2/map')).status).toBe(401);
    const deploy = (await viewer('GET', '/v2/map/deploy')).json;
    expect(deploy.groups.map((group: { project: string }) => group.project)).toEqual(['replicas']);
  });
});
