import { describe, expect, it } from 'vitest';
import type { DestinationRule } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { destinationRule } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

const tp = (dr: DestinationRule) => dr.spec.trafficPolicy!;

describe('DestinationRule', () => {
  it('accepts ISTIO_MUTUAL + consistentHash httpCookie + connectionPool + outlierDetection', () => {
    expect(validateObject(destinationRule())).toEqual([]);
  });

  it.each<[string, (dr: DestinationRule) => void]>([
    ['a wildcard host', (dr) => (dr.spec.host = '*.global')],
    [
      'ISTIO_MUTUAL with the SNI and identities of a service behind a gateway',
      (dr) =>
        (tp(dr).tls = {
          mode: 'ISTIO_MUTUAL',
          sni: 'outbound_.8000_._.httpbin.ns2.svc.cluster.local',
          subjectAltNames: ['spiffe://cluster.local/ns/ns2/sa/httpbin'],
        }),
    ],
    ['a short host', (dr) => (dr.spec.host = 'productpage')],
    ['simple LEAST_REQUEST', (dr) => (tp(dr).loadBalancer = { simple: 'LEAST_REQUEST' })],
    [
      'ringHash with a header key',
      (dr) =>
        (tp(dr).loadBalancer = { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 1024 } } }),
    ],
    [
      'maglev with a prime table',
      (dr) => (tp(dr).loadBalancer = { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } }),
    ],
    [
      'MUTUAL with files',
      (dr) =>
        (tp(dr).tls = {
          mode: 'MUTUAL',
          clientCertificate: '/etc/certs/cert-chain.pem',
          privateKey: '/etc/certs/key.pem',
          caCertificates: '/etc/certs/root-cert.pem',
        }),
    ],
    [
      'MUTUAL with credentialName and a workloadSelector',
      (dr) => {
        tp(dr).tls = { mode: 'MUTUAL', credentialName: 'client-credential' };
        dr.spec.workloadSelector = { matchLabels: { app: 'sleep' } };
      },
    ],
    [
      'SIMPLE with sni',
      (dr) => (tp(dr).tls = { mode: 'SIMPLE', sni: 'httpbin.example.com', caCertificates: '/etc/ca.pem' }),
    ],
    [
      'subsets with their own policy',
      (dr) =>
        (dr.spec.subsets = [
          { name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
        ]),
    ],
    [
      'port-level settings',
      (dr) => (tp(dr).portLevelSettings = [{ port: { number: 8000 }, tls: { mode: 'DISABLE' } }]),
    ],
    ['tcp idleTimeout 0s and a cookie ttl 0s', (dr) => (tp(dr).connectionPool = { tcp: { idleTimeout: '0s' } })],
    [
      'locality failover with outlier detection',
      (dr) =>
        (tp(dr).loadBalancer = {
          simple: 'ROUND_ROBIN',
          localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'us-west' }] },
        }),
    ],
    [
      'locality distribute totalling 100',
      (dr) =>
        (tp(dr).loadBalancer = {
          localityLbSetting: { distribute: [{ from: 'us-east/*', to: { 'us-east/*': 80, 'us-west/*': 20 } }] },
        }),
    ],
    [
      'durations 1.5s and 100ms',
      (dr) =>
        (tp(dr).outlierDetection = {
          interval: '1.5s',
          baseEjectionTime: '100ms',
          maxEjectionPercent: 100,
          minHealthPercent: 0,
        }),
    ],
    [
      'consecutiveLocalOriginFailures with the split flag',
      (dr) => (tp(dr).outlierDetection = { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3 }),
    ],
    [
      'workloadSelector exported to its own namespace',
      (dr) => Object.assign(dr.spec, { workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['.'] }),
    ],
  ])('accepts %s', (_name, mutate) => {
    expect(pathsAfter(destinationRule, mutate).issues).toEqual([]);
  });

  const cases: InvalidCase<DestinationRule>[] = [
    { name: 'empty host', mutate: (dr) => (dr.spec.host = ''), paths: ['spec.host'], message: 'empty domain name' },
    { name: 'host with a middle wildcard', mutate: (dr) => (dr.spec.host = 'a.*.com'), paths: ['spec.host'] },
    { name: 'empty trafficPolicy', mutate: (dr) => (dr.spec.trafficPolicy = {}), paths: ['spec.trafficPolicy'] },
    {
      name: 'empty connectionPool',
      mutate: (dr) => (tp(dr).connectionPool = {}),
      paths: ['spec.trafficPolicy.connectionPool'],
    },
    {
      name: 'simple and consistentHash',
      mutate: (dr) => (tp(dr).loadBalancer = { simple: 'RANDOM', consistentHash: { useSourceIp: true } }),
      paths: ['spec.trafficPolicy.loadBalancer'],
      message: 'either simple or consistentHash',
    },
    {
      name: 'two hash keys',
      mutate: (dr) => (tp(dr).loadBalancer = { consistentHash: { httpHeaderName: 'x', useSourceIp: true } }),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash'],
      message: 'exactly one hash key',
    },
    {
      name: 'no hash key',
      mutate: (dr) => (tp(dr).loadBalancer = { consistentHash: { ringHash: { minimumRingSize: 64 } } }),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash'],
    },
    {
      name: 'httpCookie without a name',
      mutate: (dr) => (tp(dr).loadBalancer = { consistentHash: { httpCookie: { name: '' } } }),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name'],
    },
    {
      name: 'httpCookie as a string (seed 000)',
      mutate: (dr) => (tp(dr).loadBalancer = { consistentHash: { httpCookie: 'user1' as never } }),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash.httpCookie'],
    },
    {
      name: 'minimumRingSize with ringHash',
      mutate: (dr) =>
        (tp(dr).loadBalancer = {
          consistentHash: { useSourceIp: true, minimumRingSize: 64, ringHash: { minimumRingSize: 64 } },
        }),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize'],
    },
    {
      name: 'maglev table not prime',
      mutate: (dr) => (tp(dr).loadBalancer = { consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } }),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize'],
    },
    {
      name: 'negative maxConnections',
      mutate: (dr) => (tp(dr).connectionPool = { tcp: { maxConnections: -1 } }),
      paths: ['spec.trafficPolicy.connectionPool.tcp.maxConnections'],
    },
    {
      name: 'negative http2MaxRequests',
      mutate: (dr) => (tp(dr).connectionPool = { http: { http2MaxRequests: -5 } }),
      paths: ['spec.trafficPolicy.connectionPool.http.http2MaxRequests'],
    },
    {
      name: 'connectTimeout below 1ms',
      mutate: (dr) => (tp(dr).connectionPool = { tcp: { connectTimeout: '500us' } }),
      paths: ['spec.trafficPolicy.connectionPool.tcp.connectTimeout'],
      message: 'at least 1ms',
    },
    {
      name: 'interval 0s',
      mutate: (dr) => (tp(dr).outlierDetection!.interval = '0s'),
      paths: ['spec.trafficPolicy.outlierDetection.interval'],
    },
    {
      name: 'interval in days',
      mutate: (dr) => (tp(dr).outlierDetection!.interval = '1d'),
      paths: ['spec.trafficPolicy.outlierDetection.interval'],
      message: 'not a duration',
    },
    {
      name: 'baseEjectionTime finer than 1ms',
      mutate: (dr) => (tp(dr).outlierDetection!.baseEjectionTime = '1.0005s'),
      paths: ['spec.trafficPolicy.outlierDetection.baseEjectionTime'],
      message: 'milliseconds',
    },
    {
      name: 'httpCookie ttl invalid',
      mutate: (dr) => (tp(dr).loadBalancer!.consistentHash!.httpCookie!.ttl = '10'),
      paths: ['spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl'],
    },
    {
      name: 'maxEjectionPercent 101',
      mutate: (dr) => (tp(dr).outlierDetection!.maxEjectionPercent = 101),
      paths: ['spec.trafficPolicy.outlierDetection.maxEjectionPercent'],
    },
    {
      name: 'minHealthPercent -1',
      mutate: (dr) => (tp(dr).outlierDetection!.minHealthPercent = -1),
      paths: ['spec.trafficPolicy.outlierDetection.minHealthPercent'],
    },
    {
      name: 'negative consecutive5xxErrors',
      mutate: (dr) => (tp(dr).outlierDetection!.consecutive5xxErrors = -1),
      paths: ['spec.trafficPolicy.outlierDetection.consecutive5xxErrors'],
    },
    {
      name: 'local-origin failures without the split flag',
      mutate: (dr) => (tp(dr).outlierDetection!.consecutiveLocalOriginFailures = 2),
      paths: ['spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures'],
    },
    {
      name: 'MUTUAL without client certificate and key',
      mutate: (dr) => (tp(dr).tls = { mode: 'MUTUAL', caCertificates: '/etc/ca.pem' }),
      paths: ['spec.trafficPolicy.tls.clientCertificate', 'spec.trafficPolicy.tls.privateKey'],
    },
    {
      name: 'credentialName with file paths',
      mutate: (dr) => {
        tp(dr).tls = { mode: 'MUTUAL', credentialName: 'cred', privateKey: '/etc/key.pem' };
        dr.spec.workloadSelector = { matchLabels: { app: 'sleep' } };
      },
      paths: ['spec.trafficPolicy.tls.privateKey'],
    },
    {
      name: 'credentialName without a workloadSelector',
      mutate: (dr) => (tp(dr).tls = { mode: 'SIMPLE', credentialName: 'cred' }),
      paths: ['spec.trafficPolicy.tls.credentialName'],
      message: 'workloadSelector',
    },
    {
      name: 'ISTIO_MUTUAL with certificates',
      mutate: (dr) => (tp(dr).tls = { mode: 'ISTIO_MUTUAL', clientCertificate: '/a.pem', sni: 'x.example.com' }),
      paths: ['spec.trafficPolicy.tls.clientCertificate'],
    },
    {
      name: 'insecureSkipVerify with a CA',
      mutate: (dr) => (tp(dr).tls = { mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/ca.pem' }),
      paths: ['spec.trafficPolicy.tls.insecureSkipVerify'],
    },
    {
      name: 'bad TLS mode (schema enum)',
      mutate: (dr) => (tp(dr).tls = { mode: 'STRICT' as never }),
      paths: ['spec.trafficPolicy.tls.mode'],
    },
    {
      name: 'tunnel with proxyProtocol',
      mutate: (dr) =>
        Object.assign(tp(dr), { tunnel: { targetHost: 'gw', targetPort: 443 }, proxyProtocol: { version: 'V1' } }),
      paths: ['spec.trafficPolicy.proxyProtocol'],
    },
    {
      name: 'duplicate subset names',
      mutate: (dr) => (dr.spec.subsets = [{ name: 'v1' }, { name: 'v1' }]),
      paths: ['spec.subsets[1].name'],
    },
    {
      name: 'subset name not a label',
      mutate: (dr) => (dr.spec.subsets = [{ name: 'v1.0' }]),
      paths: ['spec.subsets[0].name'],
    },
    {
      name: 'subset with an empty trafficPolicy',
      mutate: (dr) => (dr.spec.subsets = [{ name: 'v1', trafficPolicy: {} }]),
      paths: ['spec.subsets[0].trafficPolicy'],
    },
    {
      name: 'subset label key invalid',
      mutate: (dr) => (dr.spec.subsets = [{ name: 'v1', labels: { 'bad key': 'x' } }]),
      paths: ['spec.subsets[0].labels["bad key"]'],
    },
    {
      name: 'port-level setting without fields',
      mutate: (dr) => (tp(dr).portLevelSettings = [{ port: { number: 80 } }]),
      paths: ['spec.trafficPolicy.portLevelSettings[0]'],
    },
    {
      name: 'port-level setting on port 0',
      mutate: (dr) => (tp(dr).portLevelSettings = [{ port: { number: 0 }, tls: { mode: 'DISABLE' } }]),
      paths: ['spec.trafficPolicy.portLevelSettings[0].port.number'],
    },
    {
      name: 'locality distribute and failover',
      mutate: (dr) =>
        (tp(dr).loadBalancer = {
          localityLbSetting: {
            distribute: [{ from: 'a/*', to: { 'a/*': 100 } }],
            failover: [{ from: 'a', to: 'b' }],
          },
        }),
      paths: ['spec.trafficPolicy.loadBalancer.localityLbSetting'],
    },
    {
      name: 'locality weights not totalling 100',
      mutate: (dr) =>
        (tp(dr).loadBalancer = { localityLbSetting: { distribute: [{ from: 'a/*', to: { 'a/*': 60, 'b/*': 30 } }] } }),
      paths: ['spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to'],
    },
    {
      name: 'failover to a zone',
      mutate: (dr) =>
        (tp(dr).loadBalancer = { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west/zone1' }] } }),
      paths: ['spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].to'],
    },
    {
      name: 'workloadSelector exported elsewhere',
      mutate: (dr) => Object.assign(dr.spec, { workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['*'] }),
      paths: ['spec.exportTo'],
    },
    {
      name: 'workloadSelector label with a wildcard',
      mutate: (dr) => (dr.spec.workloadSelector = { matchLabels: { app: '*' } }),
      paths: ['spec.workloadSelector.matchLabels.app'],
    },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths, message, options }) => {
    const result = pathsAfter(destinationRule, mutate, options);
    expect(result.paths).toEqual(paths);
    if (message) expect(result.issues[0]?.message).toContain(message);
  });
});
