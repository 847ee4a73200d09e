/** The render API over a real database: what issue 3's "Done when" names, checked field by field. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { exampleDocuments } from '../../test-support/examples.js';

interface View {
  clusters: { clusterProvider: string; cluster: string; resources: Resource[] }[];
  diagnostics: { severity: string; code: string }[];
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

async function apply(api: ApiHarness, file: string): Promise<void> {
  for (const document of await exampleDocuments(file)) {
    const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
    expect(response.status, document.anchor).toBe(201);
  }
}

const find = (view: View, cluster: string, kind: string, predicate: (resource: Resource) => boolean) =>
  view.clusters
    .find((entry) => `${entry.clusterProvider}/${entry.cluster}` === cluster)
    ?.resources.find((resource) => resource.kind === kind && predicate(resource));

describeOnBothDatabases('render API', (open) => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await open();
  });
  afterEach(() => api.close());

  test('seed-two-clouds: cluster01 reaches httpbin in cluster02 with its traffic policy; each service admits exactly its callers', async () => {
    await apply(api, 'seed-two-clouds.yaml');
    const view = (await api.request('GET', '/v2/render')).json as View;
    expect(view.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);

    const entry = find(view, 'edge/cluster01', 'ServiceEntry', (resource) =>
      resource.spec.hosts.includes('httpbin.namespace02.logicalcloud02'),
    );
    expect(entry?.spec).toMatchObject({
      location: 'MESH_INTERNAL',
      endpoints: [{ address: '172.25.55.50', ports: { 'http-80': 15443 } }],
    });
    expect(entry?.spec.addresses[0]).toMatch(/^240\./);
    const rule = find(
      view,
      'edge/cluster01',
      'DestinationRule',
      (resource) => resource.spec.host === 'httpbin.namespace02.logicalcloud02',
    );
    expect(rule?.spec.trafficPolicy).toEqual({
      loadBalancer: { consistentHash: { httpCookie: { name: 'user1' } } },
      connectionPool: { tcp: { maxConnections: 10 }, http: { http2MaxRequests: 1000, maxRequestsPerConnection: 100 } },
      outlierDetection: { consecutive5xxErrors: 8, interval: '5m', baseEjectionTime: '15m' },
      tls: {
        mode: 'ISTIO_MUTUAL',
        sni: 'outbound_.80_._.httpbin.namespace02.svc.cluster.local',
        subjectAltNames: ['spiffe://cluster.local/ns/namespace02/sa/httpbin'],
      },
    });

    const productpage = find(
      view,
      'edge/cluster01',
      'AuthorizationPolicy',
      (resource) => resource.metadata.name === 'productpage-callers',
    );
    expect(productpage?.spec.rules).toEqual([
      {
        from: [
          {
            source: {
              principals: ['cluster.local/ns/namespace01/sa/bookinfo-user', 'cluster.local/ns/namespace01/sa/sleep'],
            },
          },
        ],
        to: [{ operation: { methods: ['GET'], paths: ['/api/v1/products', '/static*'] } }],
      },
    ]);
    const mirror = find(view, 'edge/cluster02', 'ServiceEntry', (resource) =>
      resource.spec.hosts.includes('productpage.namespace01.logicalcloud01'),
    );
    expect(mirror?.spec.endpoints).toEqual([
      { address: '172.25.55.210', ports: { 'http-80': 15443 }, locality: 'region1/zone1' },
    ]);
    const httpbin = find(
      view,
      'edge/cluster02',
      'AuthorizationPolicy',
      (resource) => resource.metadata.name === 'httpbin-callers',
    );
    expect(httpbin?.spec).toEqual({
      selector: { matchLabels: { app: 'httpbin' } },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/namespace01/sa/sleep'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['/headers', '/status*'] } }],
        },
      ],
    });
    // The serving side needs no per-service gateway object: the platform's `*.local` Gateway passes the real SNI.
    expect(find(view, 'edge/cluster02', 'Gateway', () => true)).toBeUndefined();
    expect(find(view, 'edge/cluster02', 'PeerAuthentication', () => true)).toBeUndefined();
  });

  test('seed-replication: cluster1 splits /headers 50/25/25 and can reach serviceserver04 in cluster2', async () => {
    await apply(api, 'seed-replication.yaml');
    const view = (
      await api.request(
        'GET',
        '/v2/projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group/render?cluster=metro/cluster1',
      )
    ).json as View;
    expect(view.clusters.map((entry) => entry.cluster)).toEqual(['cluster1']);
    const split = find(view, 'metro/cluster1', 'VirtualService', () => true);
    expect(split?.spec.hosts).toEqual(['service01.bar.svc.cluster.local']);
    expect(split?.spec.http[0].match).toEqual([{ uri: { prefix: '/headers' } }]);
    expect(
      split?.spec.http[0].route.map((route: { destination: { host: string }; weight: number }) => [
        route.destination.host,
        route.weight,
      ]),
    ).toEqual([
      ['serviceserver04.bar.bar', 50],
      ['serviceserver01.bar.svc.cluster.local', 25],
      ['serviceserver02.bar.svc.cluster.local', 25],
    ]);
    const entry = find(view, 'metro/cluster1', 'ServiceEntry', (resource) =>
      resource.spec.hosts.includes('serviceserver04.bar.bar'),
    );
    expect(entry?.spec.endpoints[0]).toMatchObject({ address: '172.25.55.50', ports: { 'http-8000': 15443 } });
  });

  test('addresses are stable across renders and unique per cluster, across projects', async () => {
    await apply(api, 'seed-two-clouds.yaml');
    await apply(api, 'seed-replication.yaml');
    const first = (await api.request('GET', '/v2/render')).body;
    const second = (await api.request('GET', '/v2/render')).body;
    expect(second).toBe(first);
    const view = JSON.parse(first as string) as View;
    for (const cluster of view.clusters) {
      const addresses = cluster.resources
        .filter((resource) => resource.kind === 'ServiceEntry')
        .flatMap((resource) => resource.spec.addresses ?? []);
      expect(new Set(addresses).size).toBe(addresses.length);
    }
  });

  test('removing a client frees its address; the next service gets the lowest free one', async () => {
    await apply(api, 'seed-two-clouds.yaml');
    await api.request('GET', '/v2/render');
    const remove = await api.request(
      'DELETE',
      '/v2/projects/demo/composite-apps/blue-app/v1/traffic-group-intent/outbound-intents/httpbin/sleep-to-httpbin',
    );
    expect(remove.status).toBe(204);
    const view = (await api.request('GET', '/v2/render?cluster=edge/cluster01')).json as View;
    expect(
      find(view, 'edge/cluster01', 'ServiceEntry', (resource) => resource.metadata.namespace === 'namespace01'),
    ).toBeUndefined();
    expect(await api.database.ledger.list('cluster-providers/edge/clusters/cluster01')).toEqual([]);
  });

  test('YAML output has a comment line per cluster; a cluster render covers every project; bad queries are 400', async () => {
    await apply(api, 'seed-two-clouds.yaml');
    const yaml = await api.request('GET', '/v2/render?format=yaml');
    expect(yaml.headers['content-type']).toContain('yaml');
    expect(String(yaml.body).match(/^# cluster /gm)).toHaveLength(2);
    const cluster = (await api.request('GET', '/v2/cluster-providers/edge/clusters/cluster02/render')).json as View;
    expect(cluster.clusters.map((entry) => entry.cluster)).toEqual(['cluster02']);
    expect((await api.request('GET', '/v2/render?cluster=nope')).status).toBe(400);
    expect((await api.request('GET', '/v2/render?format=xml')).status).toBe(400);
    expect((await api.request('GET', '/v2/cluster-providers/edge/clusters/nope/render')).status).toBe(404);
  });
});
