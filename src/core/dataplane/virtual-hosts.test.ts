/** The Host headers a sidecar routes to a host, per release, as Istio's own tests list them (httproute_test.go). */
import { expect, test } from 'vitest';
import { profileFor } from '../render/profile.js';
import { hostHeader, hostHeaderMatches, virtualHostDomains } from './virtual-hosts.js';

const HOST = 'http-service.ns1.svc.cluster.local';

test('from 1.13, a caller in the namespace gets <name>, <name>.<ns> and <name>.<ns>.svc, with the port off port 80', () => {
  expect(virtualHostDomains(HOST, 30083, 'ns1', profileFor('1.24'), ['240.0.0.2'])).toEqual([
    `${HOST}:30083`,
    'http-service:30083',
    'http-service.ns1:30083',
    'http-service.ns1.svc:30083',
    '240.0.0.2:30083',
  ]);
});

test('from 1.13, a caller of another namespace gets no bare <name>', () => {
  const domains = virtualHostDomains(HOST, 80, 'ns9', profileFor('1.14'));
  expect(domains).toEqual([
    HOST,
    `${HOST}:80`,
    'http-service.ns1',
    'http-service.ns1:80',
    'http-service.ns1.svc',
    'http-service.ns1.svc:80',
  ]);
});

test('before 1.13, every shorter shared suffix is an alias too (…svc.cluster)', () => {
  expect(virtualHostDomains(HOST, 80, 'ns1', profileFor('1.12'))).toContain('http-service.ns1.svc.cluster');
  expect(virtualHostDomains(HOST, 80, 'ns1', profileFor('1.24'))).not.toContain('http-service.ns1.svc.cluster');
  expect(virtualHostDomains(HOST, 80, 'ns9', profileFor('1.8'))).not.toContain('http-service');
});

test('a host outside the cluster domain (a cross-cluster name, a bare name) gets no alias in any release', () => {
  for (const version of ['1.8', '1.12', '1.24']) {
    expect(virtualHostDomains('http-service.ns1.cloud', 80, 'ns1', profileFor(version))).toEqual([
      'http-service.ns1.cloud',
      'http-service.ns1.cloud:80',
    ]);
    expect(virtualHostDomains('http-service', 8080, 'ns1', profileFor(version))).toEqual(['http-service:8080']);
  }
});

test('the Host header carries the port off port 80, and is compared without case', () => {
  expect(hostHeader('http-service', 80)).toBe('http-service');
  expect(hostHeader('http-service', 30083)).toBe('http-service:30083');
  const domains = virtualHostDomains(HOST, 30083, 'ns1', profileFor('1.24'));
  expect(hostHeaderMatches('HTTP-Service:30083', domains)).toBe('http-service:30083');
  expect(hostHeaderMatches('http-service', domains)).toBeUndefined();
});
