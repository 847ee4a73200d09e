/**
 * A logical cloud's lifecycle over HTTP, as EMCO's DCM serves it: instantiate and terminate answer 202 with the
 * cloud's status, the state is kept in the database, and EMCO's refusals are 409s that say what to do.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { detailPaths, snapshot } from '../../test-support/fixtures.js';

const PROJECT = '/v2/projects/proj1';
const CLOUDS = `${PROJECT}/logical-clouds`;
const ADMIN = `${CLOUDS}/default`;
const STANDARD = `${CLOUDS}/lc1`;
const COMPOSITE_APP = `${PROJECT}/composite-apps/ca/v1`;
const GROUP = `${COMPOSITE_APP}/deployment-intent-groups/g1`;

describeOnBothDatabases('logical cloud lifecycle', (open) => {
  let api: ApiHarness;

  const created = async (url: string, body: unknown) => {
    const response = await api.request('POST', url, body);
    expect(response.status, JSON.stringify(response.json)).toBe(201);
  };
  const reference = (cloud: string, name: string, cluster: string) =>
    created(`${cloud}/cluster-references`, {
      metadata: { name },
      spec: { clusterProvider: 'provider1', cluster, loadbalancerIp: '0.0.0.0' },
    });

  beforeEach(async () => {
    api = await open();
    await created('/v2/cluster-providers', { metadata: { name: 'provider1' } });
    for (const cluster of ['cluster1', 'cluster2'])
      await created('/v2/cluster-providers/provider1/clusters', { metadata: { name: cluster } });
    await created('/v2/projects', { metadata: { name: 'proj1' } });
    await created(CLOUDS, { metadata: { name: 'default' }, spec: { level: '0' } });
    await reference(ADMIN, 'lc-cl-1', 'cluster1');
    await reference(ADMIN, 'lc-cl-2', 'cluster2');
  });
  afterEach(async () => api?.close());

  test('an admin cloud is Created, then Instantiated (202, with its status and Location), and says when', async () => {
    const before = await api.request('GET', `${ADMIN}/status`);
    expect(before.status).toBe(200);
    expect(before.json).toEqual({
      project: 'proj1',
      logicalCloud: 'default',
      level: '0',
      namespace: 'default',
      state: 'Created',
      clusters: [
        { clusterReference: 'lc-cl-1', clusterProvider: 'provider1', cluster: 'cluster1' },
        { clusterReference: 'lc-cl-2', clusterProvider: 'provider1', cluster: 'cluster2' },
      ],
    });

    const started = Date.now();
    const instantiated = await api.request('POST', `${ADMIN}/instantiate`);
    expect(instantiated.status, JSON.stringify(instantiated.json)).toBe(202);
    expect(instantiated.headers.location).toBe(`${ADMIN}/status`);
    expect(instantiated.json).toMatchObject({ state: 'Instantiated', at: expect.any(String) });
    expect(Date.parse(instantiated.json.at)).toBeGreaterThanOrEqual(started - 1000);

    const after = await api.request('GET', `${ADMIN}/status`);
    expect(after.json).toEqual({ ...before.json, state: 'Instantiated', at: instantiated.json.at });
  });

  test('a second instantiate is 409, as in EMCO, and changes nothing; terminate then instantiate again works', async () => {
    expect((await api.request('POST', `${ADMIN}/instantiate`)).status).toBe(202);
    const at = (await api.request('GET', `${ADMIN}/status`)).json.at;
    const again = await api.request('POST', `${ADMIN}/instantiate`);
    expect(again.status).toBe(409);
    expect(again.json.message).toBe('The Logical Cloud is already instantiated');
    expect((await api.request('GET', `${ADMIN}/status`)).json).toMatchObject({ state: 'Instantiated', at });

    const terminated = await api.request('POST', `${ADMIN}/terminate`);
    expect(terminated.status).toBe(202);
    expect(terminated.json.state).toBe('Terminated');
    expect((await api.request('POST', `${ADMIN}/terminate`)).json.message).toBe(
      'The Logical Cloud has already been terminated',
    );
    expect((await api.request('POST', `${ADMIN}/instantiate`)).json.state).toBe('Instantiated');
  });

  test('terminate of a cloud never instantiated is 409', async () => {
    const response = await api.request('POST', `${ADMIN}/terminate`);
    expect(response.status).toBe(409);
    expect(response.json.message).toContain('never instantiated');
    expect((await api.request('GET', `${ADMIN}/status`)).json.state).toBe('Created');
  });

  test('a cloud without cluster references cannot be instantiated (EMCO: "No Cluster References associated")', async () => {
    await created(CLOUDS, { metadata: { name: 'empty' }, spec: { level: '0' } });
    const response = await api.request('POST', `${CLOUDS}/empty/instantiate`);
    expect(response.status).toBe(409);
    expect(detailPaths(response)).toEqual(['cluster-references']);
  });

  test('a standard cloud needs a user permission for its own namespace, as EMCO requires', async () => {
    await created(CLOUDS, { metadata: { name: 'lc1' }, spec: { namespace: 'ns1', user: { userName: 'user-1' } } });
    await reference(STANDARD, 'r1', 'cluster1');
    const permission = (name: string, namespace: string) =>
      created(`${STANDARD}/user-permissions`, {
        metadata: { name },
        spec: { namespace, apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      });
    await permission('istio', 'istio-system');
    const refused = await api.request('POST', `${STANDARD}/instantiate`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toContain('require a User Permission assigned to its primary namespace');
    expect(detailPaths(refused)).toEqual(['user-permissions']);

    await permission('primary', 'ns1');
    const accepted = await api.request('POST', `${STANDARD}/instantiate`);
    expect(accepted.status).toBe(202);
    expect(accepted.json).toMatchObject({ level: '1', namespace: 'ns1', state: 'Instantiated' });
  });

  test('cluster quotas go into a standard cloud only', async () => {
    await created(CLOUDS, { metadata: { name: 'lc1' }, spec: { namespace: 'ns1' } });
    await created(`${STANDARD}/cluster-quotas`, { metadata: { name: 'q1' }, spec: { pods: '10', 'limits.cpu': '2' } });
    expect((await api.request('GET', `${STANDARD}/cluster-quotas/q1`)).json.spec).toEqual({
      pods: '10',
      'limits.cpu': '2',
    });
    const before = await snapshot(api);
    const refused = await api.request('POST', `${ADMIN}/cluster-quotas`, { metadata: { name: 'q1' }, spec: {} });
    expect(refused.status).toBe(400);
    expect(detailPaths(refused)).toEqual(['spec']);
    expect(await snapshot(api)).toEqual(before);
  });

  test('terminate is refused while a group of the cloud is instantiated, naming it, and allowed once it is not', async () => {
    await created(`${PROJECT}/composite-apps`, { metadata: { name: 'ca' }, spec: { compositeAppVersion: 'v1' } });
    await created(`${COMPOSITE_APP}/deployment-intent-groups`, {
      metadata: { name: 'g1' },
      spec: { logicalCloud: 'default' },
    });
    expect((await api.request('POST', `${ADMIN}/instantiate`)).status).toBe(202);
    expect((await api.request('POST', `${GROUP}/approve`)).status).toBe(202);
    expect((await api.request('POST', `${GROUP}/instantiate`)).status).toBe(202);
    await until(async () => (await api.request('GET', `${GROUP}/status?changes=false`)).json.state === 'Instantiated');

    const refused = await api.request('POST', `${ADMIN}/terminate`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toContain('a deployment intent group of this logical cloud is instantiated');
    expect(refused.json.details).toEqual([{ path: GROUP, message: 'is Instantiated; terminate it first' }]);
    expect((await api.request('GET', `${ADMIN}/status`)).json.state).toBe('Instantiated');

    expect((await api.request('POST', `${GROUP}/terminate`)).status).toBe(202);
    await until(async () => (await api.request('GET', `${GROUP}/status?changes=false`)).json.state === 'Terminated');
    expect((await api.request('POST', `${ADMIN}/terminate`)).status).toBe(202);
  });

  test('a group of a cloud that is not instantiated may still be instantiated (meshbridge does not require it)', async () => {
    await created(`${PROJECT}/composite-apps`, { metadata: { name: 'ca' }, spec: { compositeAppVersion: 'v1' } });
    await created(`${COMPOSITE_APP}/deployment-intent-groups`, {
      metadata: { name: 'g1' },
      spec: { logicalCloud: 'default' },
    });
    expect((await api.request('POST', `${GROUP}/approve`)).status).toBe(202);
    expect((await api.request('POST', `${GROUP}/instantiate`)).status).toBe(202);
    expect((await api.request('GET', `${ADMIN}/status`)).json.state).toBe('Created');
  });

  test('a cloud deleted and made again starts Created; an unknown cloud is 404 naming it', async () => {
    expect((await api.request('POST', `${ADMIN}/instantiate`)).status).toBe(202);
    for (const name of ['lc-cl-1', 'lc-cl-2'])
      expect((await api.request('DELETE', `${ADMIN}/cluster-references/${name}`)).status).toBe(204);
    expect((await api.request('DELETE', ADMIN)).status).toBe(204);
    await created(CLOUDS, { metadata: { name: 'default' }, spec: { level: '0' } });
    expect((await api.request('GET', `${ADMIN}/status`)).json.state).toBe('Created');

    for (const [method, path] of [
      ['GET', 'status'],
      ['POST', 'instantiate'],
      ['POST', 'terminate'],
    ] as const) {
      const missing = await api.request(method, `${CLOUDS}/nope/${path}`);
      expect(missing.status).toBe(404);
      expect(missing.json.message).toBe('logical cloud "nope" not found');
    }
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
