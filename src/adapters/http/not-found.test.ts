/**
 * What a request no route matched gets: 405 with Allow on a path meshbridge serves, a 404
 * naming the EMCO component on a path EMCO has, the ordinary 404 elsewhere; and a served
 * route always wins over all three.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMCO_PATHS } from '../../core/model/emco-paths/lookup.js';
import { NAME_PATTERN } from '../../core/validation/schema.js';
import { injectRequest, sqliteApi, type ApiHarness } from '../../test-support/api.js';
import { openSqliteDatabase } from '../storage/sqlite.js';
import { buildApp } from '../../compose.js';
import { MethodNotAllowedError } from '../../core/errors.js';
import { ServedRoutes, servedRoutesOf, unmatchedRequestError, type ServedRoute } from './not-found.js';

const DIG = '/v2/projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';

let api: ApiHarness;
beforeAll(async () => {
  api = await sqliteApi();
  // Which handler answered: the tests below tell a route's own 404 from the not-found handler's.
  api.app.addHook('onSend', async (request, reply) => {
    reply.header('x-test-answered-by', request.is404 ? 'not-found' : 'route');
  });
});
afterAll(async () => api.close());

const LITERALS = [
  ...new Set(EMCO_PATHS.flatMap((entry) => entry.pattern.text.split('/').filter((s) => s && !s.startsWith('{')))),
];
/** Names a caller may give, EMCO's fixed words among them (a project called `ca-certs`, ...). */
const anyName = fc.oneof(
  fc.stringMatching(new RegExp(NAME_PATTERN)).filter((name) => name.length <= 63),
  fc.constantFrom(...LITERALS),
);

function concrete(pattern: string, names: string[]): string {
  let index = 0;
  return pattern
    .split('/')
    .map((segment) => {
      if (segment === '*') return 'index.css'; // a file @fastify/swagger-ui has
      if (segment.startsWith(':') || /^\{.+\}$/.test(segment)) return names[index++ % names.length];
      return segment;
    })
    .join('/');
}

