/**
 * `/metrics` of an in-process server deploying to a fake cluster: the figures move as
 * operations run, passes repair drift and calls fail; the text is strict Prometheus; and
 * with authentication on it needs a global read grant.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { openSqliteDatabase } from './adapters/storage/sqlite.js';
import { buildServices } from './compose.js';
import { injectRequest } from './test-support/api.js';
import { manyGroups, NAMESPACE, type ManyGroups } from './test-support/many-groups.js';
import { parsePrometheusText, type Exposition } from './test-support/prometheus-text.js';

let world: ManyGroups | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function scrape(target: ManyGroups): Promise<Exposition> {
  const response = await target.request('GET', '/metrics');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(String(response.body));
}

const CLUSTER = { cluster: 'edge/c1' };

describe('/metrics while deploying', () => {
  test('operations, renders, drift, passes, retries and failures are counted as they happen', async () => {
    world = await manyGroups(2);
    let metrics = await scrape(world);
    expect(metrics.value('meshbridge_operations_started_total', { kind: 'instantiate' })).toBe(2);
    expect(metrics.value('meshbridge_operations_finished_total', { kind: 'instantiate', outcome: 'succeeded' })).toBe(
      2,
    );
    expect(metrics.value('meshbridge_operation_duration_seconds_count', { kind: 'instantiate' })).toBe(2);
    // Each instantiate rendered its group once; the fleet render inside it is not counted again.
    expect(metrics.value('meshbridge_render_duration_seconds_count', { scope: 'group' })).toBe(2);
    expect(metrics.value('meshbridge_render_duration_seconds_count', { scope: 'fleet' })).toBe(0);
    expect(metrics.value('meshbridge_operations_running')).toBe(0);
    expect(metrics.value('meshbridge_operations_waiting')).toBe(0);
    expect(metrics.value('meshbridge_reconcile_pass_duration_seconds_count')).toBe(0);

    expect((await world.request('GET', '/v2/render')).status).toBe(200);
    const policy = world.fake.objects().find((object) => object.kind === 'AuthorizationPolicy');
    if (!policy) throw new Error('no AuthorizationPolicy was deployed');
    world.fake.remove({ ...policy, namespace: NAMESPACE, name: policy.metadata.name });
    await world.services.deploy.reconcileAll();
    metrics = await scrape(world);
    expect(metrics.value('meshbridge_render_duration_seconds_count', { scope: 'fleet' })).toBe(1);
    expect(metrics.value('meshbridge_reconcile_pass_duration_seconds_count')).toBe(1);
    expect(metrics.value('meshbridge_reconcile_last_pass_groups')).toBe(2);
    expect(metrics.value('meshbridge_operations_finished_total', { kind: 'reconcile', outcome: 'succeeded' })).toBe(2);
    expect(metrics.value('meshbridge_drifted_objects_total', { ...CLUSTER, drift: 'deleted' })).toBe(1);

    // Two 503s then success: retried twice; then a 403 on every list: failed for good, not retried.
    world.fake.fault({ method: 'GET', path: /\/secrets$/, status: 503, times: 2 });
    await world.services.deploy.reconcileAll();
    metrics = await scrape(world);
    expect(metrics.value('meshbridge_cluster_call_retries_total', { ...CLUSTER, call: 'list' })).toBe(2);
    expect(metrics.value('meshbridge_cluster_call_failures_total', { ...CLUSTER, call: 'list' })).toBe(0);
    world.fake.fault({ method: 'GET', path: /\/secrets$/, status: 403 });
    await world.services.deploy.reconcileAll();
    metrics = await scrape(world);
    expect(
      metrics.value('meshbridge_cluster_call_failures_total', { ...CLUSTER, call: 'list', reason: 'forbidden' }),
    ).toBe(1);
    expect(metrics.value('meshbridge_operations_finished_total', { kind: 'reconcile', outcome: 'failed' })).toBe(2);
    expect(metrics.value('meshbridge_reconcile_pass_duration_seconds_count')).toBe(3);
  }, 60_000);

  test('the lease gauge the replica work reports through', async () => {
    world = await manyGroups(1);
    world.services.metrics.leaseHeld(world.groups[0] as string, true);
    expect((await scrape(world)).value('meshbridge_lease_held', { group: world.groups[0] as string })).toBe(1);
    world.services.metrics.leaseHeld(world.groups[0] as string, false);
    expect((await scrape(world)).samples.filter((sample) => sample.name === 'meshbridge_lease_held')).toEqual([]);
  }, 60_000);

  test('is in the OpenAPI document, as text', async () => {
    world = await manyGroups(0);
    const document = (await world.request('GET', '/v2/openapi.json')).json as {
      paths: Record<string, { get?: { operationId?: string; responses: Record<string, { content?: object }> } }>;
    };
    const operation = document.paths['/metrics']?.get;
    expect(operation?.operationId).toBe('getMetrics');
    expect(Object.keys(operation?.responses['200']?.content ?? {})).toEqual(['text/plain']);
  });
});

describe('/metrics with authentication on', () => {
  test('needs a global read grant: its labels name every project’s groups and every cluster', async () => {
    const services = await buildServices(
      await openSqliteDatabase(':memory:'),
      false,
      { reconcileSeconds: 0 },
      {
        adminToken: 'admin-secret',
      },
    );
    try {
      const get = (token?: string) =>
        injectRequest(services.app, 'GET', '/metrics', undefined, token ? { authorization: `Bearer ${token}` } : {});
      const tokenFor = async (grants: string[]) => {
        const created = await injectRequest(
          services.app,
          'POST',
          '/v2/tokens',
          { name: grants.join(' '), grants },
          { authorization: 'Bearer admin-secret' },
        );
        expect(created.status).toBe(201);
        return (created.json as { token: string }).token;
      };
      expect((await get()).status).toBe(401);
      expect((await get(await tokenFor(['viewer:p1']))).status).toBe(403);
      expect((await get(await tokenFor(['admin:p1']))).status).toBe(403);
      const viewer = await get(await tokenFor(['viewer']));
      expect(viewer.status).toBe(200);
      expect(() => parsePrometheusText(String(viewer.body))).not.toThrow();
      expect((await get('admin-secret')).status).toBe(200);
    } finally {
      await services.app.close();
    }
  });
});
