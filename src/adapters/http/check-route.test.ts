/**
 * `GET /v2/check-route` on the two scenario files: seed 001's weighted split and
 * seed 000's AuthorizationPolicies, decided from the rendered objects.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { exampleDocuments } from '../../test-support/examples.js';

async function applyExample(api: ApiHarness, file: string): Promise<void> {
  for (const document of await exampleDocuments(file)) {
    const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
    if (response.status !== 201) throw new Error(`${file} ${document.anchor}: ${response.status} ${response.body}`);
  }
}

const check = (api: ApiHarness, query: string) => api.request('GET', `/v2/check-route?${query}`);

interface Destination {
  host: string;
  servingCluster: string | null;
  share: number;
  delivered: boolean;
  refusedAt: string | null;
  reason: string;
  hops: { hop: string; cluster: string; ok: boolean; detail: string }[];
}

describeOnBothDatabases('GET /v2/check-route', (open) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await open();
    await applyExample(api, 'seed-replication.yaml');
    await applyExample(api, 'seed-two-clouds.yaml');
  });
  afterAll(async () => api?.close());

  test('seed 001: sleep → service01 /headers splits 50/25/25, all allowed', async () => {
    const response = await check(api, 'from=sleep&to=service01&cluster=metro/cluster1&path=/headers');
    expect(response.status).toBe(200);
    const body = response.json;
    expect(body.from).toMatchObject({ app: 'sleep', project: 'replicas', namespace: 'bar', serviceAccount: 'sleep' });
    expect(body.caller.principal).toBe('cluster.local/ns/bar/sa/sleep');
    expect(body.request.resolvedHost).toBe('service01.bar.svc.cluster.local');
    expect(body.virtualService).toBe('bar/service01-split');
    expect(body.rule).toMatchObject({ index: 0, match: 'uri prefix /headers' });
    expect(
      (body.destinations as Destination[]).map(({ host, servingCluster, share, delivered }) => ({
        host,
        servingCluster,
        share,
        delivered,
      })),
    ).toEqual([
      { host: 'serviceserver04.bar.bar', servingCluster: 'metro/cluster2', share: 50, delivered: true },
      { host: 'serviceserver01.bar.svc.cluster.local', servingCluster: 'metro/cluster1', share: 25, delivered: true },
      { host: 'serviceserver02.bar.svc.cluster.local', servingCluster: 'metro/cluster1', share: 25, delivered: true },
    ]);
    expect(body.dns).toMatchObject({ hop: 'dns', ok: true });
    expect((body.destinations as Destination[])[0]?.hops.map((hop) => hop.hop)).toEqual([
      'outbound',
      'endpoint',
      'gateway',
      'sni-cluster',
      'inbound',
      'authorization',
    ]);
    expect(body.destinations[0].reason).toBe(
      'allowed by bar/serviceserver04-callers rule 1: principal cluster.local/ns/bar/sa/sleep, any operation',
    );
    expect(body).toMatchObject({ reaches: true, ok: true });
  });

  test.each(['service01.bar', 'service01.bar.svc.cluster.local'])('%s is the same host', async (to) => {
    const response = await check(api, `from=sleep&to=${to}&cluster=metro/cluster1&path=/headers/x`);
    expect(response.status).toBe(200);
    expect((response.json.destinations as Destination[]).map((destination) => destination.share)).toEqual([50, 25, 25]);
  });

  test('seed 001: a path the VirtualService does not route reaches nothing', async () => {
    const response = await check(api, 'from=sleep&to=service01&cluster=metro/cluster1&path=/status');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ rule: null, destinations: [], reaches: false, ok: false });
    expect(response.json.route).toContain('no http rule matching GET /status');
  });

  test('seed 001 without sleep as a client of serviceserver04: half the calls are unresolved', async () => {
    const clients =
      '/v2/projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group/traffic-group-intents/replication/inbound-intents/serviceserver04/clients';
    const client = (await api.request('GET', `${clients}/sleep`)).json;
    expect((await api.request('DELETE', `${clients}/sleep`)).status).toBe(204);
    try {
      const response = await check(api, 'from=sleep&to=service01&cluster=metro/cluster1&path=/headers');
      expect(response.status).toBe(200);
      expect(response.json.destinations[0]).toMatchObject({
        host: 'serviceserver04.bar.bar',
        servingCluster: null,
        share: 50,
        delivered: false,
        refusedAt: 'outbound',
      });
      expect(response.json.destinations[0].reason).toContain('no Service serviceserver04.bar.bar');
      expect(response.json).toMatchObject({ reaches: true, ok: false });
    } finally {
      expect((await api.request('POST', clients, client)).status).toBe(201);
    }
  });

  const httpbin = 'from=sleep&to=httpbin.namespace02.logicalcloud02&cluster=edge/cluster01';

  test('seed 000: sleep → httpbin GET /status/200 is allowed in cluster02', async () => {
    const response = await check(api, `${httpbin}&path=/status/200`);
    expect(response.status).toBe(200);
    expect(response.json.virtualService).toBeNull();
    expect(response.json.destinations).toEqual([
      expect.objectContaining({
        host: 'httpbin.namespace02.logicalcloud02',
        servingCluster: 'edge/cluster02',
        service: 'httpbin.namespace02.svc.cluster.local',
        share: 100,
        delivered: true,
        reason:
          'allowed by namespace02/httpbin-callers rule 1: principal cluster.local/ns/namespace01/sa/sleep, GET /status*',
      }),
    ]);
    expect(response.json.ok).toBe(true);
  });

  test('seed 000: sleep → httpbin POST /status is refused, naming the policy', async () => {
    const response = await check(api, `${httpbin}&path=/status&method=POST`);
    expect(response.status).toBe(200);
    expect(response.json.destinations[0]).toMatchObject({
      servingCluster: 'edge/cluster02',
      delivered: false,
      refusedAt: 'authorization',
    });
    expect(response.json.destinations[0].reason).toBe(
      'refused: namespace02/httpbin-callers admits cluster.local/ns/namespace01/sa/sleep only for GET /headers, /status*',
    );
    expect(response.json).toMatchObject({ reaches: false, ok: false });
  });

  test('seed 000: sleep → httpbin GET /anything is refused', async () => {
    const response = await check(api, `${httpbin}&path=/anything&method=get`);
    expect(response.status).toBe(200);
    expect(response.json.request.method).toBe('GET');
    expect(response.json.destinations[0].delivered).toBe(false);
    expect(response.json.destinations[0].reason).toContain('namespace02/httpbin-callers');
  });

  test('seed 000: bookinfo-user in cluster02 → productpage in cluster01, GET /api/v1/products', async () => {
    const response = await check(
      api,
      'from=bookinfo-user&to=productpage.namespace01.logicalcloud01&cluster=edge/cluster02&path=/api/v1/products',
    );
    expect(response.status).toBe(200);
    expect(response.json.destinations[0]).toMatchObject({ servingCluster: 'edge/cluster01', delivered: true });
  });

  test('bad query parameters are a 400 naming each', async () => {
    const response = await check(api, 'cluster=edge&path=status&method=FETCH&sourceIp=nope');
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('ValidationFailed');
    expect(response.json.details).toEqual([
      { path: 'from', message: 'is required' },
      { path: 'to', message: 'is required' },
      { path: 'cluster', message: 'must be provider/cluster' },
      { path: 'path', message: 'must start with "/"' },
      { path: 'method', message: expect.stringContaining('must be one of GET') },
      { path: 'sourceIp', message: 'must be an IP address' },
    ]);
  });

  test('an app not placed in the cluster, or an unknown cluster, is a 400', async () => {
    const notThere = await check(api, 'from=sleep&to=service01&cluster=edge/cluster02&path=/');
    expect(notThere.status).toBe(400);
    expect(notThere.json.details).toEqual([
      { path: 'from', message: 'sleep is not placed in edge/cluster02 (it runs in edge/cluster01, metro/cluster1)' },
    ]);
    const noCluster = await check(api, 'from=sleep&to=service01&cluster=edge/nowhere&path=/');
    expect(noCluster.status).toBe(400);
    expect(noCluster.json.details).toEqual([{ path: 'cluster', message: 'there is no cluster edge/nowhere' }]);
    const wrongProject = await check(api, 'from=sleep&to=service01&cluster=metro/cluster1&path=/&project=demo');
    expect(wrongProject.status).toBe(400);
    expect(wrongProject.json.details[0].path).toBe('project');
  });

  test('an app placed in several namespaces of the cluster needs one named', async () => {
    const intents =
      '/v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc02-group/generic-placement-intents/placement/app-intents';
    const created = await api.request('POST', intents, {
      metadata: { name: 'bookinfo-user-placement' },
      spec: { app: 'bookinfo-user', intent: { allOf: [{ clusterProvider: 'edge', cluster: 'cluster02' }] } },
    });
    expect(created.status).toBe(201);
    try {
      const query =
        'from=bookinfo-user&to=productpage.namespace01.logicalcloud01&cluster=edge/cluster02&path=/static/x';
      const ambiguous = await check(api, query);
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.json.details[0].path).toBe('namespace');
      expect(ambiguous.json.message).toContain('project demo namespace namespace01');
      expect(ambiguous.json.message).toContain('project demo namespace namespace02');
      const chosen = await check(api, `${query}&namespace=namespace01`);
      expect(chosen.status).toBe(200);
      expect(chosen.json.from.namespace).toBe('namespace01');
      expect(chosen.json.destinations[0].delivered).toBe(true);
      const other = await check(api, `${query}&namespace=namespace02`);
      expect(other.status).toBe(200);
      expect(other.json.caller.principal).toBe('cluster.local/ns/namespace02/sa/bookinfo-user');
      expect(other.json.destinations[0]).toMatchObject({ servingCluster: 'edge/cluster01', delivered: true });
    } finally {
      await api.request('DELETE', `${intents}/bookinfo-user-placement`);
    }
  });

  test('is listed in the OpenAPI document', async () => {
    const document = (await api.request('GET', '/v2/openapi.json')).json;
    expect(Object.keys(document.paths['/v2/check-route'] ?? {})).toEqual(['get']);
  });
});
