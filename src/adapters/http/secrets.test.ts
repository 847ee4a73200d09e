/**
 * Secrets are write-only: stored and used, never returned (GET shows that one is
 * set), kept when a GET body is PUT back, and never written to a log line.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { REDACTED } from '../../core/model/secrets.js';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { loggedApi } from '../../test-support/logged-api.js';
import { detailPaths, snapshot } from '../../test-support/fixtures.js';
import {
  GROUPS,
  PEM_CA,
  PEM_CERT,
  PEM_KEY,
  SEED_INBOUND,
  SEED_OUTBOUND,
  defaultTrafficGroup,
  seedInbound,
  seedWorld,
} from '../../test-support/scenarios.js';

const INBOUND = `${defaultTrafficGroup('lc02-group')}/inbound-intents`;
const KEY = `${INBOUND.slice('/v2/'.length)}/secret-inbound`;
const SECRETS = [PEM_CERT, PEM_KEY, PEM_CA];
/** A line of each PEM body: what a leak would contain even if it were re-encoded or cut. */
const SECRET_FRAGMENTS = SECRETS.map((pem) => pem.split('\n')[1] as string);

const withCerts = (name = 'secret-inbound', extra: Record<string, unknown> = {}) =>
  seedInbound(name, { Servicecertificate: PEM_CERT, ServicePrivateKey: PEM_KEY, caCertificate: PEM_CA, ...extra });

function expectNoSecret(text: string, where: string): void {
  for (const fragment of SECRET_FRAGMENTS) expect(text, where).not.toContain(fragment);
  expect(text).not.toContain('-----BEGIN');
}

