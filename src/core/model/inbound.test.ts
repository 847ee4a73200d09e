import { describe, expect, test } from 'vitest';
import { prepareIssues } from '../../test-support/prepare-issues.js';
import { inboundIntentKind } from './inbound.js';
import { prepareBody } from './prepare.js';
import { PEM_CERT, PEM_KEY, seedInbound } from '../../test-support/scenarios.js';

const context = { parentKey: null, params: { project: 'demo', compositeApp: 'blue-app', compositeAppVersion: 'v1' } };

const issuesOf = (raw: unknown) => prepareIssues(inboundIntentKind, raw, context);

const seedSpec = seedInbound().spec;

describe('inbound intent', () => {
  test('seed 000 body becomes the canonical form', () => {
    const body = prepareBody(
      inboundIntentKind,
      { metadata: { name: 'httpbin-inbound', userdata1: '' }, spec: seedSpec },
      context,
    );
    expect(body).toEqual({
      metadata: { name: 'httpbin-inbound' },
      spec: {
        app: 'httpbin',
        appLabel: 'app=httpbin',
        serviceName: 'httpbin',
        port: 80,
        protocol: 'HTTP',
        headless: false,
        serviceMesh: 'istio',
        management: { sidecarProxy: true, tlsType: 'MUTUAL' },
        trafficManagement: {
          loadBalancingType: 'consistentHash',
          loadBalancerMode: 'httpCookie',
          httpCookie: 'user1',
          maxConnections: 10,
          concurrentHttp2Requests: 1000,
          httpRequestPerConnection: 100,
          consecutiveErrors: 8,
          baseEjectionTime: '15m',
          intervalSweep: '5m',
        },
        namespaces: [],
        serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: ['/status*'] } },
      },
    });
  });

  test('EMCO body with management.tlsType NONE means DISABLE', () => {
    const body = prepareBody(
      inboundIntentKind,
      {
        metadata: { name: 'a' },
        spec: {
          app: 'a',
          appLabel: 'app=a',
          serviceName: 'a',
          port: 8000,
          protocol: 'tcp',
          management: { sidecarProxy: 'yes', tlsType: 'NONE' },
        },
      },
      context,
    );
    expect(body.spec).toMatchObject({ protocol: 'TCP', management: { sidecarProxy: true, tlsType: 'DISABLE' } });
  });

  test('defaults: MUTUAL with the sidecar, service named after the app', () => {
    const body = prepareBody(
      inboundIntentKind,
      { metadata: { name: 'a' }, spec: { app: 'web', port: 80, protocol: 'HTTP' } },
      context,
    );
    expect(body.spec).toMatchObject({
      serviceName: 'web',
      appLabel: 'app=web',
      management: { sidecarProxy: true, tlsType: 'MUTUAL' },
    });
  });

  test('certificates move under spec.certificates and must be PEM', () => {
    const ok = prepareBody(
      inboundIntentKind,
      {
        metadata: { name: 'a' },
        spec: {
          app: 'a',
          port: 80,
          protocol: 'HTTP',
          Servicecertificate: PEM_CERT,
          ServicePrivateKey: Buffer.from(PEM_KEY).toString('base64'),
        },
      },
      context,
    );
    expect(ok.spec).toMatchObject({ certificates: { serviceCertificate: PEM_CERT } });
    expect(
      issuesOf({
        metadata: { name: 'a' },
        spec: { app: 'a', port: 80, protocol: 'HTTP', Servicecertificate: 'nope', ServicePrivateKey: PEM_KEY },
      }),
    ).toEqual([{ path: 'spec.certificates.serviceCertificate', message: 'must be a PEM certificate (or its base64)' }]);
    expect(
      issuesOf({
        metadata: { name: 'a' },
        spec: { app: 'a', port: 80, protocol: 'HTTP', Servicecertificate: PEM_CERT },
      }),
    ).toEqual([
      {
        path: 'spec.certificates.servicePrivateKey',
        message: 'is required: a certificate and its private key go together',
      },
    ]);
  });

  test.each([
    [{ loadBalancingType: 'consistentHash' }, 'spec.trafficManagement.loadBalancerMode'],
    [{ loadBalancerMode: 'httpCookie' }, 'spec.trafficManagement.httpCookie'],
    [
      { loadBalancingType: 'simple', loadBalancerMode: 'httpHeaderName', httpHeaderName: 'x' },
      'spec.trafficManagement.loadBalancerMode',
    ],
    [{ loadBalancerMode: 'ROUND_ROBIN', httpCookie: 'c' }, 'spec.trafficManagement.httpCookie'],
    [{ loadBalancerMode: 'RANDOM', httpCookieTtl: '10s' }, 'spec.trafficManagement.httpCookieTtl'],
    [{ intervalSweep: '0s' }, 'spec.trafficManagement.intervalSweep'],
    [{ loadBalancerMode: 'minimumRingSize', minimumRingSize: 1024 }, 'spec.trafficManagement.loadBalancerMode'],
    [{ loadBalancerMode: 'RANDOM', minimumRingSize: 1024 }, 'spec.trafficManagement.minimumRingSize'],
    [{ baseEjectionTime: '1.5ns' }, 'spec.trafficManagement.baseEjectionTime'],
  ])('traffic management %j is refused at %s', (trafficManagement, path) => {
    const issues = issuesOf({
      metadata: { name: 'a' },
      spec: { app: 'a', port: 80, protocol: 'HTTP', trafficManagement },
    });
    expect(issues.map((issue) => issue.path)).toContain(path);
  });

  test('a hash ring size goes beside a hashing mode', () => {
    const body = prepareBody(
      inboundIntentKind,
      {
        metadata: { name: 'a' },
        spec: {
          app: 'a',
          port: 80,
          protocol: 'HTTP',
          trafficManagement: { loadBalancerMode: 'useSourceIP', minimumRingSize: 1024 },
        },
      },
      context,
    );
    expect(body.spec).toMatchObject({
      trafficManagement: {
        loadBalancingType: 'consistentHash',
        loadBalancerMode: 'useSourceIp',
        minimumRingSize: 1024,
      },
    });
  });

  test('headless services are refused: Istio has no working cross-cluster routing for them', () => {
    expect(
      issuesOf({ metadata: { name: 'a' }, spec: { app: 'a', port: 80, protocol: 'HTTP', headless: 'true' } }),
    ).toEqual([{ path: 'spec.headless', message: expect.stringContaining('not supported') }]);
  });

  test('the load-balancing type follows from the mode', () => {
    const body = prepareBody(
      inboundIntentKind,
      {
        metadata: { name: 'a' },
        spec: { app: 'a', port: 80, protocol: 'HTTP', trafficManagement: { loadBalancerMode: 'LEAST_CONN' } },
      },
      context,
    );
    expect(body.spec).toMatchObject({
      trafficManagement: { loadBalancingType: 'simple', loadBalancerMode: 'LEAST_CONN' },
    });
  });

  test('HTTP settings and HTTP access rules on a TCP service are refused', () => {
    const issues = issuesOf({
      metadata: { name: 'a' },
      spec: {
        app: 'a',
        port: 5432,
        protocol: 'TCP',
        trafficManagement: { httpRequestPerConnection: 1, loadBalancerMode: 'httpHeaderName', httpHeaderName: 'x' },
        serviceAccountAccess: { 'cluster.local/ns/a/sa/b': { GET: '/' } },
      },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'spec.serviceAccountAccess',
      'spec.trafficManagement.httpRequestPerConnection',
      'spec.trafficManagement.loadBalancerMode',
    ]);
  });

  test('without a sidecar there is no traffic management and no mesh mTLS', () => {
    const issues = issuesOf({
      metadata: { name: 'a' },
      spec: {
        app: 'a',
        port: 80,
        protocol: 'HTTP',
        'sidecar-proxy': 'no',
        mutualTLS: 'MUTUAL',
        'traffic-management-info': { maxConnections: 1 },
      },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['spec.management.tlsType', 'spec.trafficManagement']);
  });

  test('access rules: principal form, methods and Istio path matching', () => {
    const issues = issuesOf({
      metadata: { name: 'a' },
      spec: {
        app: 'a',
        port: 80,
        protocol: 'HTTP',
        serviceAccountAccess: {
          sleep: { GET: '/x' },
          'cluster.local/ns/n/sa/s': { FETCH: '/x', GET: ['/a*b', 'nope', '/ok*', '*', '*.json'] },
        },
      },
    });
    expect(issues).toEqual([
      { path: 'spec.serviceAccountAccess.sleep', message: expect.stringContaining('must be a principal') },
      {
        path: 'spec.serviceAccountAccess["cluster.local/ns/n/sa/s"].FETCH',
        message: expect.stringContaining('must be an HTTP method'),
      },
      {
        path: 'spec.serviceAccountAccess["cluster.local/ns/n/sa/s"].GET[0]',
        message: expect.stringContaining('matches literally'),
      },
      {
        path: 'spec.serviceAccountAccess["cluster.local/ns/n/sa/s"].GET[1]',
        message: 'must start with "/" (or be "*")',
      },
    ]);
  });

  test('collects schema problems from every level at once', () => {
    const issues = issuesOf({
      metadata: { name: 'bad name!' },
      spec: { port: 0, protocol: 'SMTP', management: { tlsType: 'MAYBE' }, colour: 'red' },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'metadata.name',
      'spec.app',
      'spec.colour',
      'spec.management.tlsType',
      'spec.port',
      'spec.protocol',
    ]);
  });
});
