import { describe, expect, test } from 'vitest';
import { prepareIssues } from '../../test-support/prepare-issues.js';
import { accessPointKind, inboundClientKind } from './clients.js';
import { prepareBody } from './prepare.js';
import { routingIntentKind } from './routing.js';
import { appIntentKind } from './apps.js';
import type { ResourceKind } from './kind.js';

const context = { parentKey: null, params: { project: 'demo', compositeApp: 'blue-app', compositeAppVersion: 'v1' } };

const issuesOf = (kind: ResourceKind, raw: unknown) => prepareIssues(kind, raw, context);

describe('client', () => {
  test('named by clientServiceName only, by app only, or both', () => {
    const byService = prepareBody(
      inboundClientKind,
      {
        metadata: { name: 'c', application: 'sleep' },
        spec: { clientServiceName: 'sleep', type: 'istio', headless: 'false' },
      },
      context,
    );
    expect(byService.spec).toEqual({
      app: 'sleep',
      appLabel: 'app=sleep',
      serviceName: 'sleep',
      type: 'istio',
      headless: false,
      namespaces: [],
      cidrs: [],
      serviceAccountAccess: {},
    });
    expect(
      prepareBody(inboundClientKind, { metadata: { name: 'c' }, spec: { app: 'sleep' } }, context).spec,
    ).toMatchObject({ serviceName: 'sleep' });
    expect(
      prepareBody(
        inboundClientKind,
        { metadata: { name: 'c' }, spec: { app: 'sleep', serviceName: 'sleep-svc' } },
        context,
      ).spec,
    ).toMatchObject({ app: 'sleep', serviceName: 'sleep-svc' });
  });

  test('a client must be named, and external clients need addresses', () => {
    expect(issuesOf(inboundClientKind, { metadata: { name: 'c' }, spec: { type: 'external' } })).toEqual([
      { path: 'spec.app', message: 'is required: name the client by app, clientServiceName, or both' },
      { path: 'spec.cidrs', message: expect.stringContaining('a client of type external') },
    ]);
    expect(
      issuesOf(inboundClientKind, {
        metadata: { name: 'c' },
        spec: { app: 'x', cidrs: ['10.0.0.0/33', '192.168.1.0/24'] },
      }),
    ).toEqual([{ path: 'spec.cidrs[0]', message: 'must be an IP address or CIDR block' }]);
  });

  test('a client without a sidecar (k8s) is recognised by its addresses, so it needs them', () => {
    expect(issuesOf(inboundClientKind, { metadata: { name: 'c' }, spec: { app: 'x', type: 'k8s' } })).toEqual([
      { path: 'spec.cidrs', message: expect.stringContaining('a client of type k8s') },
    ]);
  });

  test('metadata.application and spec.app must agree', () => {
    expect(issuesOf(inboundClientKind, { metadata: { name: 'c', application: 'a' }, spec: { app: 'b' } })).toEqual([
      { path: 'metadata.application', message: 'conflicts with spec.app, which is given with another value' },
    ]);
  });

  test('fitParent drops inboundServiceName and checks it names the parent', () => {
    const body = prepareBody(
      inboundClientKind,
      { metadata: { name: 'c' }, spec: { app: 'sleep', inboundServiceName: 'httpbin' } },
      context,
    );
    const parent = { metadata: { name: 'httpbin-inbound' }, spec: { serviceName: 'httpbin' } };
    expect(inboundClientKind.fitParent?.(body, parent)).toEqual({
      body: { ...body, spec: expect.not.objectContaining({ inboundServiceName: 'httpbin' }) },
      issues: [],
    });
    const other = { metadata: { name: 'web-inbound' }, spec: { serviceName: 'web' } };
    expect(inboundClientKind.fitParent?.(body, other).issues).toEqual([
      { path: 'spec.inboundServiceName', message: expect.stringContaining('inbound service web') },
    ]);
  });
});