describe('a path EMCO has and meshbridge does not serve', () => {
  const cases: [string, string, string, string][] = [
    ['POST', `${DIG}/network-controller-intent`, 'ovnaction controller', 'renders traffic only'],
    [
      'GET',
      '/v2/cluster-providers/cp/clusters/c/networks/n',
      'network configuration manager (ncm)',
      'cluster networks',
    ],
    ['PUT', `${DIG}/generic-k8s-intents/g/resources/r`, 'generic action controller', 'renders traffic only'],
    ['DELETE', '/v2/projects/p/ca-certs/c/logical-clouds/lc', 'CA certificate controller (ca-certs)', 'root CA'],
    ['POST', `${DIG}/temporal-action-controller/t/workers`, 'temporal action controller (tac)', 'no workflows'],
    ['GET', `${DIG}/temporal-workflow-intents/w/status`, 'workflow manager (workflowmgr)', 'no workflows'],
    ['POST', `${DIG}/hpa-intents`, 'HPA placement controller (hpa-plc)', 'places no apps'],
    ['POST', `${DIG}/network-chains/n/links`, 'service function chaining controller (sfc)', 'renders traffic only'],
    ['POST', `${DIG}/sfc-clients`, 'SFC client controller (sfcclient)', 'renders traffic only'],
    ['POST', `${DIG}/stop`, 'orchestrator path for stop', '.../terminate'],
    [
      'GET',
      '/v2/projects/p/composite-apps/ca/v1/apps/a/dependency',
      'orchestrator path for dependency',
      'deploys no apps',
    ],
    [
      'POST',
      '/v2/projects/p/logical-clouds/lc/kv-pairs',
      'distributed cloud manager (dcm) path for kv-pairs',
      'set the cloud up',
    ],
    [
      'GET',
      '/v2/cluster-providers/cp/cluster-sync-objects/',
      'cluster manager (clm) path for cluster-sync-objects',
      'spec.deploy.gitops',
    ],
    ['POST', '/v2/clm-controllers', 'cluster manager (clm) path for clm-controllers', 'remove this document'],
  ];

  it.each(cases)('%s %s is a 404 naming the component and what to do', async (method, path, owner, advice) => {
    const response = await api.request(method, `${path}?x=1`, method === 'POST' || method === 'PUT' ? {} : undefined);
    expect(response.status).toBe(404);
    expect(response.headers['x-test-answered-by']).toBe('not-found');
    expect(response.json.error).toBe('NotServedByMeshbridge');
    expect(response.json.message).toContain(`${method} ${path} is `);
    expect(response.json.message).toContain(`EMCO's ${owner}`);
    expect(response.json.message).toContain(advice);
    expect(response.json.details).toHaveLength(1);
    expect(response.json.details[0].path).toBe(path);
    expect(response.json.details[0].message).toMatch(/^EMCO's [-a-z]+ serves [A-Z, ]+ on \/v2\/.+ \(src\/.+\.go\)$/);
  });

  it('answers a multipart upload, as emcoctl sends files, the same way', async () => {
    const boundary = 'mb-boundary';
    const payload = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="metadata"',
      '',
      '{"metadata":{"name":"r"}}',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="r.yaml"',
      'Content-Type: application/octet-stream',
      '',
      'kind: ConfigMap',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await api.app.inject({
      method: 'POST',
      url: `${DIG}/generic-k8s-intents/g/resources`,
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('NotServedByMeshbridge');
    expect(response.json().message).toContain("EMCO's generic action controller");
  });

  it('is the same with authentication on: after the token check, and for any valid token', async () => {
    const app = await buildApp(await openSqliteDatabase(':memory:'), false, {}, { adminToken: 'secret-admin-token' });
    try {
      const anonymous = await injectRequest(app, 'GET', `${DIG}/network-controller-intent`);
      expect(anonymous.status).toBe(401);
      const admitted = await injectRequest(app, 'GET', `${DIG}/network-controller-intent`, undefined, {
        authorization: 'Bearer secret-admin-token',
      });
      expect(admitted.status).toBe(404);
      expect(admitted.json.error).toBe('NotServedByMeshbridge');
    } finally {
      await app.close();
    }
  });

  it('is never the bare 404, for any method EMCO has on any of its paths', async () => {
    const bare: string[] = [];
    for (const entry of EMCO_PATHS) {
      const path = `/v2${concrete(entry.pattern.text, ['n1'])}`;
      for (const method of entry.methods) {
        const response = await api.request(method, path, method === 'POST' || method === 'PUT' ? {} : undefined);
        const byHandler = response.headers['x-test-answered-by'] === 'not-found';
        if (byHandler && response.json.error === 'NotFound') bare.push(`${method} ${path}`);
        if (byHandler && response.json.error === 'MethodNotAllowed')
          if (byHandler) expect(['NotServedByMeshbridge', 'MethodNotAllowed']).toContain(response.json.error);
      }
    }
    expect(bare).toEqual([]);
  });
});

describe('a path EMCO does not have', () => {
  it.each([
    ['GET', '/v2/nothing-here'],
    ['POST', '/v2/projects/p/not-an-emco-collection'],
    ['GET', '/v3/projects'],
    ['DELETE', '/elsewhere/v2/projects/p/ca-certs'],
  ])('%s %s keeps the ordinary 404', async (method, path) => {
    const response = await api.request(method, path);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'NotFound', message: `no such path: ${method} ${path}`, details: [] });
  });
});

describe('a path meshbridge serves, with a method it does not serve there', () => {
  it('is a 405 with Allow listing what is served', async () => {
    const response = await api.request('PATCH', '/v2/projects/p', {});
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('DELETE, GET, HEAD, PUT');
    expect(response.json).toEqual({
      error: 'MethodNotAllowed',
      message: 'PATCH is not served on /v2/projects/p; meshbridge serves DELETE, GET, HEAD, PUT there.',
      details: [],
    });
    const post = await api.request('GET', `${DIG}/instantiate`);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('POST');
  });
});

describe('every route meshbridge serves', () => {
  const routes = (): readonly ServedRoute[] => servedRoutesOf(api.app)?.list() ?? [];

  it('is known to the not-found handler, EMCO paths among them', () => {
    const urls = new Set(routes().map((route) => route.url));
    expect(urls).toContain('/v2/projects/:project');
    expect(urls).toContain('/v2/projects/:project/composite-apps/:compositeApp/:compositeAppVersion/apps/:app');
    expect(urls.size).toBeGreaterThan(60);
  });

  it('answers its own paths, whatever the names, with no catalogue path in the way', async () => {
    const all = routes();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        fc.array(anyName, { minLength: 1, maxLength: 8 }),
        async (route, names) => {
          // An event stream never ends: asked with a bad interval, it answers (a 400) as any route does.
          const stream = route.url === '/v2/map/deploy/events' ? '?interval=0' : '';
          const path = `${concrete(route.url, names)}${stream}`;
          const body = route.method === 'POST' || route.method === 'PUT' ? {} : undefined;
          const response = await api.request(route.method, path, body);
          expect(response.headers['x-test-answered-by'], `${route.method} ${path}`).toBe('route');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers any other method on its paths with a 405 that lists exactly the methods the router serves', async () => {
    const all = routes();
    const served = new Map<string, Set<string>>();
    for (const route of all) served.set(route.url, (served.get(route.url) ?? new Set()).add(route.method));
    for (const [url, methods] of served) {
      const path = concrete(url, ['n1']);
      const other = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].find((method) => !methods.has(method)) as string;
      const response = await api.request(other, path);
      expect(response.status, `${other} ${path}`).toBe(405);
      const allowed = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])];
      expect(String(response.headers.allow).split(', ')).toEqual([...new Set(allowed)].sort());
    }
  });
});

describe('the answer for a request no route matched, from the routes registered', () => {
  const served = new ServedRoutes();
  served.add(['GET', 'POST'], '/v2/cluster-providers/:clusterProvider/clusters/:cluster/networks');

  it('says when EMCO has the refused method on a path meshbridge serves in part', () => {
    const error = unmatchedRequestError('DELETE', '/v2/cluster-providers/cp/clusters/c/networks/', served);
    expect(error).toBeInstanceOf(MethodNotAllowedError);
    expect((error as MethodNotAllowedError).allowed).toEqual(['GET', 'HEAD', 'POST']);
    expect(error.message).toBe(
      'DELETE is not served on /v2/cluster-providers/cp/clusters/c/networks; meshbridge serves GET, HEAD, POST there.',
    );
    const elsewhere = unmatchedRequestError('PUT', '/v2/cluster-providers/cp/clusters/c/networks/n', served);
    expect(elsewhere.code).toBe('NotServedByMeshbridge');
  });

  it("adds EMCO's component when EMCO has that method there", () => {
    const onlyGet = new ServedRoutes();
    onlyGet.add('GET', '/v2/cluster-providers/:clusterProvider/clusters/:cluster/networks/:network');
    const error = unmatchedRequestError('PUT', '/v2/cluster-providers/cp/clusters/c/networks/n', onlyGet);
    expect(error.message).toBe(
      'PUT is not served on /v2/cluster-providers/cp/clusters/c/networks/n; meshbridge serves GET, HEAD there. ' +
        "EMCO's network configuration manager (ncm) has PUT here, and meshbridge does not.",
    );
  });
});
