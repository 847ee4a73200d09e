/**
 * Seed 000's and EMCO's spellings are accepted and stored in one canonical form,
 * which is what GET returns; two spellings of one field that disagree are a 400.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { REDACTED } from '../../core/model/secrets.js';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { detailPaths, snapshot } from '../../test-support/fixtures.js';
import {
  PEM_CA,
  PEM_CERT,
  PEM_KEY,
  GROUPS,
  SEED_INBOUND,
  defaultTrafficGroup,
  seedInbound,
  seedWorld,
} from '../../test-support/scenarios.js';

const INBOUND = `${defaultTrafficGroup('lc02-group')}/inbound-intents`;
const CLIENTS = `${INBOUND}/httpbin-inbound/clients`;

const canonicalInbound = {
  metadata: { name: 'httpbin-inbound', description: 'connectivity intent', userData1: 'u1' },
  spec: {
    app: 'httpbin',
    appLabel: 'app=httpbin',
    serviceName: 'httpbin',
    port: 80,
    protocol: 'HTTP',
    headless: false,
    serviceMesh: 'istio',
    management: { sidecarProxy: true, tlsType: 'MUTUAL' },
    trafficManagement: {
      loadBalancingType: 'consistentHash',
      loadBalancerMode: 'httpCookie',
      httpCookie: 'user1',
      maxConnections: 10,
      concurrentHttp2Requests: 1000,
      httpRequestPerConnection: 100,
      consecutiveErrors: 8,
      baseEjectionTime: '15m',
      intervalSweep: '5m',
    },
    namespaces: [],
    serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: ['/status*'] } },
  },
};

const clientSpec = (app: string, serviceName = app) => ({
  app,
  appLabel: `app=${app}`,
  serviceName,
  type: 'istio',
  headless: false,
  namespaces: [],
  cidrs: [],
  serviceAccountAccess: {},
});

/** Keys that only seed 000 or EMCO's older schemas use; none may appear in what GET returns. */
const SEED_SPELLINGS = [
  'application',
  'servicename',
  'sidecar-proxy',
  'traffic-management-info',
  'mutualTLS',
  'Servicecertificate',
  'ServicePrivateKey',
  'userdata1',
  'userdata2',
  'clientServiceName',
  'externName',
  'inboundServiceName',
  'loadbalancingType',
  'concurrenthttp2Requests',
];

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