test('a client of a TCP service cannot be limited to HTTP operations', () => {
  const body = prepareBody(
    inboundClientKind,
    {
      metadata: { name: 'c' },
      spec: { app: 'sleep', serviceAccountAccess: { 'cluster.local/ns/a/sa/sleep': { GET: '/' } } },
    },
    context,
  );
  const parent = { metadata: { name: 'db' }, spec: { serviceName: 'db', protocol: 'TCP' } };
  expect(inboundClientKind.fitParent?.(body, parent).issues).toEqual([
    { path: 'spec.serviceAccountAccess', message: expect.stringContaining('TCP service') },
  ]);
});

describe('access point', () => {
  test('defaults to ALLOW and upper-cases methods', () => {
    expect(
      prepareBody(
        accessPointKind,
        { metadata: { name: 'a' }, spec: { url: '/status*', access: ['get', 'POST'] } },
        context,
      ).spec,
    ).toEqual({
      action: 'ALLOW',
      url: ['/status*'],
      access: ['GET', 'POST'],
    });
    expect(
      prepareBody(
        accessPointKind,
        { metadata: { name: 'a' }, spec: { url: ['/status*', '/headers'], access: ['GET'] } },
        context,
      ).spec,
    ).toEqual({ action: 'ALLOW', url: ['/status*', '/headers'], access: ['GET'] });
    expect(
      issuesOf(accessPointKind, { metadata: { name: 'a' }, spec: { action: 'DENY', url: 'status', access: [] } })
        .map((issue) => issue.path)
        .sort(),
    ).toEqual(['spec.access', 'spec.action', 'spec.url[0]']);
  });
});

describe('routing intent', () => {
  test('seed 001 split is accepted, with match as an object', () => {
    const body = prepareBody(
      routingIntentKind,
      {
        metadata: { name: 'split' },
        spec: {
          host: 'service01',
          http: [
            {
              match: { uriPrefix: '/headers' },
              route: [
                { app: 'a', weight: 50 },
                { app: 'b', weight: '25' },
                { app: 'c', weight: 25 },
              ],
            },
          ],
        },
      },
      context,
    );
    expect(body.spec).toEqual({
      host: 'service01',
      http: [
        {
          match: [{ uriPrefix: '/headers' }],
          route: [
            { app: 'a', weight: 50 },
            { app: 'b', weight: 25 },
            { app: 'c', weight: 25 },
          ],
        },
      ],
    });
  });

  test('refuses duplicate destinations, zero totals and two URI matchers', () => {
    const issues = issuesOf(routingIntentKind, {
      metadata: { name: 'split' },
      spec: {
        host: 'h',
        http: [
          {
            match: { uriPrefix: '/a', uriExact: '/a' },
            route: [
              { app: 'a', weight: 0 },
              { app: 'a', weight: 0 },
            ],
          },
        ],
      },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      'spec.http[0].match[0]',
      'spec.http[0].route[1].app',
      'spec.http[0].route',
    ]);
  });

  test('names every app it routes to as a reference', () => {
    const body = prepareBody(
      routingIntentKind,
      { metadata: { name: 's' }, spec: { host: 'h', http: [{ route: [{ app: 'a', weight: 1 }] }] } },
      context,
    );
    expect(routingIntentKind.references?.(body, context).map((reference) => reference.path)).toEqual([
      'spec.host',
      'spec.http[0].route[0].app',
    ]);
  });
});

describe('app placement intent', () => {
  test('each entry names exactly one of cluster or clusterLabel', () => {
    const issues = issuesOf(appIntentKind, {
      metadata: { name: 'p' },
      spec: {
        app: 'a',
        intent: {
          allOf: [{ clusterProvider: 'p', cluster: 'c', clusterLabel: 'l' }, { cluster: 'c' }],
          anyOf: [{ anyOf: [{ clusterProvider: 'p' }] }],
        },
      },
    });
    expect(issues).toEqual([
      { path: 'spec.intent.allOf[0]', message: 'must name exactly one of cluster or clusterLabel' },
      { path: 'spec.intent.allOf[1].clusterProvider', message: 'is required' },
      { path: 'spec.intent.anyOf[0].anyOf[0]', message: 'must name exactly one of cluster or clusterLabel' },
    ]);
    expect(issuesOf(appIntentKind, { metadata: { name: 'p' }, spec: { app: 'a', intent: {} } })).toEqual([
      { path: 'spec.intent', message: expect.stringContaining('must place the app') },
    ]);
  });
});
