import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './index.js';
import { rawRequest } from './raw-http.js';

let fake: FakeKube;
beforeEach(async () => {
  fake = await startFakeKube();
});
afterEach(async () => {
  await fake.close();
});

const SE_V1 = '/apis/networking.istio.io/v1';
const APPLY = 'application/apply-patch+yaml';

function serviceEntry(
  name: string,
  namespace = 'default',
  labels: Record<string, string> = {},
  hosts = [`${name}.example.com`],
) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name, namespace, labels },
    spec: { hosts, resolution: 'DNS' },
  };
}

function configMap(name: string, data: Record<string, string> = { k: 'v' }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function apply(path: string, body: unknown, manager = 'meshbridge', extraQuery = '') {
  const query = `?fieldManager=${manager}${extraQuery}`;
  return rawRequest(fake, 'PATCH', `${path}${query}`, { body, contentType: APPLY });
}

describe('discovery', () => {
  it('serves /api and /api/v1 with the core resources', async () => {
    expect((await rawRequest(fake, 'GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const core = await rawRequest(fake, 'GET', '/api/v1');
    expect(core.json).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const names = core.json.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(['namespaces', 'configmaps', 'secrets', 'services', 'serviceaccounts']);
    expect(core.json.resources[0]).toMatchObject({
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
    });
  });

  it('serves RBAC, NetworkPolicy and the Istio groups in every version, and 404s the others', async () => {
    const groups = await rawRequest(fake, 'GET', '/apis');
    expect(groups.json.kind).toBe('APIGroupList');
    expect(groups.json.groups).toEqual([
      expect.objectContaining({
        name: 'rbac.authorization.k8s.io',
        preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' },
      }),
      expect.objectContaining({
        name: 'networking.k8s.io',
        preferredVersion: { groupVersion: 'networking.k8s.io/v1', version: 'v1' },
      }),
      expect.objectContaining({
        name: 'networking.istio.io',
        preferredVersion: { groupVersion: 'networking.istio.io/v1', version: 'v1' },
      }),
      expect.objectContaining({ name: 'security.istio.io' }),
    ]);
    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const list = await rawRequest(fake, 'GET', `/apis/networking.istio.io/${version}`);
      expect(list.json.groupVersion).toBe(`networking.istio.io/${version}`);
      expect(list.json.resources.map((r: { name: string }) => r.name)).toEqual([
        'gateways',
        'serviceentries',
        'destinationrules',
        'virtualservices',
        'sidecars',
        'workloadentries',
      ]);
    }
    const security = await rawRequest(fake, 'GET', '/apis/security.istio.io/v1beta1');
    expect(security.json.resources).toContainEqual(
      expect.objectContaining({
        name: 'authorizationpolicies',
        singularName: 'authorizationpolicy',
        namespaced: true,
        kind: 'AuthorizationPolicy',
        verbs: expect.arrayContaining(['create', 'delete', 'get', 'list', 'patch', 'update']),
      }),
    );
    const networking = await rawRequest(fake, 'GET', '/apis/networking.k8s.io/v1');
    expect(networking.json.resources).toEqual([
      expect.objectContaining({
        name: 'networkpolicies',
        kind: 'NetworkPolicy',
        namespaced: true,
        shortNames: ['netpol'],
      }),
    ]);
    expect((await rawRequest(fake, 'GET', '/apis/networking.istio.io')).json.kind).toBe('APIGroup');
    for (const path of [
      '/apis/security.istio.io/v1alpha3',
      '/apis/example.com/v1',
      '/apis/example.com',
      '/api/v2',
      '/metrics',
    ]) {
      const missing = await rawRequest(fake, 'GET', path);
      expect(missing.status, path).toBe(404);
      expect(missing.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    }
  });

  it('serves /version and health checks, also to anonymous clients but not to a wrong token', async () => {
    const version = await rawRequest(fake, 'GET', '/version', { token: null });
    expect(version.json).toMatchObject({ major: '1', minor: '29' });
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const health = await rawRequest(fake, 'GET', path, { token: null });
      expect([health.status, health.text]).toEqual([200, 'ok']);
    }
    expect((await rawRequest(fake, 'GET', '/version', { token: 'wrong' })).status).toBe(401);
    expect((await rawRequest(fake, 'GET', '/api', { token: null })).status).toBe(401);
  });
});

describe('objects', () => {
  it('creates (201), refuses a duplicate (409 AlreadyExists), reads (200) and 404s a missing one', async () => {
    const created = await rawRequest(fake, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=seeder', {
      body: configMap('c'),
    });
    expect(created.status).toBe(201);
    expect(created.json.metadata).toMatchObject({ name: 'c', namespace: 'default', generation: 1 });
    expect(created.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.json.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'seeder', operation: 'Update' }),
    ]);

    const again = await rawRequest(fake, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('c') });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "c" already exists',
      reason: 'AlreadyExists',
      details: { name: 'c', kind: 'configmaps' },
      code: 409,
    });
    expect((await rawRequest(fake, 'GET', '/api/v1/namespaces/default/configmaps/c')).json.data).toEqual({ k: 'v' });

    const missing = await rawRequest(fake, 'GET', `${SE_V1}/namespaces/default/serviceentries/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      message: 'serviceentries.networking.istio.io "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'networking.istio.io', kind: 'serviceentries' },
    });
  });

  it('shows one object through every version of its group', async () => {
    const created = await apply('/apis/networking.istio.io/v1beta1/namespaces/default/serviceentries/a', {
      ...serviceEntry('a'),
      apiVersion: 'networking.istio.io/v1beta1',
    });
    expect(created.status).toBe(201);
    expect(created.json.apiVersion).toBe('networking.istio.io/v1beta1');
    const v1 = await rawRequest(fake, 'GET', `${SE_V1}/namespaces/default/serviceentries/a`);
    expect(v1.json).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      metadata: { uid: created.json.metadata.uid },
    });
    const alpha = await rawRequest(fake, 'GET', '/apis/networking.istio.io/v1alpha3/serviceentries');
    expect(alpha.json.items.map((item: { apiVersion: string }) => item.apiVersion)).toEqual([
      'networking.istio.io/v1alpha3',
    ]);
  });

  it('lists like the API server: XList, resourceVersion, CRD items with kind, built-in items without', async () => {
    await apply(`${SE_V1}/namespaces/default/serviceentries/a`, serviceEntry('a'));
    await rawRequest(fake, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('c') });
    const entries = await rawRequest(fake, 'GET', `${SE_V1}/namespaces/default/serviceentries`);
    expect(entries.json).toMatchObject({ kind: 'ServiceEntryList', apiVersion: 'networking.istio.io/v1' });
    expect(entries.json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(entries.json.items[0]).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' });
    const maps = await rawRequest(fake, 'GET', '/api/v1/namespaces/default/configmaps');
    expect(maps.json.kind).toBe('ConfigMapList');
    expect(maps.json.items[0].kind).toBeUndefined();
    expect(maps.json.items[0].metadata.name).toBe('c');
  });

  it('lists across namespaces, by label and field selector, page by page', async () => {
    await apply('/api/v1/namespaces/apps', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const mine = { 'app.kubernetes.io/managed-by': 'meshbridge' };
    await apply(`${SE_V1}/namespaces/default/serviceentries/a`, serviceEntry('a', 'default', mine));
    await apply(`${SE_V1}/namespaces/apps/serviceentries/b`, serviceEntry('b', 'apps', mine));
    await apply(`${SE_V1}/namespaces/apps/serviceentries/c`, serviceEntry('c', 'apps', { team: 'x' }));
    const names = async (path: string) =>
      (await rawRequest(fake, 'GET', path)).json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(await names(`${SE_V1}/serviceentries`)).toEqual(['b', 'c', 'a']);
    expect(await names(`${SE_V1}/namespaces/apps/serviceentries`)).toEqual(['b', 'c']);
    const selector = encodeURIComponent('app.kubernetes.io/managed-by=meshbridge');
    expect(await names(`${SE_V1}/serviceentries?labelSelector=${selector}`)).toEqual(['b', 'a']);
    expect(await names(`${SE_V1}/serviceentries?labelSelector=${encodeURIComponent('team notin (x)')}`)).toEqual([
      'b',
      'a',
    ]);
    expect(await names(`${SE_V1}/serviceentries?fieldSelector=metadata.name%3Dc`)).toEqual(['c']);
    const bad = await rawRequest(fake, 'GET', `${SE_V1}/serviceentries?labelSelector=${encodeURIComponent('a in (')}`);
    expect(bad.json).toMatchObject({ code: 400, reason: 'BadRequest' });

    const first = await rawRequest(fake, 'GET', `${SE_V1}/serviceentries?limit=2`);
    expect(first.json.items).toHaveLength(2);
    expect(first.json.metadata.remainingItemCount).toBe(1);
    const rest = await rawRequest(
      fake,
      'GET',
      `${SE_V1}/serviceentries?limit=2&continue=${first.json.metadata.continue}`,
    );
    expect(rest.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a']);
    expect(rest.json.metadata.continue).toBeUndefined();
  });

  it('404s a namespaced write into a namespace that does not exist', async () => {
    for (const answer of [
      await apply(`${SE_V1}/namespaces/nope/serviceentries/a`, serviceEntry('a', 'nope')),
      await rawRequest(fake, 'POST', '/api/v1/namespaces/nope/configmaps', { body: configMap('c') }),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({
        message: 'namespaces "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', kind: 'namespaces' },
      });
    }
  });

  it('answers 400 to bodies it cannot use and 422 to invalid names and labels', async () => {
    const path = `${SE_V1}/namespaces/default/serviceentries`;
    const cases: [string, Promise<{ status: number; json: { reason: string; message: string } }>, number, RegExp][] = [
      ['not JSON', rawRequest(fake, 'POST', path, { body: '{"kind":' }), 400, /could not be decoded/],
      ['an array', rawRequest(fake, 'POST', path, { body: [1] }), 400, /must be an object/],
      [
        'no kind',
        rawRequest(fake, 'POST', path, { body: { apiVersion: 'networking.istio.io/v1', metadata: { name: 'a' } } }),
        400,
        /Kind/,
      ],
      ['wrong kind', rawRequest(fake, 'POST', path, { body: { ...serviceEntry('a'), kind: 'Gateway' } }), 400, /kind/],
      ['other name', apply(`${path}/b`, serviceEntry('a')), 400, /does not match the name on the URL/],
      ['other namespace', apply(`${path}/a`, serviceEntry('a', 'kube-system')), 400, /namespace/],
      [
        'bad YAML',
        rawRequest(fake, 'PATCH', `${path}/a?fieldManager=m`, { body: 'a: [', contentType: APPLY }),
        400,
        /decoded/,
      ],
      [
        'bad name',
        rawRequest(fake, 'POST', path, { body: serviceEntry('Not_Valid') }),
        422,
        /metadata.name: Invalid value/,
      ],
      ['bad label', apply(`${path}/a`, serviceEntry('a', 'default', { x: 'y'.repeat(64) })), 422, /metadata.labels/],
      [
        'no fieldManager',
        rawRequest(fake, 'PATCH', `${path}/a`, { body: serviceEntry('a'), contentType: APPLY }),
        400,
        /fieldManager is required/,
      ],
    ];
    for (const [name, answer, status, message] of cases) {
      const { status: got, json } = await answer;
      expect(got, name).toBe(status);
      expect(json.reason, name).toBe(status === 400 ? 'BadRequest' : 'Invalid');
      expect(json.message, name).toMatch(message);
    }
    expect(fake.objects().filter((object) => object.kind === 'ServiceEntry')).toEqual([]);
  });

  it('applies from YAML, is a no-op when nothing changes, bumps generation only for spec changes', async () => {
    const path = `${SE_V1}/namespaces/default/serviceentries/a`;
    const yaml =
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n';
    const created = await rawRequest(fake, 'PATCH', `${path}?fieldManager=m`, { body: yaml, contentType: APPLY });
    expect(created.status).toBe(201);
    const again = await rawRequest(fake, 'PATCH', `${path}?fieldManager=m`, { body: yaml, contentType: APPLY });
    expect(again.status).toBe(200);
    expect(again.json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion);
    const labelled = await apply(
      path,
      { ...serviceEntry('a', 'default', { x: 'y' }, ['a.example.com']), spec: { hosts: ['a.example.com'] } },
      'm',
    );
    expect(Number(labelled.json.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.json.metadata.resourceVersion),
    );
    expect(labelled.json.metadata.generation).toBe(1);
    const changed = await apply(path, serviceEntry('a', 'default', { x: 'y' }, ['b.example.com']), 'm');
    expect(changed.json.metadata.generation).toBe(2);
    expect(changed.json.spec).toEqual({ hosts: ['b.example.com'], resolution: 'DNS' });
  });

  it('merge-patches, JSON-patches and replaces as Update operations; CRDs refuse strategic merge', async () => {
    const path = `${SE_V1}/namespaces/default/serviceentries/a`;
    await apply(path, serviceEntry('a'));
    const merged = await rawRequest(fake, 'PATCH', `${path}?fieldManager=patcher`, {
      body: { spec: { resolution: null, location: 'MESH_INTERNAL' } },
      contentType: 'application/merge-patch+json',
    });
    expect(merged.status).toBe(200);
    expect(merged.json.spec).toEqual({ hosts: ['a.example.com'], location: 'MESH_INTERNAL' });
    expect(
      merged.json.metadata.managedFields.map(
        (e: { manager: string; operation: string }) => `${e.manager}/${e.operation}`,
      ),
    ).toEqual(['meshbridge/Apply', 'patcher/Update']);
    const patched = await rawRequest(fake, 'PATCH', path, {
      body: [{ op: 'replace', path: '/spec/hosts/0', value: 'z.example.com' }],
      contentType: 'application/json-patch+json',
    });
    expect(patched.json.spec.hosts).toEqual(['z.example.com']);
    const failedTest = await rawRequest(fake, 'PATCH', path, {
      body: [{ op: 'test', path: '/spec/hosts/0', value: 'nope' }],
      contentType: 'application/json-patch+json',
    });
    expect(failedTest.status).toBe(422);
    const strategic = await rawRequest(fake, 'PATCH', path, {
      body: {},
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(strategic.json).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    const forced = await rawRequest(fake, 'PATCH', `${path}?force=true`, {
      body: {},
      contentType: 'application/merge-patch+json',
    });
    expect(forced.status).toBe(400);

    const stale = await rawRequest(fake, 'PUT', path, {
      body: { ...serviceEntry('a'), metadata: { name: 'a', resourceVersion: '1' } },
    });
    expect(stale.json).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(stale.json.message).toMatch(/the object has been modified/);
    const current = (await rawRequest(fake, 'GET', path)).json;
    const replaced = await rawRequest(fake, 'PUT', path, { body: { ...current, spec: { hosts: ['r.example.com'] } } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.spec).toEqual({ hosts: ['r.example.com'] });
  });

  it('deletes (200 Success Status, then 404); deleting a namespace deletes what is in it', async () => {
    await apply('/api/v1/namespaces/apps', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const created = await apply(`${SE_V1}/namespaces/apps/serviceentries/a`, serviceEntry('a', 'apps'));
    await apply(`${SE_V1}/namespaces/apps/serviceentries/b`, serviceEntry('b', 'apps'));
    const deleted = await rawRequest(fake, 'DELETE', `${SE_V1}/namespaces/apps/serviceentries/a`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'a', group: 'networking.istio.io', kind: 'serviceentries', uid: created.json.metadata.uid },
      code: 200,
    });
    expect((await rawRequest(fake, 'DELETE', `${SE_V1}/namespaces/apps/serviceentries/a`)).status).toBe(404);
    const namespace = await rawRequest(fake, 'DELETE', '/api/v1/namespaces/apps');
    expect(namespace.json).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
    expect(fake.objects().map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Namespace/default',
      'Namespace/istio-system',
      'Namespace/kube-system',
    ]);
  });

  it('does not persist dry runs', async () => {
    const ref = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'default', name: 'a' };
    const path = `${SE_V1}/namespaces/default/serviceentries/a`;
    const dry = await apply(path, serviceEntry('a'), 'meshbridge', '&dryRun=All');
    expect(dry.status).toBe(201);
    expect(dry.json.spec.hosts).toEqual(['a.example.com']);
    expect(fake.get(ref)).toBeUndefined();
    await apply(path, serviceEntry('a'));
    expect((await rawRequest(fake, 'DELETE', `${path}?dryRun=All`)).status).toBe(200);
    expect(fake.get(ref)).toBeDefined();
    const created = await rawRequest(fake, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      body: configMap('d'),
    });
    expect(created.status).toBe(201);
    expect(fake.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'd' })).toBeUndefined();
  });

  it('answers 405 to methods a path does not support', async () => {
    expect(
      (await rawRequest(fake, 'POST', `${SE_V1}/namespaces/default/serviceentries/a`, { body: serviceEntry('a') }))
        .json,
    ).toMatchObject({
      code: 405,
      reason: 'MethodNotAllowed',
    });
    expect((await rawRequest(fake, 'DELETE', '/apis')).status).toBe(405);
  });
});
