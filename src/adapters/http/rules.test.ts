/**
 * Semantic rules checked when an intent is written: combinations a schema cannot
 * express, and references to resources that must exist. Each refusal is a 400 that
 * names the field, is the same on POST and PUT, and stores nothing.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ResourceKind } from '../../core/model/kind.js';
import { kindOf } from '../../core/model/registry.js';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { BASE, collectionUrl, detailPaths, ensure, itemUrl, snapshot } from '../../test-support/fixtures.js';

type Body = Record<string, unknown>;

const inbound = kindOf('inboundIntent');
const client = kindOf('inboundClient');
const routing = kindOf('routingIntent');
const appIntent = kindOf('appIntent');
const dig = kindOf('deploymentIntentGroup');

const inboundBody = (spec: Body, name = 'bad') => ({
  metadata: { name },
  spec: { app: BASE.app, serviceName: name.toLowerCase(), port: 80, protocol: 'HTTP', ...spec },
});

const PRINCIPAL = 'cluster.local/ns/ns1/sa/a2';
const at = (principal: string) => `spec.serviceAccountAccess[${JSON.stringify(principal)}]`;

describeOnBothDatabases('semantic rules at write time', (open) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await open();
    await ensure(api, 'inboundIntent');
    await ensure(api, 'genericPlacementIntent');
    await ensure(api, 'cluster');
    for (const app of ['a2', 'a3']) await api.request('PUT', itemUrl(kindOf('app'), app), { metadata: { name: app } });
  });
  afterAll(async () => api?.close());

  /** POST and PUT of `body` are both 400 with exactly `paths`, the same details, and nothing stored. */
  async function expectRefused(
    kind: ResourceKind,
    body: Body,
    paths: string[],
  ): Promise<{ path: string; message: string }[]> {
    const before = await snapshot(api);
    const name = (body.metadata as { name: string }).name;
    const posted = await api.request('POST', collectionUrl(kind), body);
    expect(posted.status, String(posted.body)).toBe(400);
    expect(detailPaths(posted).sort()).toEqual([...paths].sort());
    const put = await api.request('PUT', itemUrl(kind, name), body);
    expect(put.status, String(put.body)).toBe(400);
    expect(put.json.details).toEqual(posted.json.details);
    expect(await snapshot(api)).toEqual(before);
    return posted.json.details;
  }

  async function expectAccepted(kind: ResourceKind, body: Body): Promise<Body> {
    const response = await api.request('POST', collectionUrl(kind), body);
    expect(response.status, String(response.body)).toBe(201);
    await api.request('DELETE', itemUrl(kind, (body.metadata as { name: string }).name));
    return response.json;
  }

  test('traffic management: consistentHash needs a mode', async () => {
    await expectRefused(inbound, inboundBody({ trafficManagement: { loadBalancingType: 'consistentHash' } }), [
      'spec.trafficManagement.loadBalancerMode',
    ]);
  });

  test('traffic management: httpCookie mode needs the cookie name', async () => {
    await expectRefused(inbound, inboundBody({ trafficManagement: { loadBalancerMode: 'httpCookie' } }), [
      'spec.trafficManagement.httpCookie',
    ]);
    const details = await expectRefused(
      inbound,
      inboundBody({ trafficManagement: { loadBalancingType: 'consistentHash', loadBalancerMode: 'httpHeaderName' } }),
      ['spec.trafficManagement.httpHeaderName'],
    );
    expect(details[0]?.message).toMatch(/required/);
  });

  test('traffic management: a simple mode or a hash key with consistentHash, or the other way round', async () => {
    await expectRefused(
      inbound,
      inboundBody({ trafficManagement: { loadBalancingType: 'consistentHash', loadBalancerMode: 'ROUND_ROBIN' } }),
      ['spec.trafficManagement.loadBalancerMode'],
    );
    await expectRefused(
      inbound,
      inboundBody({
        trafficManagement: { loadBalancingType: 'simple', loadBalancerMode: 'ROUND_ROBIN', httpCookie: 'user1' },
      }),
      ['spec.trafficManagement.httpCookie'],
    );
    await expectRefused(
      inbound,
      inboundBody({ trafficManagement: { loadBalancingType: 'simple', loadBalancerMode: 'useSourceIp' } }),
      ['spec.trafficManagement.loadBalancerMode'],
    );
    await expectRefused(
      inbound,
      inboundBody({ trafficManagement: { loadBalancerMode: 'LEAST_CONN', httpCookieTtl: '10s' } }),
      ['spec.trafficManagement.httpCookieTtl'],
    );
    const accepted = await expectAccepted(
      inbound,
      inboundBody({ trafficManagement: { loadBalancerMode: 'httpCookie', httpCookie: 'u' } }, 'ok'),
    );
    expect((accepted.spec as Body).trafficManagement).toEqual({
      loadBalancingType: 'consistentHash',
      loadBalancerMode: 'httpCookie',
      httpCookie: 'u',
    });
  });

  test('traffic management: HTTP-only settings on a TCP service', async () => {
    await expectRefused(
      inbound,
      inboundBody({
        protocol: 'TCP',
        trafficManagement: { maxConnections: 10, concurrentHttp2Requests: 100, httpRequestPerConnection: 10 },
      }),
      ['spec.trafficManagement.concurrentHttp2Requests', 'spec.trafficManagement.httpRequestPerConnection'],
    );
    await expectRefused(
      inbound,
      inboundBody({
        protocol: 'TCP',
        trafficManagement: { loadBalancerMode: 'httpHeaderName', httpHeaderName: 'x-user' },
      }),
      ['spec.trafficManagement.loadBalancerMode'],
    );
    await expectAccepted(
      inbound,
      inboundBody(
        { protocol: 'TCP', trafficManagement: { maxConnections: 10, loadBalancerMode: 'useSourceIp' } },
        'tcp-ok',
      ),
    );
  });

  test('traffic management: durations Istio would refuse', async () => {
    await expectRefused(
      inbound,
      inboundBody({ trafficManagement: { baseEjectionTime: '500us', intervalSweep: '1.5ms' } }),
      ['spec.trafficManagement.baseEjectionTime', 'spec.trafficManagement.intervalSweep'],
    );
  });

  test('sidecarProxy false with traffic management (or mesh mutual TLS) is refused', async () => {
    await expectRefused(
      inbound,
      inboundBody({
        management: { sidecarProxy: false, tlsType: 'DISABLE' },
        trafficManagement: { maxConnections: 10 },
      }),
      ['spec.trafficManagement'],
    );
    await expectRefused(inbound, inboundBody({ 'sidecar-proxy': 'no' }), ['spec.management.tlsType']);
    await expectAccepted(
      inbound,
      inboundBody({ management: { sidecarProxy: false, tlsType: 'DISABLE' } }, 'no-sidecar'),
    );
  });

  test('serviceAccountAccess: principal, method and path are checked', async () => {
    await expectRefused(inbound, inboundBody({ serviceAccountAccess: { sleep: { GET: ['/status'] } } }), [
      at('sleep').replace('["sleep"]', '.sleep'),
    ]);
    await expectRefused(
      inbound,
      inboundBody({ serviceAccountAccess: { 'cluster.local/ns/NS1/sa/sleep': { GET: ['/x'] } } }),
      [at('cluster.local/ns/NS1/sa/sleep')],
    );
    await expectRefused(inbound, inboundBody({ serviceAccountAccess: { [PRINCIPAL]: { FETCH: ['/status'] } } }), [
      `${at(PRINCIPAL)}.FETCH`,
    ]);
    await expectRefused(
      inbound,
      inboundBody({ serviceAccountAccess: { [PRINCIPAL]: { GET: ['/status', '/a*b', 'relative'] } } }),
      [`${at(PRINCIPAL)}.GET[1]`, `${at(PRINCIPAL)}.GET[2]`],
    );
    await expectRefused(
      inbound,
      inboundBody({ protocol: 'TCP', serviceAccountAccess: { [PRINCIPAL]: { GET: ['/status'] } } }),
      ['spec.serviceAccountAccess'],
    );
    const accepted = await expectAccepted(
      inbound,
      inboundBody(
        { serviceAccountAccess: { [PRINCIPAL]: { get: '/status*', '*': ['*'], POST: ['*/suffix', '/exact'] } } },
        'access-ok',
      ),
    );
    expect((accepted.spec as Body).serviceAccountAccess).toEqual({
      [PRINCIPAL]: { GET: ['/status*'], '*': ['*'], POST: ['*/suffix', '/exact'] },
    });
  });

  test('client access rules and addresses are checked too', async () => {
    const body = (spec: Body) => ({ metadata: { name: 'bad-client' }, spec: { app: 'a2', ...spec } });
    await expectRefused(client, body({ serviceAccountAccess: { [PRINCIPAL]: { GET: ['/a*b'] } } }), [
      `${at(PRINCIPAL)}.GET[0]`,
    ]);
    await expectRefused(client, body({ cidrs: ['10.0.0.0/8', '10.0.0.0/33', 'not-an-ip'] }), [
      'spec.cidrs[1]',
      'spec.cidrs[2]',
    ]);
    await expectRefused(client, body({ type: 'external' }), ['spec.cidrs']);
  });

  test('routing intent: an app listed twice in one route, and weights that add up to 0', async () => {
    const routingBody = (route: Body[], extra: Body = {}) => ({
      metadata: { name: 'split' },
      spec: { host: 'a1', http: [{ match: [{ uriPrefix: '/headers' }], route, ...extra }] },
    });
    await expectRefused(
      routing,
      routingBody([
        { app: 'a2', weight: 50 },
        { app: 'a2', weight: 50 },
      ]),
      ['spec.http[0].route[1].app'],
    );
    await expectRefused(
      routing,
      routingBody([
        { app: 'a2', weight: 0 },
        { app: 'a3', weight: 0 },
      ]),
      ['spec.http[0].route'],
    );
    await expectRefused(routing, routingBody([{ app: 'nosuch', weight: 100 }]), ['spec.http[0].route[0].app']);
    await expectRefused(
      routing,
      {
        metadata: { name: 'split' },
        spec: {
          host: 'a1',
          http: [{ match: [{ uriPrefix: '/a', uriExact: '/a' }], route: [{ app: 'a2', weight: 100 }] }],
        },
      },
      ['spec.http[0].match[0]'],
    );
    await expectAccepted(
      routing,
      routingBody([
        { app: 'a2', weight: 50 },
        { app: 'a3', weight: 50 },
      ]),
    );
  });

  test('placement entries: both cluster and clusterLabel, neither, or no entry at all', async () => {
    const placement = (intent: Body) => ({ metadata: { name: 'place' }, spec: { app: 'a1', intent } });
    await expectRefused(
      appIntent,
      placement({ allOf: [{ clusterProvider: 'edge', cluster: 'c1', clusterLabel: 'east' }] }),
      ['spec.intent.allOf[0]'],
    );
    await expectRefused(appIntent, placement({ anyOf: [{ clusterProvider: 'edge' }] }), ['spec.intent.anyOf[0]']);
    await expectRefused(appIntent, placement({ allOf: [{ cluster: 'c1' }] }), ['spec.intent.allOf[0].clusterProvider']);
    await expectRefused(appIntent, placement({}), ['spec.intent']);
    await expectAccepted(appIntent, placement({ anyOf: [{ clusterProvider: 'edge', clusterLabel: 'east' }] }));
  });

  test('references: a group naming a missing logical cloud, a placement naming a missing app or cluster', async () => {
    await expectRefused(dig, { metadata: { name: 'dig-bad' }, spec: { logicalCloud: 'nosuch' } }, [
      'spec.logicalCloud',
    ]);
    await expectRefused(
      appIntent,
      {
        metadata: { name: 'place' },
        spec: { app: 'nosuch', intent: { allOf: [{ clusterProvider: 'edge', cluster: 'c1' }] } },
      },
      ['spec.app'],
    );
    const details = await expectRefused(
      appIntent,
      {
        metadata: { name: 'place' },
        spec: {
          app: 'a1',
          intent: {
            allOf: [{ clusterProvider: 'edge', cluster: 'c9' }],
            anyOf: [{ clusterProvider: 'far', clusterLabel: 'x' }],
          },
        },
      },
      ['spec.intent.allOf[0].cluster', 'spec.intent.anyOf[0].clusterProvider'],
    );
    expect(details.map((detail) => detail.message).join(' ')).toContain('/v2/cluster-providers/edge/clusters/c9');
    await expectRefused(
      kindOf('clusterReference'),
      { metadata: { name: 'ref-bad' }, spec: { clusterProvider: 'edge', cluster: 'c9' } },
      ['spec.cluster'],
    );
    await expectRefused(inbound, inboundBody({ app: 'nosuch' }), ['spec.app']);
  });

  test('references: a client naming an app that exists nowhere in the project', async () => {
    await expectRefused(client, { metadata: { name: 'ghost' }, spec: { app: 'nosuch' } }, ['spec.app']);
    await expectRefused(client, { metadata: { name: 'ghost' }, spec: { clientServiceName: 'nosuch-svc' } }, [
      'spec.app',
    ]);
    // An app of that name in another project does not count.
    await api.request('PUT', '/v2/projects/p2', { metadata: { name: 'p2' } });
    await api.request('PUT', '/v2/projects/p2/composite-apps/other/v1', {
      metadata: { name: 'other' },
      spec: { compositeAppVersion: 'v1' },
    });
    await api.request('PUT', '/v2/projects/p2/composite-apps/other/v1/apps/elsewhere', {
      metadata: { name: 'elsewhere' },
    });
    await expectRefused(client, { metadata: { name: 'ghost' }, spec: { app: 'elsewhere' } }, ['spec.app']);
  });

  test('a PUT that breaks a rule or a reference of an existing resource is refused and leaves it as it was', async () => {
    const groupUrl = itemUrl(dig, 'dig-put');
    expect(
      (await api.request('PUT', groupUrl, { metadata: { name: 'dig-put' }, spec: { logicalCloud: BASE.logicalCloud } }))
        .status,
    ).toBe(201);
    const inboundUrl = itemUrl(inbound, 'put-me');
    expect((await api.request('PUT', inboundUrl, inboundBody({}, 'put-me'))).status).toBe(201);
    const before = await snapshot(api);
    const badReference = await api.request('PUT', groupUrl, {
      metadata: { name: 'dig-put' },
      spec: { logicalCloud: 'nosuch' },
    });
    expect(badReference.status).toBe(400);
    expect(detailPaths(badReference)).toEqual(['spec.logicalCloud']);
    const badRule = await api.request(
      'PUT',
      inboundUrl,
      inboundBody({ trafficManagement: { loadBalancingType: 'consistentHash' } }, 'put-me'),
    );
    expect(badRule.status).toBe(400);
    expect(detailPaths(badRule)).toEqual(['spec.trafficManagement.loadBalancerMode']);
    const badApp = await api.request('PUT', inboundUrl, inboundBody({ app: 'nosuch' }, 'put-me'));
    expect(detailPaths(badApp)).toEqual(['spec.app']);
    expect(await snapshot(api)).toEqual(before);
  });

  test('every problem of a body is reported at once, rules and references alike', async () => {
    await expectRefused(inbound, inboundBody({ port: 0, protocol: 'SMTP', colour: 'blue' }), [
      'spec.port',
      'spec.protocol',
      'spec.colour',
    ]);
  });

  test('a kv-pair that carries the EMCO gateway keys is checked', async () => {
    await expectRefused(
      kindOf('clusterKvPair'),
      {
        metadata: { name: 'gw' },
        spec: { kv: [{ istioIngressGatewayAddress: 'not an address' }, { istioIngressGatewayPort: '99999' }] },
      },
      ['spec.kv[0].istioIngressGatewayAddress', 'spec.kv[1].istioIngressGatewayPort'],
    );
  });
});
