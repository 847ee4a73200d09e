/** The renderer's less common paths, end to end through the API: TLS with certificates, callers without sidecars, and what it refuses to render. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { sqliteApi, type ApiHarness } from '../../test-support/api.js';
import {
  PEM_CA,
  PEM_CERT,
  PEM_KEY,
  SEED_INBOUND,
  SEED_OUTBOUND,
  defaultTrafficGroup,
  seedInbound,
  seedWorld,
  VERSION_PATH,
} from '../../test-support/scenarios.js';

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}
interface View {
  clusters: { cluster: string; resources: Resource[] }[];
  diagnostics: { severity: string; code: string; message: string; resource?: string; cluster?: string }[];
}

let api: ApiHarness;
beforeEach(async () => {
  api = await sqliteApi();
  await seedWorld(api);
});
afterEach(() => api.close());

async function post(url: string, body: unknown): Promise<void> {
  const response = await api.request('POST', url, body);
  expect(response.status, `${url}: ${response.body}`).toBe(201);
}

async function render(query = ''): Promise<View> {
  const response = await api.request('GET', `/v2/render${query}`);
  expect(response.status).toBe(200);
  return response.json as View;
}

const resources = (view: View, cluster: string) =>
  view.clusters.find((entry) => entry.cluster === cluster)?.resources ?? [];
const codes = (view: View) => view.diagnostics.map((diagnostic) => diagnostic.code).sort();

describe('TLS', () => {
  test('a caller in another cluster of a service with its own certificates is refused when written, and nothing is stored', async () => {
    await post(
      SEED_INBOUND,
      seedInbound('httpbin-inbound', {
        Servicecertificate: PEM_CERT,
        ServicePrivateKey: PEM_KEY,
        caCertificate: PEM_CA,
      }),
    );
    const refused = await api.request('POST', SEED_OUTBOUND, {
      metadata: { name: 'sleep-to-httpbin' },
      spec: { clientServiceName: 'sleep', inboundServiceName: 'httpbin' },
    });
    expect(refused.status, refused.body as string).toBe(400);
    const details = refused.json.details as { path: string; message: string }[];
    expect(details.map((detail) => detail.path)).toEqual(['spec.app']);
    expect(details[0]?.message).toMatch(/cannot cross an east-west gateway.*sleep-to-httpbin in edge\/cluster01/);
    expect((await api.request('GET', `${SEED_OUTBOUND}`)).json).toEqual([]);
    const view = await render();
    expect(codes(view)).not.toContain('CrossClusterApplicationTls');
    const secrets = view.clusters.flatMap((entry) =>
      entry.resources
        .filter((resource) => resource.kind === 'Secret')
        .map((resource) => [entry.cluster, resource.metadata.namespace, resource.metadata.name]),
    );
    expect(secrets).toEqual([['cluster02', 'namespace02', 'httpbin-tls']]);
    const shown = (await api.request('GET', '/v2/render?showSecrets=true')).json as View;
    const data = resources(shown, 'cluster02').find((resource) => resource.kind === 'Secret')?.data ?? {};
    expect(Buffer.from(data['tls.key'] as string, 'base64').toString('utf8')).toBe(PEM_KEY);
  });

  test('own certificates in the same cluster: callers get the CA only, on Istio 1.14 and later', async () => {
    await post(
      SEED_INBOUND,
      seedInbound('productpage-inbound', {
        application: 'productpage',
        servicename: 'productpage',
        protocol: 'TCP',
        mutualTLS: 'SIMPLE',
        caCertificate: PEM_CA,
        serviceAccountAccess: {},
        'traffic-management-info': {},
      }),
    );
    await post(`${SEED_OUTBOUND}/productpage`, { metadata: { name: 'sleep-to-productpage' }, spec: { app: 'sleep' } });
    const view = await render();
    const cluster01 = resources(view, 'cluster01');
    const secret = cluster01.find((resource) => resource.kind === 'Secret');
    expect(secret?.metadata.namespace).toBe('namespace01');
    expect(secret?.data).toEqual({ 'ca.crt': '<redacted>' });
    const rule = cluster01.find((resource) => resource.kind === 'DestinationRule');
    expect(rule?.spec).toMatchObject({
      host: 'productpage.namespace01.svc.cluster.local',
      workloadSelector: { matchLabels: { app: 'sleep' } },
      trafficPolicy: { tls: { mode: 'SIMPLE', credentialName: secret?.metadata.name } },
    });
  });

  test('turning a service with callers in other clusters to SIMPLE is refused when written; DISABLE gets a diagnostic', async () => {
    await post(SEED_INBOUND, seedInbound('httpbin-inbound'));
    await post(SEED_OUTBOUND, {
      metadata: { name: 'sleep-to-httpbin' },
      spec: { clientServiceName: 'sleep', inboundServiceName: 'httpbin' },
    });
    const before = (await api.request('GET', `${SEED_INBOUND}/httpbin-inbound`)).body;
    const simple = await api.request(
      'PUT',
      `${SEED_INBOUND}/httpbin-inbound`,
      seedInbound('httpbin-inbound', { mutualTLS: 'SIMPLE' }),
    );
    expect(simple.status, simple.body as string).toBe(400);
    expect((simple.json.details as { path: string }[]).map((detail) => detail.path)).toEqual([
      'spec.management.tlsType',
    ]);
    expect((await api.request('GET', `${SEED_INBOUND}/httpbin-inbound`)).body).toBe(before);
    const put = await api.request(
      'PUT',
      `${SEED_INBOUND}/httpbin-inbound`,
      seedInbound('httpbin-inbound', { mutualTLS: 'DISABLE' }),
    );
    expect(put.status).toBe(200);
    const view = await render();
    expect(codes(view)).toContain('CrossClusterPlaintext');
    expect(resources(view, 'cluster01').filter((resource) => resource.kind === 'ServiceEntry')).toEqual([]);
  });
});

describe('callers', () => {
  test('a client without a sidecar in the same cluster is admitted by its addresses only', async () => {
    await post(
      SEED_INBOUND,
      seedInbound('productpage-inbound', {
        application: 'productpage',
        servicename: 'productpage',
        serviceAccountAccess: {},
      }),
    );
    await post(`${SEED_OUTBOUND}/productpage`, {
      metadata: { name: 'sleep-plain' },
      spec: { app: 'sleep', type: 'k8s', cidrs: ['10.1.0.0/16'] },
    });
    const policy = resources(await render(), 'cluster01').find((resource) => resource.kind === 'AuthorizationPolicy');
    expect(policy?.spec.rules).toEqual([{ from: [{ source: { ipBlocks: ['10.1.0.0/16'] } }] }]);
  });

  test('a client without a sidecar in another cluster cannot pass the gateway: diagnostic, no client-side objects', async () => {
    await post(SEED_INBOUND, seedInbound());
    await post(SEED_OUTBOUND, {
      metadata: { name: 'sleep-plain' },
      spec: { app: 'sleep', type: 'k8s', cidrs: ['10.1.0.0/16'], inboundServiceName: 'httpbin' },
    });
    const view = await render();
    expect(codes(view)).toContain('CrossClusterWithoutSidecar');
    expect(resources(view, 'cluster01').filter((resource) => resource.kind === 'ServiceEntry')).toEqual([]);
  });

  test("an access point's url is a list, as EMCO's: every path is allowed for its methods", async () => {
    await post(SEED_INBOUND, seedInbound('httpbin-inbound', { serviceAccountAccess: {} }));
    await post(SEED_OUTBOUND, {
      metadata: { name: 'sleep-to-httpbin' },
      spec: { clientServiceName: 'sleep', inboundServiceName: 'httpbin' },
    });
    const client = `${defaultTrafficGroup('lc02-group')}/inbound-intents/httpbin-inbound/clients/sleep-to-httpbin`;
    await post(`${client}/access-points`, {
      metadata: { name: 'reads' },
      spec: { action: 'ALLOW', url: ['/status*', '/headers'], access: ['GET'] },
    });
    const policy = resources(await render(), 'cluster02').find((resource) => resource.kind === 'AuthorizationPolicy');
    expect(policy?.spec.rules).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/namespace01/sa/sleep'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/headers', '/status*'] } }],
      },
    ]);
  });

  test('a service with no declared caller is closed: ALLOW with no rules', async () => {
    await post(SEED_INBOUND, seedInbound('httpbin-inbound', { serviceAccountAccess: {} }));
    const policy = resources(await render(), 'cluster02').find((resource) => resource.kind === 'AuthorizationPolicy');
    expect(policy?.spec).toEqual({ selector: { matchLabels: { app: 'httpbin' } }, action: 'ALLOW' });
  });
});

describe('diagnostics', () => {
  test('a placement in a cluster the logical cloud does not reference renders nothing there and says why', async () => {
    const placement = `${VERSION_PATH}/deployment-intent-groups/lc02-group/generic-placement-intents/placement/app-intents`;
    await post(placement, {
      metadata: { name: 'httpbin-elsewhere' },
      spec: { app: 'httpbin', intent: { allOf: [{ clusterProvider: 'edge', cluster: 'cluster01' }] } },
    });
    await post(SEED_INBOUND, seedInbound());
    const view = await render();
    const problem = view.diagnostics.find((diagnostic) => diagnostic.code === 'ClusterNotInLogicalCloud');
    expect(problem).toMatchObject({
      cluster: 'edge/cluster01',
      resource: expect.stringContaining('httpbin-elsewhere'),
    });
    expect(resources(view, 'cluster01').filter((resource) => resource.kind === 'AuthorizationPolicy')).toEqual([]);
  });

  test('a serving cluster without a gateway address: diagnostic naming the cause', async () => {
    const kv = await api.request('DELETE', '/v2/cluster-providers/edge/clusters/cluster02/kv-pairs/istio-gateway');
    expect(kv.status).toBe(204);
    await post(SEED_INBOUND, seedInbound());
    await post(SEED_OUTBOUND, {
      metadata: { name: 'sleep-to-httpbin' },
      spec: { clientServiceName: 'sleep', inboundServiceName: 'httpbin' },
    });
    const view = await render();
    expect(view.diagnostics.find((diagnostic) => diagnostic.code === 'GatewayMissing')).toMatchObject({
      cluster: 'edge/cluster01',
    });
  });
});

describe('collisions, refused when written', () => {
  test('a second intent serving the same Service name and port in the group is a 409 naming the first; another port is not', async () => {
    await post(SEED_INBOUND, seedInbound('httpbin-inbound'));
    const again = await api.request('POST', SEED_INBOUND, seedInbound('httpbin-again', { servicename: 'httpbin' }));
    expect(again.status).toBe(409);
    expect(again.json.details).toEqual([
      {
        path: 'spec.serviceName',
        message: expect.stringContaining(
          'service httpbin port 80 is already served by inbound intent /v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc02-group/traffic-group-intents/default/inbound-intents/httpbin-inbound',
        ),
      },
    ]);
    const inbound = `${defaultTrafficGroup('lc02-group')}/inbound-intents`;
    expect((await api.request('GET', `${inbound}/httpbin-again`)).status).toBe(404);
    await post(SEED_INBOUND, seedInbound('httpbin-admin', { servicename: 'httpbin', port: '9000' }));
    const moved = await api.request(
      'PUT',
      `${inbound}/httpbin-admin`,
      seedInbound('httpbin-admin', { servicename: 'httpbin', port: '80' }),
    );
    expect(moved.status).toBe(409);
    const unchanged = await api.request('PUT', `${inbound}/httpbin-inbound`, seedInbound('httpbin-inbound'));
    expect(unchanged.status).toBe(200);
  });
});
