/**
 * Seed 000's traffic paths name no deployment intent group: an inbound intent lands
 * in the group that places its app, under traffic group `default`; a client lands
 * under the inbound intent it calls. Both stay visible at their EMCO paths.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { detailPaths, snapshot } from '../../test-support/fixtures.js';
import {
  GROUPS,
  SEED_INBOUND,
  SEED_OUTBOUND,
  VERSION_PATH,
  defaultTrafficGroup,
  seedInbound,
  seedWorld,
} from '../../test-support/scenarios.js';

const LC02_INBOUND = `${defaultTrafficGroup('lc02-group')}/inbound-intents`;
const HTTPBIN = `${LC02_INBOUND}/httpbin-inbound`;

const client = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name, description: 'a client' },
  spec: { clientServiceName: 'sleep', type: 'istio', ...spec },
});

async function place(api: ApiHarness, group: string, app: string, cluster = 'cluster02'): Promise<void> {
  const url = `${GROUPS}/${group}/generic-placement-intents/placement/app-intents`;
  const body = {
    metadata: { name: `${app}-also` },
    spec: { app, intent: { allOf: [{ clusterProvider: 'edge', cluster }] } },
  };
  const response = await api.request('POST', url, body);
  expect(response.status, String(response.body)).toBe(201);
}

describeOnBothDatabases('seed 000 paths', (open) => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await open();
    await seedWorld(api);
  });
  afterEach(async () => api?.close());

  test('an inbound intent lands in the group that places its app, under an auto-created traffic group "default"', async () => {
    expect((await api.request('GET', defaultTrafficGroup('lc02-group'))).status).toBe(404);
    expect((await api.request('GET', SEED_INBOUND)).json).toEqual([]);
    const created = await api.request('POST', SEED_INBOUND, seedInbound());
    expect(created.status, String(created.body)).toBe(201);
    expect(created.headers.location).toBe(HTTPBIN);
    expect(created.headers['meshbridge-outcome']).toBe('created');

    const group = await api.request('GET', defaultTrafficGroup('lc02-group'));
    expect(group.status).toBe(200);
    expect(group.json.metadata.name).toBe('default');
    const emco = await api.request('GET', HTTPBIN);
    expect(emco.status).toBe(200);
    expect(emco.json).toEqual(created.json);
    expect((await api.request('GET', LC02_INBOUND)).json).toEqual([created.json]);
    expect((await api.request('GET', `${defaultTrafficGroup('lc01-group')}`)).status).toBe(404);

    const seed = await api.request('GET', `${SEED_INBOUND}/httpbin-inbound`);
    expect(seed.status).toBe(200);
    expect(seed.json).toEqual(created.json);
    expect(seed.headers.etag).toBe(created.headers.etag);
    expect((await api.request('GET', SEED_INBOUND)).json).toEqual([created.json]);

    // A second intent reuses the traffic group.
    const second = await api.request('POST', SEED_INBOUND, seedInbound('httpbin-2'));
    expect(second.status, String(second.body)).toBe(201);
    expect(second.headers.location).toBe(`${LC02_INBOUND}/httpbin-2`);
    const sleep = await api.request(
      'POST',
      SEED_INBOUND,
      seedInbound('sleep-inbound', { application: 'sleep', servicename: 'sleep' }),
    );
    expect(sleep.status, String(sleep.body)).toBe(201);
    expect(sleep.headers.location).toBe(`${defaultTrafficGroup('lc01-group')}/inbound-intents/sleep-inbound`);
    expect((await api.request('GET', SEED_INBOUND)).json).toHaveLength(3);
  });

  test('GET, PUT and DELETE on the seed item path, with If-Match', async () => {
    const created = await api.request('POST', SEED_INBOUND, seedInbound());
    const item = `${SEED_INBOUND}/httpbin-inbound`;
    const same = await api.request('PUT', item, seedInbound());
    expect(same.status).toBe(200);
    expect(same.headers['meshbridge-outcome']).toBe('unchanged');

    const changed = seedInbound('httpbin-inbound', { port: 8080 });
    expect((await api.request('PUT', item, changed, { 'if-match': '"999"' })).status).toBe(412);
    const updated = await api.request('PUT', item, changed, { 'if-match': created.headers.etag as string });
    expect(updated.status, String(updated.body)).toBe(200);
    expect(updated.headers['meshbridge-outcome']).toBe('updated');
    expect(updated.json.spec.port).toBe(8080);
    expect((await api.request('GET', HTTPBIN)).json.spec.port).toBe(8080);

    const mismatch = await api.request('PUT', item, seedInbound('other-name'));
    expect(mismatch.status).toBe(400);
    expect(detailPaths(mismatch)).toEqual(['metadata.name']);

    const viaPut = await api.request('PUT', `${SEED_INBOUND}/by-put`, seedInbound('by-put'));
    expect(viaPut.status, String(viaPut.body)).toBe(201);
    expect(viaPut.headers.location).toBe(`${LC02_INBOUND}/by-put`);

    expect((await api.request('DELETE', item, undefined, { 'if-match': created.headers.etag as string })).status).toBe(
      412,
    );
    expect((await api.request('DELETE', item)).status).toBe(204);
    expect((await api.request('GET', item)).status).toBe(404);
    expect((await api.request('GET', HTTPBIN)).status).toBe(404);
    expect((await api.request('DELETE', item)).status).toBe(404);
  });

  test('a duplicate name on the seed path is 409 with the Location of the existing intent', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    const before = await snapshot(api);
    const again = await api.request('POST', SEED_INBOUND, seedInbound());
    expect(again.status).toBe(409);
    expect(again.headers.location).toBe(HTTPBIN);
    expect(await snapshot(api)).toEqual(before);
  });

  test('an app placed by two groups is a 400 that names both and points to the EMCO path', async () => {
    await place(api, 'lc01-group', 'httpbin');
    const before = await snapshot(api);
    for (const [method, url] of [
      ['POST', SEED_INBOUND],
      ['PUT', `${SEED_INBOUND}/httpbin-inbound`],
    ] as const) {
      const response = await api.request(method, url, seedInbound());
      expect(response.status).toBe(400);
      expect(detailPaths(response)).toEqual(['spec.app']);
      const text = `${response.json.message} ${response.json.details[0].message}`;
      expect(text).toContain('lc01-group');
      expect(text).toContain('lc02-group');
      expect(response.json.details[0].message).toContain(
        `${GROUPS}/{group}/traffic-group-intents/{trafficGroup}/inbound-intents`,
      );
    }
    expect(await snapshot(api)).toEqual(before);
  });

  test('a PUT that gives the intent an app placed by another group never leaves it in a group that does not place it', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    const moved = seedInbound('httpbin-inbound', { application: 'sleep', servicename: 'sleep' });
    const response = await api.request('PUT', `${SEED_INBOUND}/httpbin-inbound`, moved);
    if (response.status === 400) {
      expect(detailPaths(response)).toEqual(['spec.app']);
      expect((await api.request('GET', HTTPBIN)).json.spec.app).toBe('httpbin');
    } else {
      expect(response.status, String(response.body)).toBeLessThan(300);
      const found = await api.request('GET', `${SEED_INBOUND}/httpbin-inbound`);
      expect(found.headers['content-location']).toBe(
        `${defaultTrafficGroup('lc01-group')}/inbound-intents/httpbin-inbound`,
      );
      expect((await api.request('GET', HTTPBIN)).status).toBe(404);
    }
  });

  test('a name taken by an intent at an EMCO path of another group is a 409 on the seed path', async () => {
    await api.request('POST', `${GROUPS}/lc01-group/traffic-group-intents`, { metadata: { name: 'custom' } });
    const emco = `${GROUPS}/lc01-group/traffic-group-intents/custom/inbound-intents`;
    const sleep = { metadata: { name: 'taken' }, spec: { app: 'sleep', port: 80, protocol: 'HTTP' } };
    expect((await api.request('POST', emco, sleep)).status).toBe(201);
    const before = await snapshot(api);
    const response = await api.request('POST', SEED_INBOUND, seedInbound('taken'));
    expect(response.status).toBe(409);
    expect(response.headers.location).toBe(`${emco}/taken`);
    expect(await snapshot(api)).toEqual(before);
    const found = await api.request('GET', `${SEED_INBOUND}/taken`);
    expect(found.status).toBe(200);
    expect(found.headers['content-location']).toBe(`${emco}/taken`);
  });

  test('two placements of the app in the same group are still one group', async () => {
    await api.request('POST', `${GROUPS}/lc02-group/generic-placement-intents`, { metadata: { name: 'second' } });
    const url = `${GROUPS}/lc02-group/generic-placement-intents/second/app-intents`;
    const body = {
      metadata: { name: 'again' },
      spec: { app: 'httpbin', intent: { allOf: [{ clusterProvider: 'edge', cluster: 'cluster01' }] } },
    };
    expect((await api.request('POST', url, body)).status).toBe(201);
    const created = await api.request('POST', SEED_INBOUND, seedInbound());
    expect(created.status, String(created.body)).toBe(201);
    expect(created.headers.location).toBe(HTTPBIN);
  });

  test('the group is found whatever it is named, even "generic-placement-intents"', async () => {
    const group = 'generic-placement-intents';
    await api.request(
      'DELETE',
      `${GROUPS}/lc02-group/generic-placement-intents/placement/app-intents/httpbin-placement`,
    );
    expect(
      (await api.request('POST', GROUPS, { metadata: { name: group }, spec: { logicalCloud: 'logicalcloud02' } }))
        .status,
    ).toBe(201);
    await api.request('POST', `${GROUPS}/${group}/generic-placement-intents`, { metadata: { name: 'p' } });
    const placement = {
      metadata: { name: 'hp' },
      spec: { app: 'httpbin', intent: { allOf: [{ clusterProvider: 'edge', cluster: 'cluster02' }] } },
    };
    expect(
      (await api.request('POST', `${GROUPS}/${group}/generic-placement-intents/p/app-intents`, placement)).status,
    ).toBe(201);
    const created = await api.request('POST', SEED_INBOUND, seedInbound());
    expect(created.status, String(created.body)).toBe(201);
    expect(created.headers.location).toBe(
      `${GROUPS}/${group}/traffic-group-intents/default/inbound-intents/httpbin-inbound`,
    );
  });

  test('an app that no group places is a 400 on spec.app; nothing is created', async () => {
    await api.request('POST', `${VERSION_PATH}/apps`, { metadata: { name: 'lonely' } });
    const before = await snapshot(api);
    const response = await api.request(
      'POST',
      SEED_INBOUND,
      seedInbound('lonely', { application: 'lonely', servicename: 'lonely' }),
    );
    expect(response.status).toBe(400);
    expect(detailPaths(response)).toEqual(['spec.app']);
    expect(response.json.details[0].message).toMatch(/not placed/);
    expect(await snapshot(api)).toEqual(before);
  });

  test('clients: by inboundServiceName in the body and by service in the path, stored under the inbound intent', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    expect((await api.request('GET', SEED_OUTBOUND)).json).toEqual([]);
    expect((await api.request('GET', `${SEED_OUTBOUND}/httpbin`)).json).toEqual([]);

    const byBody = await api.request('POST', SEED_OUTBOUND, client('by-body', { inboundServiceName: 'httpbin' }));
    expect(byBody.status, String(byBody.body)).toBe(201);
    expect(byBody.headers.location).toBe(`${HTTPBIN}/clients/by-body`);
    expect(byBody.json.spec).not.toHaveProperty('inboundServiceName');

    const byPath = await api.request(
      'POST',
      `${SEED_OUTBOUND}/httpbin`,
      client('by-path', { clientServiceName: 'bookinfo-user' }),
    );
    expect(byPath.status, String(byPath.body)).toBe(201);
    expect(byPath.headers.location).toBe(`${HTTPBIN}/clients/by-path`);
    // The inbound intent's own name also finds it.
    const byName = await api.request('POST', `${SEED_OUTBOUND}/httpbin-inbound`, client('by-name'));
    expect(byName.status, String(byName.body)).toBe(201);
    expect(byName.headers.location).toBe(`${HTTPBIN}/clients/by-name`);

    const duplicate = await api.request(
      'POST',
      `${SEED_OUTBOUND}/httpbin`,
      client('by-path', { clientServiceName: 'bookinfo-user' }),
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.location).toBe(`${HTTPBIN}/clients/by-path`);

    const emcoList = await api.request('GET', `${HTTPBIN}/clients`);
    expect(emcoList.json.map((found: { metadata: { name: string } }) => found.metadata.name)).toEqual([
      'by-body',
      'by-name',
      'by-path',
    ]);
    expect((await api.request('GET', `${SEED_OUTBOUND}/httpbin`)).json).toEqual(emcoList.json);
    expect((await api.request('GET', SEED_OUTBOUND)).json).toEqual(emcoList.json);
    expect((await api.request('GET', `${SEED_OUTBOUND}/httpbin/by-path`)).json).toEqual(byPath.json);
  });

  test('a client app may live in another group, logical cloud or composite app of the project', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    // sleep is placed by lc01-group (logicalcloud01), httpbin by lc02-group (logicalcloud02).
    const crossCloud = await api.request(
      'POST',
      `${SEED_OUTBOUND}/httpbin`,
      client('sleep-to-httpbin', { inboundServiceName: 'httpbin' }),
    );
    expect(crossCloud.status, String(crossCloud.body)).toBe(201);
    expect(crossCloud.json.spec.app).toBe('sleep');

    await api.request('POST', '/v2/projects/demo/composite-apps', {
      metadata: { name: 'green-app' },
      spec: { compositeAppVersion: 'v2' },
    });
    await api.request('POST', '/v2/projects/demo/composite-apps/green-app/v2/apps', { metadata: { name: 'remote' } });
    const crossApp = await api.request(
      'POST',
      `${SEED_OUTBOUND}/httpbin`,
      client('remote-to-httpbin', { clientServiceName: 'remote' }),
    );
    expect(crossApp.status, String(crossApp.body)).toBe(201);

    const before = await snapshot(api);
    const nowhere = await api.request(
      'POST',
      `${SEED_OUTBOUND}/httpbin`,
      client('ghost-to-httpbin', { clientServiceName: 'ghost' }),
    );
    expect(nowhere.status).toBe(400);
    expect(detailPaths(nowhere)).toEqual(['spec.app']);
    expect(await snapshot(api)).toEqual(before);
  });

  test('GET, PUT and DELETE on the seed client path', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    const created = await api.request('POST', `${SEED_OUTBOUND}/httpbin`, client('sleep-to-httpbin'));
    const item = `${SEED_OUTBOUND}/httpbin/sleep-to-httpbin`;
    expect((await api.request('GET', item)).json).toEqual(created.json);
    expect((await api.request('GET', item)).headers.etag).toBe(created.headers.etag);

    const unchanged = await api.request('PUT', item, client('sleep-to-httpbin', { inboundServiceName: 'httpbin' }));
    expect(unchanged.status, String(unchanged.body)).toBe(200);
    expect(unchanged.headers['meshbridge-outcome']).toBe('unchanged');
    const changed = client('sleep-to-httpbin', {
      serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: '/ip' } },
    });
    expect((await api.request('PUT', item, changed, { 'if-match': '"999"' })).status).toBe(412);
    const updated = await api.request('PUT', item, changed, { 'if-match': created.headers.etag as string });
    expect(updated.status, String(updated.body)).toBe(200);
    expect(updated.headers['meshbridge-outcome']).toBe('updated');
    expect((await api.request('GET', `${HTTPBIN}/clients/sleep-to-httpbin`)).json).toEqual(updated.json);

    const mismatch = await api.request('PUT', item, client('other'));
    expect(mismatch.status).toBe(400);
    expect(detailPaths(mismatch)).toEqual(['metadata.name']);
    const wrongService = await api.request(
      'PUT',
      item,
      client('sleep-to-httpbin', { inboundServiceName: 'productpage' }),
    );
    expect(wrongService.status).toBe(400);
    expect(detailPaths(wrongService)).toEqual(['spec.inboundServiceName']);

    const viaPut = await api.request('PUT', `${SEED_OUTBOUND}/httpbin/new-client`, client('new-client'));
    expect(viaPut.status, String(viaPut.body)).toBe(201);
    expect(viaPut.headers.location).toBe(`${HTTPBIN}/clients/new-client`);

    expect((await api.request('DELETE', item)).status).toBe(204);
    expect((await api.request('GET', item)).status).toBe(404);
    expect((await api.request('DELETE', item)).status).toBe(404);
    // The inbound intent still has a client: it cannot go yet.
    expect((await api.request('DELETE', `${SEED_INBOUND}/httpbin-inbound`)).status).toBe(409);
  });

  test('clients that name no inbound service, or one that does not exist, are refused', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    const before = await snapshot(api);
    const unnamed = await api.request('POST', SEED_OUTBOUND, client('unnamed'));
    expect(unnamed.status).toBe(400);
    expect(detailPaths(unnamed)).toEqual(['spec.inboundServiceName']);
    const unknown = await api.request('POST', SEED_OUTBOUND, client('unknown', { inboundServiceName: 'nosuch' }));
    expect(unknown.status).toBe(400);
    expect(detailPaths(unknown)).toEqual(['spec.inboundServiceName']);
    const disagree = await api.request(
      'POST',
      `${SEED_OUTBOUND}/httpbin`,
      client('disagree', { inboundServiceName: 'productpage' }),
    );
    expect(disagree.status).toBe(400);
    expect(detailPaths(disagree)).toEqual(['spec.inboundServiceName']);
    for (const response of [
      await api.request('POST', `${SEED_OUTBOUND}/nosuch`, client('x')),
      await api.request('GET', `${SEED_OUTBOUND}/nosuch`),
      await api.request('GET', `${SEED_OUTBOUND}/nosuch/x`),
      await api.request('GET', `${SEED_OUTBOUND}/httpbin/x`),
      await api.request('DELETE', `${SEED_OUTBOUND}/httpbin/x`),
    ]) {
      expect(response.status, String(response.body)).toBe(404);
    }
    expect(await snapshot(api)).toEqual(before);
  });

  test('a missing project or composite app version is 404 naming it, on every seed path', async () => {
    await api.request('POST', SEED_INBOUND, seedInbound());
    const before = await snapshot(api);
    const cases: [string, string][] = [
      ['/v2/projects/nope/composite-apps/blue-app/v1', 'project "nope"'],
      ['/v2/projects/demo/composite-apps/blue-app/v9', 'composite app "blue-app/v9"'],
      ['/v2/projects/demo/composite-apps/nope/v1', 'composite app "nope/v1"'],
    ];
    for (const [version, named] of cases) {
      const inbound = `${version}/traffic-intent-set/inbound-intents`;
      const outbound = `${version}/traffic-group-intent/outbound-intents`;
      for (const [method, url, body] of [
        ['GET', inbound],
        ['POST', inbound, seedInbound()],
        ['GET', `${inbound}/httpbin-inbound`],
        ['PUT', `${inbound}/httpbin-inbound`, seedInbound()],
        ['DELETE', `${inbound}/httpbin-inbound`],
        ['GET', outbound],
        ['POST', outbound, client('c', { inboundServiceName: 'httpbin' })],
        ['GET', `${outbound}/httpbin`],
        ['POST', `${outbound}/httpbin`, client('c')],
        ['GET', `${outbound}/httpbin/c`],
        ['PUT', `${outbound}/httpbin/c`, client('c')],
        ['DELETE', `${outbound}/httpbin/c`],
      ] as [string, string, unknown?][]) {
        const response = await api.request(method, url, body);
        expect(response.status, `${method} ${url}: ${response.body}`).toBe(404);
        expect(response.json.message).toContain(named);
      }
    }
    expect((await api.request('GET', `${SEED_INBOUND}/nosuch`)).status).toBe(404);
    expect(await snapshot(api)).toEqual(before);
  });
});