describeOnBothDatabases('secrets', (open) => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await open();
    await seedWorld(api);
  });
  afterEach(async () => api?.close());

  test('no answer ever contains a certificate or key; GET says each one is set', async () => {
    const created = await api.request('POST', SEED_INBOUND, withCerts());
    expect(created.status, String(created.body)).toBe(201);
    const marked = { serviceCertificate: REDACTED, servicePrivateKey: REDACTED, caCertificate: REDACTED };
    expect(created.json.spec.certificates).toEqual(marked);
    const external = {
      metadata: { name: 'external-inbound' },
      spec: {
        app: 'httpbin',
        port: 443,
        protocol: 'HTTPS',
        externalSupport: true,
        externalName: 'httpbin.example.com',
        external: {
          externalCerts: { serviceCertificate: PEM_CERT, servicePrivateKey: PEM_KEY, caCertificate: PEM_CA },
        },
      },
    };
    const ext = await api.request('POST', INBOUND, external);
    expect(ext.status, String(ext.body)).toBe(201);
    expect(ext.json.spec.external).toEqual({ externalCerts: marked });
    // EMCO's schema puts them directly under external.
    const flat = {
      ...external,
      metadata: { name: 'external-flat' },
      spec: { ...external.spec, port: 8443, external: external.spec.external.externalCerts },
    };
    const flatCreated = await api.request('POST', INBOUND, flat);
    expect(flatCreated.status, String(flatCreated.body)).toBe(201);
    expect(flatCreated.json.spec.external).toEqual({ externalCerts: marked });

    const reads = [
      created,
      ext,
      flatCreated,
      await api.request('GET', `${INBOUND}/secret-inbound`),
      await api.request('GET', INBOUND),
      await api.request('GET', `${SEED_INBOUND}/secret-inbound`),
      await api.request('GET', SEED_INBOUND),
      await api.request('PUT', `${SEED_INBOUND}/secret-inbound`, withCerts()),
      await api.request('PUT', `${INBOUND}/secret-inbound`, withCerts('secret-inbound', { port: 81 })),
      await api.request('POST', SEED_INBOUND, withCerts()),
      await api.request('GET', `${INBOUND}/external-inbound`),
    ];
    for (const response of reads) {
      expect(response.status).toBeLessThan(500);
      expectNoSecret(response.body as string, `${response.status} ${response.body}`);
    }
    expect((await api.request('GET', `${INBOUND}/secret-inbound`)).json.spec.certificates).toEqual(marked);
  });

  test('PUT of the GET body keeps the stored secrets and is unchanged; a new value replaces one', async () => {
    await api.request('POST', SEED_INBOUND, withCerts());
    const stored = (await api.store.get(KEY))?.body;
    expect(stored?.spec).toMatchObject({
      certificates: { serviceCertificate: PEM_CERT, servicePrivateKey: PEM_KEY, caCertificate: PEM_CA },
    });

    for (const url of [`${INBOUND}/secret-inbound`, `${SEED_INBOUND}/secret-inbound`]) {
      const got = await api.request('GET', url);
      const back = await api.request('PUT', url, got.json);
      expect(back.status, String(back.body)).toBe(200);
      expect(back.headers['meshbridge-outcome']).toBe('unchanged');
      expect((await api.store.get(KEY))?.body).toEqual(stored);
    }

    // The markers may come back in seed 000's spelling too.
    const seedMarkers = { Servicecertificate: REDACTED, ServicePrivateKey: REDACTED, caCertificate: REDACTED };
    const seedBack = await api.request(
      'PUT',
      `${SEED_INBOUND}/secret-inbound`,
      seedInbound('secret-inbound', seedMarkers),
    );
    expect(seedBack.headers['meshbridge-outcome']).toBe('unchanged');
    expect((await api.store.get(KEY))?.body).toEqual(stored);

    const got = await api.request('GET', `${INBOUND}/secret-inbound`);
    const otherCa = PEM_CA.replace('SecretCaCertificate', 'AnotherCaCertificate');
    const edited = {
      ...got.json,
      spec: { ...got.json.spec, certificates: { ...got.json.spec.certificates, caCertificate: otherCa } },
    };
    const updated = await api.request('PUT', `${INBOUND}/secret-inbound`, edited);
    expect(updated.headers['meshbridge-outcome']).toBe('updated');
    expect(updated.body).not.toContain('AnotherCaCertificate');
    const after = (await api.store.get(KEY))?.body.spec as { certificates: Record<string, string> };
    expect(after.certificates).toEqual({
      serviceCertificate: PEM_CERT,
      servicePrivateKey: PEM_KEY,
      caCertificate: otherCa,
    });
  });

  test('the redaction marker where nothing is stored is a 400 naming each field', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound('plain'));
    const before = await snapshot(api);
    const markers = { Servicecertificate: REDACTED, ServicePrivateKey: REDACTED };
    const paths = ['spec.certificates.serviceCertificate', 'spec.certificates.servicePrivateKey'];
    for (const [method, url, name] of [
      ['PUT', `${INBOUND}/plain`, 'plain'],
      ['PUT', `${SEED_INBOUND}/plain`, 'plain'],
      ['POST', SEED_INBOUND, 'fresh'],
      ['POST', INBOUND, 'fresh'],
      ['PUT', `${INBOUND}/fresh`, 'fresh'],
    ] as const) {
      const response = await api.request(method, url, seedInbound(name, markers));
      expect(response.status, `${method} ${url}: ${response.body}`).toBe(400);
      expect(detailPaths(response).sort()).toEqual(paths);
      expect(response.json.details[0].message).toContain(REDACTED);
    }
    expect(await snapshot(api)).toEqual(before);
  });

  test('secrets that fail validation are not echoed in the error', async () => {
    const before = await snapshot(api);
    const responses = [
      // A key without its certificate.
      await api.request('POST', SEED_INBOUND, seedInbound('bad', { ServicePrivateKey: PEM_KEY })),
      // Certificates with TLS disabled, and a key where a certificate belongs.
      await api.request('POST', SEED_INBOUND, withCerts('bad', { mutualTLS: 'NONE', Servicecertificate: PEM_KEY })),
      // The same secret twice, with different values.
      await api.request('POST', SEED_INBOUND, withCerts('bad', { certificates: { serviceCertificate: PEM_CA } })),
      // Not JSON at all.
      await api.request('POST', SEED_INBOUND, `${JSON.stringify(withCerts('bad'))}}`, {
        'content-type': 'application/json',
      }),
    ];
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expectNoSecret(response.body as string, response.body as string);
    }
    expect(responses.slice(0, 3).map((response) => response.status)).toEqual([400, 400, 400]);
    expect(await snapshot(api)).toEqual(before);
  });

  test("a cluster's uploaded kubeconfig is never served back", async () => {
    const kubeconfig = `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${SECRET_FRAGMENTS[1]}\n`;
    const boundary = 'meshbridgeboundary';
    const payload = [
      `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify({ metadata: { name: 'cluster09' } })}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="kubeconfig"\r\nContent-Type: application/octet-stream\r\n\r\n${kubeconfig}\r\n`,
      `--${boundary}--\r\n`,
    ].join('');
    const created = await api.app.inject({
      method: 'POST',
      url: '/v2/cluster-providers/edge/clusters',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(created.statusCode, String(created.body)).toBe(201);
    expect(created.body).not.toContain(SECRET_FRAGMENTS[1]);
    const url = '/v2/cluster-providers/edge/clusters/cluster09';
    for (const read of [url, `${url}/file`, '/v2/cluster-providers/edge/clusters']) {
      const response = await api.request('GET', read);
      expect(response.body as string, read).not.toContain(SECRET_FRAGMENTS[1]);
    }
    const got = await api.request('GET', url);
    expect(got.json.spec.kubeconfig).toBe(REDACTED);
    const key = 'cluster-providers/edge/clusters/cluster09';
    expect((await api.store.get(key))?.body.spec).toMatchObject({ kubeconfig });
    const back = await api.request('PUT', url, got.json);
    expect(back.headers['meshbridge-outcome']).toBe('unchanged');
    expect((await api.store.get(key))?.body.spec).toMatchObject({ kubeconfig });
  });
});

