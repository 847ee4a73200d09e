/**
 * The two scenario files are the contract: every document is accepted as written,
 * a second POST is a 409, a PUT of the same document is `unchanged`, and GET
 * returns the canonical form.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FileDocument } from '../cli/emcoctl-file.js';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { EXAMPLE_FILES, exampleDocuments } from '../../test-support/examples.js';

/** Keys that only the seed's spelling uses; the canonical form has none of them. */
const NON_CANONICAL =
  /^(application|servicename|sidecar-proxy|traffic-management-info|mutualTLS|Servicecertificate|ServicePrivateKey|userdata[12]|clientServiceName|externName|inboundServiceName|loadbalancingType|concurrenthttp2Requests)$/;

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

const TWO_CLOUDS_BLUE = '/v2/projects/demo/composite-apps/blue-app/v1';
const REPLICAS =
  '/v2/projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group/traffic-group-intents/replication';

/** Exact canonical bodies of a few documents, by the path GET answers at. */
const CANONICAL: Record<string, Record<string, unknown>> = {
  '/v2/cluster-providers/edge/clusters/cluster02': {
    metadata: { name: 'cluster02' },
    spec: {
      locality: { region: 'region2', zone: 'zone1' },
      mesh: {
        type: 'istio',
        istioVersion: '1.24',
        trustDomain: 'cluster.local',
        network: 'network2',
        mtlsMode: 'PERMISSIVE',
        rootNamespace: 'istio-system',
      },
    },
  },
  '/v2/cluster-providers/edge/clusters/cluster02/kv-pairs/istio-gateway': {
    metadata: { name: 'istio-gateway' },
    spec: {
      kv: [
        { istioIngressGatewayAddress: '172.25.55.50' },
        { istioIngressGatewayPort: '15443' },
        { istioIngressGatewayInternalPort: '15443' },
      ],
    },
  },
  [`${TWO_CLOUDS_BLUE}/apps/httpbin`]: { metadata: { name: 'httpbin' }, spec: { serviceAccount: 'httpbin' } },
  [`${TWO_CLOUDS_BLUE}/deployment-intent-groups/lc02-group`]: {
    metadata: { name: 'lc02-group' },
    spec: { logicalCloud: 'logicalcloud02', version: 'r1' },
  },
  [`${TWO_CLOUDS_BLUE}/deployment-intent-groups/lc01-group/traffic-group-intents/default/inbound-intents/productpage-inbound/clients/bookinfo-user-to-productpage`]:
    {
      metadata: { name: 'bookinfo-user-to-productpage', description: 'connectivity intent add client communication' },
      spec: {
        app: 'bookinfo-user',
        appLabel: 'app=bookinfo-user',
        serviceName: 'bookinfo-user',
        type: 'istio',
        headless: false,
        namespaces: [],
        cidrs: [],
        serviceAccountAccess: {
          'cluster.local/ns/namespace01/sa/bookinfo-user': { GET: ['/static*', '/api/v1/products'] },
        },
      },
    },
  '/v2/projects/replicas/composite-apps/headers-app/v1/apps/service01': {
    metadata: { name: 'service01' },
    spec: { serviceAccount: 'service01' },
  },
  [`${REPLICAS}/inbound-intents/serviceserver04`]: {
    metadata: { name: 'serviceserver04' },
    spec: {
      app: 'serviceserver04',
      appLabel: 'app=serviceserver04',
      serviceName: 'serviceserver04',
      port: 8000,
      protocol: 'HTTP',
      headless: false,
      serviceMesh: 'istio',
      management: { sidecarProxy: true, tlsType: 'MUTUAL' },
      namespaces: [],
      serviceAccountAccess: {},
    },
  },
  [`${REPLICAS}/routing-intents/service01-split`]: {
    metadata: { name: 'service01-split' },
    spec: {
      host: 'service01',
      http: [
        {
          match: [{ uriPrefix: '/headers' }],
          route: [
            { app: 'serviceserver04', weight: 50 },
            { app: 'serviceserver01', weight: 25 },
            { app: 'serviceserver02', weight: 25 },
          ],
        },
      ],
    },
  },
};

describe('example files', () => {
  test('are both there, and not empty', async () => {
    for (const file of EXAMPLE_FILES) expect((await exampleDocuments(file)).length).toBeGreaterThan(10);
  });
});