describeOnBothDatabases('aliases', (open) => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await open();
    await seedWorld(api);
  });
  afterEach(async () => api?.close());

  test("seed 000's inbound intent is stored and returned in the canonical form", async () => {
    const created = await api.request('POST', SEED_INBOUND, seedInbound());
    expect(created.status, String(created.body)).toBe(201);
    expect(created.json).toEqual(canonicalInbound);
    const got = await api.request('GET', `${INBOUND}/httpbin-inbound`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(canonicalInbound);
    expect(keysOf(got.json).filter((key) => SEED_SPELLINGS.includes(key))).toEqual([]);
    expect((await api.request('GET', `${SEED_INBOUND}/httpbin-inbound`)).json).toEqual(canonicalInbound);
  });

  test('the same intent in the canonical spelling is stored identically, and PUT of either spelling is unchanged', async () => {
    await api.request('POST', `${GROUPS}/lc02-group/traffic-group-intents`, { metadata: { name: 'default' } });
    const emco = await api.request('POST', INBOUND, canonicalInbound);
    expect(emco.status, String(emco.body)).toBe(201);
    expect(emco.json).toEqual(canonicalInbound);
    const seedPut = await api.request('PUT', `${INBOUND}/httpbin-inbound`, seedInbound());
    expect(seedPut.status, String(seedPut.body)).toBe(200);
    expect(seedPut.headers['meshbridge-outcome']).toBe('unchanged');
  });

  test('certificates under their seed names are kept (and shown as set), externName and NONE are canonical', async () => {
    const body = seedInbound('httpbin-certs', {
      externName: 'httpbin.example.com',
      Servicecertificate: PEM_CERT,
      ServicePrivateKey: PEM_KEY,
      caCertificate: PEM_CA,
    });
    const created = await api.request('POST', SEED_INBOUND, body);
    expect(created.status, String(created.body)).toBe(201);
    expect(created.json.spec.externalName).toBe('httpbin.example.com');
    expect(created.json.spec.certificates).toEqual({
      serviceCertificate: REDACTED,
      servicePrivateKey: REDACTED,
      caCertificate: REDACTED,
    });
    const stored = await api.store.get(`${INBOUND.slice('/v2/'.length)}/httpbin-certs`);
    expect(stored?.body.spec).toMatchObject({
      certificates: { serviceCertificate: PEM_CERT, servicePrivateKey: PEM_KEY, caCertificate: PEM_CA },
    });

    for (const [index, [given, canonical]] of [
      ['NONE', 'DISABLE'],
      ['none', 'DISABLE'],
      ['ISTIO_MUTUAL', 'MUTUAL'],
      ['simple', 'SIMPLE'],
    ].entries()) {
      const name = `tls-${index}`;
      const emco = {
        metadata: { name },
        spec: {
          app: 'httpbin',
          port: 8000 + index,
          protocol: 'http',
          management: { sidecarProxy: 'yes', tlsType: given },
        },
      };
      const response = await api.request('POST', INBOUND, emco);
      expect(response.status, String(response.body)).toBe(201);
      expect(response.json.spec.management).toEqual({ sidecarProxy: true, tlsType: canonical });
      expect(response.json.spec.protocol).toBe('HTTP');
    }
  });

  test('two spellings of one field that disagree are a 400 naming it; that agree are accepted', async () => {
    const before = await snapshot(api);
    const conflicting: [Record<string, unknown>, string[]][] = [
      [{ mutualTLS: 'MUTUAL', management: { tlsType: 'SIMPLE' } }, ['spec.mutualTLS', 'spec.management.tlsType']],
      [
        { 'sidecar-proxy': 'yes', management: { sidecarProxy: false } },
        ['spec.sidecar-proxy', 'spec.management.sidecarProxy'],
      ],
      [{ servicename: 'httpbin', serviceName: 'other' }, ['spec.serviceName', 'spec.servicename']],
      [{ application: 'httpbin', app: 'sleep' }, ['spec.app', 'spec.application']],
    ];
    for (const [spec, paths] of conflicting) {
      const body = seedInbound('conflict', spec);
      for (const [method, url] of [
        ['POST', SEED_INBOUND],
        ['PUT', `${SEED_INBOUND}/conflict`],
        ['POST', INBOUND],
      ] as const) {
        const response = await api.request(method, url, body);
        expect(response.status, `${method} ${JSON.stringify(spec)}`).toBe(400);
        const found = detailPaths(response);
        expect(found).toHaveLength(1);
        expect(paths).toContain(found[0]);
      }
    }
    expect(await snapshot(api)).toEqual(before);

    const agreeing = seedInbound('agree', {
      mutualTLS: 'MUTUAL',
      management: { tlsType: 'MUTUAL', sidecarProxy: true },
    });
    const ok = await api.request('POST', SEED_INBOUND, agreeing);
    expect(ok.status, String(ok.body)).toBe(201);
    expect(ok.json.spec.management).toEqual({ sidecarProxy: true, tlsType: 'MUTUAL' });
  });

  test('metadata.application (seed) names the app of an intent', async () => {
    const { spec } = seedInbound('by-metadata') as { spec: Record<string, unknown> };
    delete spec.application;
    const response = await api.request('POST', SEED_INBOUND, {
      metadata: { name: 'by-metadata', application: 'httpbin', userdata1: 'x' },
      spec,
    });
    expect(response.status, String(response.body)).toBe(201);
    expect(response.json.spec.app).toBe('httpbin');
    expect(response.json.metadata).toEqual({ name: 'by-metadata', userData1: 'x' });
  });

  test('a client may be named by clientServiceName, by app, or both', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['by-service-name', { clientServiceName: 'sleep' }, clientSpec('sleep')],
      ['by-app', { app: 'sleep' }, clientSpec('sleep')],
      ['by-both', { app: 'sleep', clientServiceName: 'sleep-svc' }, clientSpec('sleep', 'sleep-svc')],
      ['by-application', { application: 'productpage' }, clientSpec('productpage')],
    ];
    for (const [name, spec, canonical] of cases) {
      const created = await api.request('POST', CLIENTS, { metadata: { name }, spec });
      expect(created.status, `${name}: ${created.body}`).toBe(201);
      const got = await api.request('GET', `${CLIENTS}/${name}`);
      expect(got.json).toEqual({ metadata: { name }, spec: canonical });
    }

    const seedClient = {
      metadata: { name: 'seed-client', description: 'client', application: 'sleep' },
      spec: { clientServiceName: 'sleep', type: 'istio', headless: 'false', inboundServiceName: 'httpbin' },
    };
    const created = await api.request('POST', CLIENTS, seedClient);
    expect(created.status, String(created.body)).toBe(201);
    expect((await api.request('GET', `${CLIENTS}/seed-client`)).json).toEqual({
      metadata: { name: 'seed-client', description: 'client' },
      spec: clientSpec('sleep'),
    });

    const before = await snapshot(api);
    const nameless = await api.request('POST', CLIENTS, { metadata: { name: 'nameless' }, spec: { type: 'istio' } });
    expect(nameless.status).toBe(400);
    expect(detailPaths(nameless)).toEqual(['spec.app']);
    expect(await snapshot(api)).toEqual(before);
  });
});