describeOnBothDatabases('secrets in logs', (open) => {
  test('no log line, at trace level, contains a secret', async () => {
    const base = await open();
    const logged = await loggedApi(base, 'trace');
    try {
      await seedWorld(logged);
      const requests: [string, string, unknown?][] = [
        ['POST', SEED_INBOUND, withCerts()],
        ['POST', SEED_INBOUND, withCerts()],
        ['GET', `${SEED_INBOUND}/secret-inbound`],
        ['GET', SEED_INBOUND],
        ['GET', `${INBOUND}/secret-inbound`],
        ['PUT', `${SEED_INBOUND}/secret-inbound`, withCerts('secret-inbound', { port: 8080 })],
        ['PUT', `${INBOUND}/secret-inbound`, withCerts('other-name')],
        ['POST', SEED_INBOUND, withCerts('bad', { mutualTLS: 'NONE' })],
        ['POST', SEED_INBOUND, seedInbound('bad', { ServicePrivateKey: PEM_KEY, port: 0, colour: 'blue' })],
        ['POST', `${GROUPS}/nosuch/traffic-group-intents/default/inbound-intents`, withCerts()],
        [
          'POST',
          SEED_OUTBOUND,
          { metadata: { name: 'c' }, spec: { app: 'sleep', serviceAccountAccess: { [PEM_KEY]: { GET: '/' } } } },
        ],
        ['POST', SEED_INBOUND, `${JSON.stringify(withCerts('bad'))}x`],
      ];
      const statuses: number[] = [];
      for (const [method, url, body] of requests) statuses.push((await logged.request(method, url, body)).status);
      expect(statuses).toEqual([201, 409, 200, 200, 200, 200, 400, 400, 400, 404, 400, 422]);
      // Fastify logs every request and its answer at this level: the check below is not vacuous.
      expect(logged.lines.length).toBeGreaterThanOrEqual(2 * requests.length);
      const leaks = logged.lines.filter((line) => SECRET_FRAGMENTS.some((fragment) => line.includes(fragment)));
      expect(leaks).toEqual([]);
    } finally {
      await logged.close();
      await base.close();
    }
  });
});