describeOnBothDatabases('example files over the API', (open) => {
  let api: ApiHarness;
  const locations = new Map<string, string>();
  const documents = new Map<string, FileDocument[]>();

  beforeAll(async () => {
    api = await open();
    for (const file of EXAMPLE_FILES) documents.set(file, await exampleDocuments(file));
  });
  afterAll(async () => api?.close());

  const label = (document: FileDocument) =>
    `#${document.index} ${document.anchor} ${JSON.stringify(document.body.metadata ?? document.body)}`;

  for (const file of EXAMPLE_FILES) {
    describe(file, () => {
      test('every document, POSTed in order, is created', async () => {
        for (const document of documents.get(file) ?? []) {
          const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
          expect(response.status, `${label(document)}: ${response.body}`).toBe(201);
          expect(response.headers['meshbridge-outcome']).toBe('created');
          locations.set(`${file}#${document.index}`, response.headers.location as string);
        }
      });

      test('POSTed again, every document is a 409 that points at the one created', async () => {
        for (const document of documents.get(file) ?? []) {
          const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
          expect(response.status, label(document)).toBe(409);
          expect(response.headers.location).toBe(locations.get(`${file}#${document.index}`));
        }
      });

      test('PUT of each document, as written, to its Location is unchanged', async () => {
        for (const document of documents.get(file) ?? []) {
          const location = locations.get(`${file}#${document.index}`) as string;
          const response = await api.request('PUT', location, document.body);
          expect(response.status, `${label(document)}: ${response.body}`).toBe(200);
          expect(response.headers['meshbridge-outcome'], label(document)).toBe('unchanged');
          expect(response.headers.etag).toBe('"1"');
        }
      });

      test('GET of each returns the canonical form, which PUT back is unchanged', async () => {
        for (const document of documents.get(file) ?? []) {
          const location = locations.get(`${file}#${document.index}`) as string;
          const got = await api.request('GET', location);
          expect(got.status, label(document)).toBe(200);
          expect(
            keysOf(got.json).filter((key) => NON_CANONICAL.test(key)),
            label(document),
          ).toEqual([]);
          if (CANONICAL[location]) expect(got.json, location).toEqual(CANONICAL[location]);
          const back = await api.request('PUT', location, got.json);
          expect(back.headers['meshbridge-outcome'], label(document)).toBe('unchanged');
        }
      });
    });
  }

  test('every canonical spot check was reached', () => {
    expect([...locations.values()].filter((location) => CANONICAL[location]).sort()).toEqual(
      Object.keys(CANONICAL).sort(),
    );
  });

  test("a cluster's resolved gateway: from its kv-pairs (cluster02) and from its spec (cluster01)", async () => {
    const cluster02 = await api.request('GET', '/v2/cluster-providers/edge/clusters/cluster02/gateway');
    expect(cluster02.status).toBe(200);
    expect(cluster02.json).toMatchObject({
      address: '172.25.55.50',
      port: 15443,
      internalPort: 15443,
      source: 'kv-pairs/istio-gateway',
    });
    const cluster01 = await api.request('GET', '/v2/cluster-providers/edge/clusters/cluster01/gateway');
    expect(cluster01.json).toMatchObject({ address: '172.25.55.210', port: 15443, source: 'spec.mesh.gateway' });
    const cluster2 = await api.request('GET', '/v2/cluster-providers/metro/clusters/cluster2/gateway');
    expect(cluster2.json).toMatchObject({ address: '172.25.55.50', port: 15443 });
    const missing = await api.request('GET', '/v2/cluster-providers/edge/clusters/nosuch/gateway');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toContain('nosuch');
  });

  test('the seed 000 intents are in the groups that place their apps', async () => {
    const lc02 = await api.request(
      'GET',
      `${TWO_CLOUDS_BLUE}/deployment-intent-groups/lc02-group/traffic-group-intents/default/inbound-intents`,
    );
    expect(lc02.json.map((intent: { metadata: { name: string } }) => intent.metadata.name)).toEqual([
      'httpbin-inbound',
    ]);
    const clients = await api.request('GET', `${TWO_CLOUDS_BLUE}/traffic-group-intent/outbound-intents/httpbin`);
    expect(clients.json.map((found: { spec: { app: string } }) => found.spec.app)).toEqual(['sleep']);
    const all = await api.request('GET', `${TWO_CLOUDS_BLUE}/traffic-group-intent/outbound-intents`);
    expect(all.json).toHaveLength(3);
    const versions = await api.request('GET', '/v2/projects/demo/composite-apps/blue-app');
    expect(versions.status).toBe(200);
    expect(
      versions.json.map((version: { spec: { compositeAppVersion: string } }) => version.spec.compositeAppVersion),
    ).toEqual(['v1']);
  });
});
