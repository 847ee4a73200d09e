import { describe, expect, it } from 'vitest';
import {
  durationError,
  fqdnError,
  ipOrCidrError,
  labelValueError,
  parseDuration,
  parseProtocol,
  qualifiedNameError,
  wildcardDomainError,
} from './checks.js';
import { hostsOverlap } from './routes.js';
import { gatewayHostError } from './gateway.js';
import { pathError } from './authz-values.js';

describe('Go durations', () => {
  it.each<[string, number | undefined]>([
    ['10ms', 10e6],
    ['1.5s', 1.5e9],
    ['5m', 300e9],
    ['1h', 3600e9],
    ['1h30m', 5400e9],
    ['0', 0],
    ['0s', 0],
    ['.5s', 0.5e9],
    ['100us', 100e3],
    ['100µs', 100e3],
    ['-1s', -1e9],
    ['1d', undefined],
    ['10', undefined],
    ['', undefined],
    ['s', undefined],
    ['1.s', 1e9],
    ['1 s', undefined],
  ])('parses %j', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });

  it('wants at least 1ms in whole milliseconds, unless exempt', () => {
    expect(durationError('1ms')).toBeUndefined();
    expect(durationError('0.999ms')).toContain('at least 1ms');
    expect(durationError('1.5ms')).toContain('whole number of milliseconds');
    expect(durationError('0s', false)).toBeUndefined();
    expect(durationError('-1s', false)).toContain('negative');
    expect(durationError(5)).toBeUndefined();
  });
});

describe('domains', () => {
  it.each([
    'httpbin.namespace02.logicalcloud02',
    '*.global',
    '*.local',
    'sleep',
    '*',
    '*foo.example.com',
    'istio.io.',
    'a-b.c-d.example',
  ])('accepts %s as a wildcard domain', (host) => {
    expect(wildcardDomainError(host)).toBeUndefined();
  });

  it.each([
    '',
    'foo.*.com',
    '10.0.0.1',
    'a..b',
    '-a.com',
    'a_b.com',
    `${'x'.repeat(64)}.com`,
    `${'a.'.repeat(128)}com`,
    'foo.bar*',
  ])('rejects %j as a wildcard domain', (host) => {
    expect(wildcardDomainError(host)).toBeDefined();
  });

  it('rejects wildcards as FQDNs', () => {
    expect(fqdnError('*.example.com')).toBeDefined();
    expect(fqdnError('sleep.default.svc.cluster.local')).toBeUndefined();
  });

  it.each<[string, string, boolean]>([
    ['a.example.com', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['a.example.com', '*.example.com', true],
    ['*.example.com', '*.b.example.com', true],
    ['*.com', '*.example.com', true],
    ['a.example.com', 'b.example.com', false],
    ['*.example.com', 'example.org', false],
  ])('overlap of %s and %s is %s', (a, b, overlap) => {
    expect(hostsOverlap(a, b)).toBe(overlap);
    expect(hostsOverlap(b, a)).toBe(overlap);
  });

  it.each<[string, boolean]>([
    ['*.local', true],
    ['*', true],
    ['*/*', true],
    ['./a.example.com', true],
    ['ns1/*.example.com', true],
    ['httpbin', false],
    ['*bin.example.com', false],
    ['NS_1/a.example.com', false],
  ])('gateway host %s valid: %s', (host, valid) => {
    expect(gatewayHostError(host) === undefined).toBe(valid);
  });
});

describe('addresses', () => {
  it.each(['240.0.0.2', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::1', '2001:db8::/32'])('accepts %s', (value) => {
    expect(ipOrCidrError(value)).toBeUndefined();
  });

  it.each(['240.0.0.256', '10.0.0.0/33', '2001:db8::/129', 'host.example.com', '10.0.0.0/', '10.0.0.0/x', '1.2.3'])(
    'rejects %s',
    (value) => {
      expect(ipOrCidrError(value)).toBeDefined();
    },
  );
});

describe('labels and protocols', () => {
  it.each<[string, boolean]>([
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['topology.istio.io/network', true],
    ['a/b/c', false],
    ['/app', false],
    ['app_', false],
    [`${'k'.repeat(64)}`, false],
  ])('label key %s valid: %s', (key, valid) => {
    expect(qualifiedNameError(key) === undefined).toBe(valid);
  });

  it('accepts empty label values and rejects spaces', () => {
    expect(labelValueError('')).toBeUndefined();
    expect(labelValueError('a b')).toBeDefined();
  });

  it('knows protocols case-insensitively', () => {
    expect(parseProtocol('http')).toBe('HTTP');
    expect(parseProtocol('grpc-web')).toBe('GRPC-WEB');
    expect(parseProtocol('QUIC')).toBeUndefined();
  });
});

describe('authorization paths', () => {
  it.each(['/api/v1/products', '/static*', '*.html', '*', '/api/{*}', '/api/{*}/x/{**}', '/{**}'])(
    'accepts %s',
    (path) => {
      expect(pathError(path)).toBeUndefined();
    },
  );

  it.each(['/a/*/b', 'api', '/a/{**}/b', '/a/{x}', '/a{*}', '/a/{*}/b c'])('rejects %s', (path) => {
    expect(pathError(path)).toBeDefined();
  });
});
