/** The OpenAPI document, the interactive page, and the health endpoints. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { KINDS, routePatterns } from '../../core/model/registry.js';
import type { Store } from '../../service/store.js';
import { describeOnBothDatabases, harnessOn, type ApiHarness } from '../../test-support/api.js';

/** `/clusters/:cluster` → `/clusters/{cluster}`, as OpenAPI writes a path. */
const openApiPath = (pattern: string) => `/v2${pattern.replace(/:([A-Za-z]+)/g, '{$1}')}`;

const VERSION = '/v2/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}';
const SEED_PATHS = [
  `${VERSION}/traffic-intent-set/inbound-intents`,
  `${VERSION}/traffic-intent-set/inbound-intents/{name}`,
  `${VERSION}/traffic-group-intent/outbound-intents`,
  `${VERSION}/traffic-group-intent/outbound-intents/{inboundService}`,
  `${VERSION}/traffic-group-intent/outbound-intents/{inboundService}/{client}`,
];

describeOnBothDatabases('OpenAPI and health', (open) => {
  let api: ApiHarness;
  let document: {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<string, Record<string, unknown>>;
  };
  beforeAll(async () => {
    api = await open();
    const response = await api.request('GET', '/v2/openapi.json');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/application\/json/);
    document = response.json;
  });
  afterAll(async () => api?.close());

  test('GET /v2/openapi.json is an OpenAPI 3 document', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('meshbridge');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("lists every kind's collection (GET, POST) and item (GET, PUT, DELETE)", () => {
    for (const kind of KINDS) {
      const { collection, item } = routePatterns(kind);
      expect(Object.keys(document.paths[openApiPath(collection)] ?? {}).sort(), `${kind.kind} collection`).toEqual([
        'get',
        'post',
      ]);
      expect(Object.keys(document.paths[openApiPath(item)] ?? {}).sort(), `${kind.kind} item`).toEqual([
        'delete',
        'get',
        'put',
      ]);
    }
  });

  test('documents request bodies and the error shape', () => {
    const { collection } = routePatterns(KINDS.find((kind) => kind.kind === 'inboundIntent') ?? (KINDS[0] as never));
    const post = document.paths[openApiPath(collection)]?.post as {
      requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
      responses: Record<string, unknown>;
    };
    expect(post.requestBody?.content['application/json']?.schema.properties).toHaveProperty('spec');
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409']));
  });

  test('lists the seed 000 paths, the gateway view and app file downloads', () => {
    for (const path of SEED_PATHS) expect(document.paths, path).toHaveProperty([path]);
    expect(document.paths).toHaveProperty(['/v2/cluster-providers/{clusterProvider}/clusters/{cluster}/gateway']);
    expect(document.paths).toHaveProperty([`${VERSION}/apps/{app}/file`]);
    expect(Object.keys(document.paths[SEED_PATHS[1] as string] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(document.paths[SEED_PATHS[4] as string] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
  });

  test('GET /docs is an HTML page', async () => {
    let response = await api.request('GET', '/docs');
    for (let hops = 0; hops < 3 && response.status >= 300 && response.status < 400; hops++) {
      const location = String(response.headers.location);
      response = await api.request(
        'GET',
        location.startsWith('/') ? location : `/docs/${location.replace(/^\.\//, '')}`,
      );
    }
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/text\/html/);
    expect(response.body).toMatch(/<html/i);
  });

  test('/healthz and /readyz answer 200', async () => {
    const health = await api.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    const ready = await api.request('GET', '/readyz');
    expect(ready.status).toBe(200);
  });

  test('an unknown path is a 404 in the error shape', async () => {
    const response = await api.request('GET', '/v2/no/such/path');
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      error: 'NotFound',
      message: expect.stringContaining('/v2/no/such/path'),
      details: [],
    });
  });
});

test('/readyz is 503 when the database does not answer', async () => {
  const { openSqliteDatabase } = await import('../storage/sqlite.js');
  const database = await openSqliteDatabase(':memory:');
  const down: Store = Object.create(database.store, { ping: { value: async () => false } });
  const api = await harnessOn({ ...database, store: down });
  try {
    const response = await api.request('GET', '/readyz');
    expect(response.status).toBe(503);
    expect((await api.request('GET', '/healthz')).status).toBe(200);
  } finally {
    await api.close();
  }
});
