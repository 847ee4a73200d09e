/**
 * Bad input: every answer is `{error, message, details: [{path, message}]}` with a
 * 4xx status, names every bad field, and changes nothing. Names and descriptions
 * are checked as properties over many generated values.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { NAME_PATTERN } from '../../core/validation/schema.js';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { detailPaths, ensure, snapshot } from '../../test-support/fixtures.js';
import { REQUEST_TIMEOUT_MS } from './server.js';

const NAME = new RegExp(NAME_PATTERN);
const isName = (name: string) => name.length <= 63 && NAME.test(name);

const validName = fc.stringMatching(NAME).filter((name) => name.length <= 63);
const rejectedName = fc
  .oneof(
    fc.string({ maxLength: 70 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    validName.map((name) => `${name}-`),
    validName.map((name) => `_${name}`),
    validName.map((name) => `${name} ${name}`),
    validName.map((name) => `${name}/${name}`),
    fc.constantFrom('', ' ', '.', '..', '-', 'a'.repeat(64), 'ünïcode', 'a\u0000b', 'tab\tname', 'new\nline'),
  )
  .filter((name) => !isName(name));

const INBOUND =
  '/v2/projects/p1/composite-apps/ca1/v1/deployment-intent-groups/dig1/traffic-group-intents/tg1/inbound-intents';

describeOnBothDatabases('bad input', (open) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await open();
    await ensure(api, 'trafficGroupIntent');
    await ensure(api, 'app');
    await ensure(api, 'clusterProvider');
    await ensure(api, 'logicalCloud');
  });
  afterAll(async () => api?.close());

  test('property: any name that matches the name pattern round-trips through POST, GET, PUT and DELETE', async () => {
    await fc.assert(
      fc.asyncProperty(validName, async (name) => {
        const url = `/v2/projects/${encodeURIComponent(name)}`;
        const created = await api.request('POST', '/v2/projects', { metadata: { name } });
        expect(created.status, String(created.body)).toBe(201);
        expect(created.headers.location).toBe(url);
        const got = await api.request('GET', url);
        expect(got.status).toBe(200);
        expect(got.json).toEqual({ metadata: { name } });
        expect((await api.request('PUT', url, { metadata: { name } })).headers['meshbridge-outcome']).toBe('unchanged');
        expect((await api.request('DELETE', url)).status).toBe(204);
      }),
      { numRuns: 60 },
    );
  });

  test('property: any name that does not match is a 400 on metadata.name, and nothing is stored', async () => {
    const before = await snapshot(api);
    await fc.assert(
      fc.asyncProperty(rejectedName, async (name) => {
        const posted = await api.request('POST', '/v2/projects', { metadata: { name } });
        expect(posted.status, String(posted.body)).toBe(400);
        expect(new Set(detailPaths(posted))).toEqual(new Set(['metadata.name']));
        const nested = await api.request('POST', INBOUND, {
          metadata: { name },
          spec: { app: 'a1', port: 80, protocol: 'HTTP' },
        });
        expect(nested.status, String(nested.body)).toBe(400);
        expect(new Set(detailPaths(nested))).toEqual(new Set(['metadata.name']));
        if (name !== '' && name !== '.' && name !== '..') {
          const put = await api.request('PUT', `/v2/projects/${encodeURIComponent(name)}`, { metadata: { name } });
          expect([400, 404], String(put.body)).toContain(put.status);
        }
      }),
      { numRuns: 80 },
    );
    expect(await snapshot(api)).toEqual(before);
  });

  test('property: any description up to 1024 characters is returned exactly as sent', async () => {
    await api.request('PUT', '/v2/projects/described', { metadata: { name: 'described' } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 200 }),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
        ),
        async (description) => {
          const body = { metadata: { name: 'described', description } };
          const put = await api.request('PUT', '/v2/projects/described', body);
          expect(put.status, String(put.body)).toBe(200);
          const got = await api.request('GET', '/v2/projects/described');
          expect(got.json).toEqual(body);
          expect((await api.request('PUT', '/v2/projects/described', got.json)).headers['meshbridge-outcome']).toBe(
            'unchanged',
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('an unknown field is named with its path and a suggestion when it is a near miss', async () => {
    const response = await api.request('POST', INBOUND, {
      metadata: { name: 'typo' },
      spec: { app: 'a1', port: 80, protcol: 'HTTP' },
    });
    expect(response.status).toBe(400);
    expect(response.json.details).toEqual(
      expect.arrayContaining([
        { path: 'spec.protcol', message: expect.stringContaining('did you mean "protocol"') },
        { path: 'spec.protocol', message: 'is required' },
      ]),
    );
  });

  test('keys named like Object.prototype members are unknown fields too, not silently dropped', async () => {
    const clouds = '/v2/projects/p1/logical-clouds';
    const before = await snapshot(api);
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const bodies: [string, string][] = [
        [`{"metadata":{"name":"lc-x"},"spec":{"namespace":"ns"},"${key}":{"a":1}}`, key],
        [`{"metadata":{"name":"lc-x","${key}":{"a":1}},"spec":{"namespace":"ns"}}`, `metadata.${key}`],
        [`{"metadata":{"name":"lc-x"},"spec":{"namespace":"ns","${key}":{"a":1}}}`, `spec.${key}`],
      ];
      for (const [body, path] of bodies) {
        const response = await api.request('POST', clouds, body);
        expect(response.status, `${path}: ${String(response.body)}`).toBe(400);
        expect(detailPaths(response)).toEqual([path]);
      }
    }
    expect(await snapshot(api)).toEqual(before);
  });

  test('map keys named like Object.prototype members are kept', async () => {
    const clouds = '/v2/projects/p1/logical-clouds';
    const labels = { constructor: 'a', toString: 'b', valueOf: 'c', app: 'd' };
    const created = await api.request('POST', clouds, {
      metadata: { name: 'lc-labels' },
      spec: { namespace: 'ns', labels },
    });
    expect(created.status, String(created.body)).toBe(201);
    expect((await api.request('GET', `${clouds}/lc-labels`)).json.spec.labels).toEqual(labels);
    // `__proto__` is kept too, or refused: never dropped without a word.
    const proto = await api.request(
      'POST',
      clouds,
      '{"metadata":{"name":"lc-proto"},"spec":{"namespace":"ns","labels":{"__proto__":"x"}}}',
    );
    if (proto.status === 400) expect(detailPaths(proto)).toEqual(['spec.labels.__proto__']);
    else expect(Object.keys((await api.request('GET', `${clouds}/lc-proto`)).json.spec.labels)).toEqual(['__proto__']);
  });

  test('bad values deep in lists are named by index, every one of them', async () => {
    const routing = INBOUND.replace('inbound-intents', 'routing-intents');
    const response = await api.request('POST', routing, {
      metadata: { name: 'weights' },
      spec: {
        host: 'a1',
        http: [{ route: [{ app: 'a1', weight: -1 }] }, { route: [{ app: 'a1', weight: 101 }], timeout: 'soon' }],
      },
    });
    expect(response.status).toBe(400);
    expect(detailPaths(response).sort()).toEqual([
      'spec.http[0].route[0].weight',
      'spec.http[1].route[0].weight',
      'spec.http[1].timeout',
    ]);
  });

  test('numbers and booleans written as strings are accepted; text where a number belongs is not', async () => {
    const ok = await api.request('POST', INBOUND, {
      metadata: { name: 'strings' },
      spec: { app: 'a1', port: '8080', protocol: 'HTTP', headless: 'false', management: { sidecarProxy: 'yes' } },
    });
    expect(ok.status, String(ok.body)).toBe(201);
    expect(ok.json.spec).toMatchObject({ port: 8080, headless: false, management: { sidecarProxy: true } });
    const bad = await api.request('POST', INBOUND, {
      metadata: { name: 'words' },
      spec: { app: 'a1', port: 'eighty', protocol: 'HTTP', headless: 'maybe' },
    });
    expect(bad.status).toBe(400);
    expect(detailPaths(bad).sort()).toEqual(['spec.headless', 'spec.port']);
  });

  test('istioVersion written as a YAML number is refused with a hint to quote it', async () => {
    const response = await api.request('POST', '/v2/cluster-providers/edge/clusters', {
      metadata: { name: 'old' },
      spec: { mesh: { istioVersion: 1.1 } },
    });
    expect(response.status).toBe(400);
    expect(response.json.details).toEqual([
      { path: 'spec.mesh.istioVersion', message: expect.stringContaining('quote') },
    ]);
  });

  test('a composite app PUT whose version differs from the URL names spec.compositeAppVersion', async () => {
    const url = '/v2/projects/p1/composite-apps/ca1/v1';
    const versionOnly = await api.request('PUT', url, {
      metadata: { name: 'ca1' },
      spec: { compositeAppVersion: 'v2' },
    });
    expect(versionOnly.status).toBe(400);
    expect(detailPaths(versionOnly)).toEqual(['spec.compositeAppVersion']);
    const nameOnly = await api.request('PUT', url, { metadata: { name: 'ca2' }, spec: { compositeAppVersion: 'v1' } });
    expect(nameOnly.status).toBe(400);
    expect(detailPaths(nameOnly)).toEqual(['metadata.name']);
  });

  test('a request must arrive whole within five minutes (Fastify would wait for ever)', () => {
    expect(api.app.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS).toBe(300_000);
  });

  test('framework refusals keep their status and the error shape: too large, unsupported media type', async () => {
    const before = await snapshot(api);
    const large = await api.request('POST', '/v2/projects', {
      metadata: { name: 'big', description: 'x'.repeat(5 * 1024 * 1024) },
    });
    expect(large.status).toBe(413);
    expect(detailPaths(large)).toEqual([]);
    const media = await api.request('POST', '/v2/projects', '<project/>', { 'content-type': 'application/xml' });
    expect(media.status).toBe(415);
    expect(detailPaths(media)).toEqual([]);
    expect(await snapshot(api)).toEqual(before);
  });

  test('JSON that is not an object, or null, is refused in the error shape', async () => {
    const before = await snapshot(api);
    for (const payload of ['"a string"', '42', '[]', 'null', 'true']) {
      const response = await api.request('POST', '/v2/projects', payload);
      expect([400, 422], payload).toContain(response.status);
      detailPaths(response);
    }
    expect(await snapshot(api)).toEqual(before);
  });
});
