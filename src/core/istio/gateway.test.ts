import { describe, expect, it } from 'vitest';
import type { Gateway, Server } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { gateway } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

const server0 = (gw: Gateway): Server => gw.spec.servers[0]!;
const https = (tls: Server['tls']): Server => ({
  port: { number: 443, name: 'https', protocol: 'HTTPS' },
  hosts: ['httpbin.example.com'],
  tls,
});

describe('Gateway', () => {
  it('accepts the east-west gateway: AUTO_PASSTHROUGH on 15443, hosts *.local, no certificates', () => {
    expect(validateObject(gateway())).toEqual([]);
  });

  it.each<[string, (gw: Gateway) => void]>([
    [
      'PASSTHROUGH servers of expose-istiod',
      (gw) =>
        gw.spec.servers.push({
          port: { number: 15012, name: 'tls-istiod', protocol: 'TLS' },
          tls: { mode: 'PASSTHROUGH' },
          hosts: ['*'],
        }),
    ],
    ['the legacy *.global gateway', (gw) => (server0(gw).hosts = ['*.global'])],
    [
      'SIMPLE with credentialName',
      (gw) => gw.spec.servers.push(https({ mode: 'SIMPLE', credentialName: 'httpbin-credential' })),
    ],
    [
      'SIMPLE with certificate files',
      (gw) =>
        gw.spec.servers.push(https({ mode: 'SIMPLE', serverCertificate: '/etc/cert.pem', privateKey: '/etc/key.pem' })),
    ],
    [
      'MUTUAL with files and a CA',
      (gw) =>
        gw.spec.servers.push(
          https({ mode: 'MUTUAL', serverCertificate: '/c.pem', privateKey: '/k.pem', caCertificates: '/ca.pem' }),
        ),
    ],
    ['ISTIO_MUTUAL without certificates', (gw) => gw.spec.servers.push(https({ mode: 'ISTIO_MUTUAL' }))],
    [
      'HTTP with httpsRedirect',
      (gw) =>
        gw.spec.servers.push({
          port: { number: 80, name: 'http', protocol: 'HTTP' },
          hosts: ['ns1/a.example.com', './b.example.com'],
          tls: { httpsRedirect: true },
        }),
    ],
    ['a bind address', (gw) => (server0(gw).bind = '0.0.0.0')],
  ])('accepts %s', (_name, mutate) => {
    expect(pathsAfter(gateway, mutate).issues).toEqual([]);
  });

  const cases: InvalidCase<Gateway>[] = [
    { name: 'no servers', mutate: (gw) => (gw.spec.servers = []), paths: ['spec.servers'] },
    {
      name: 'name with a dot (must be a DNS-1123 label)',
      mutate: (gw) => (gw.metadata.name = 'cross.network'),
      paths: ['metadata.name'],
    },
    {
      name: 'duplicate port names across servers',
      mutate: (gw) =>
        gw.spec.servers.push({
          port: { number: 15444, name: 'tls', protocol: 'TLS' },
          tls: { mode: 'AUTO_PASSTHROUGH' },
          hosts: ['*.local'],
        }),
      paths: ['spec.servers[1].port.name'],
    },
    { name: 'no hosts', mutate: (gw) => (server0(gw).hosts = []), paths: ['spec.servers[0].hosts'] },
    {
      name: 'short host name',
      mutate: (gw) => (server0(gw).hosts = ['httpbin']),
      paths: ['spec.servers[0].hosts[0]'],
      message: 'short name',
    },
    {
      name: 'partial wildcard',
      mutate: (gw) => (server0(gw).hosts = ['*bin.example.com']),
      paths: ['spec.servers[0].hosts[0]'],
    },
    {
      name: 'bad namespace part',
      mutate: (gw) => (server0(gw).hosts = ['Bad_NS/a.example.com']),
      paths: ['spec.servers[0].hosts[0]'],
    },
    { name: 'port 0', mutate: (gw) => (server0(gw).port.number = 0), paths: ['spec.servers[0].port.number'] },
    {
      name: 'unknown protocol',
      mutate: (gw) => (server0(gw).port.protocol = 'QUIC'),
      paths: ['spec.servers[0].port.protocol'],
    },
    {
      name: 'targetPort',
      mutate: (gw) => (server0(gw).port.targetPort = 8443),
      paths: ['spec.servers[0].port.targetPort'],
    },
    { name: 'TLS port without tls', mutate: (gw) => delete server0(gw).tls, paths: ['spec.servers[0].tls'] },
    {
      name: 'HTTPS port without tls',
      mutate: (gw) => gw.spec.servers.push(https(undefined)),
      paths: ['spec.servers[1].tls'],
    },
    {
      name: 'TCP port with tls',
      mutate: (gw) => (server0(gw).port.protocol = 'TCP'),
      paths: ['spec.servers[0].tls'],
    },
    {
      name: 'HTTP port with SIMPLE tls',
      mutate: (gw) =>
        gw.spec.servers.push({
          port: { number: 80, name: 'http', protocol: 'HTTP' },
          hosts: ['a.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'c' },
        }),
      paths: ['spec.servers[1].tls'],
    },
    {
      name: 'SIMPLE without credentials',
      mutate: (gw) => gw.spec.servers.push(https({ mode: 'SIMPLE' })),
      paths: ['spec.servers[1].tls.serverCertificate', 'spec.servers[1].tls.privateKey'],
    },
    {
      name: 'MUTUAL with files but no CA',
      mutate: (gw) =>
        gw.spec.servers.push(https({ mode: 'MUTUAL', serverCertificate: '/c.pem', privateKey: '/k.pem' })),
      paths: ['spec.servers[1].tls.caCertificates'],
    },
    {
      name: 'ISTIO_MUTUAL with a credentialName',
      mutate: (gw) => gw.spec.servers.push(https({ mode: 'ISTIO_MUTUAL', credentialName: 'c' })),
      paths: ['spec.servers[1].tls.credentialName'],
    },
    {
      name: 'bad tls mode (schema enum)',
      mutate: (gw) => (server0(gw).tls = { mode: 'AUTO' as never }),
      paths: ['spec.servers[0].tls.mode'],
    },
    { name: 'bind not an IP', mutate: (gw) => (server0(gw).bind = 'localhost'), paths: ['spec.servers[0].bind'] },
    {
      name: 'selector written as matchLabels (Gateway selectors are plain maps)',
      mutate: (gw) => (gw.spec.selector = { matchLabels: { istio: 'eastwestgateway' } } as never),
      paths: ['spec.selector.matchLabels'],
    },
    {
      name: 'selector key invalid',
      mutate: (gw) => (gw.spec.selector = { 'istio/': 'x' }),
      paths: ['spec.selector["istio/"]'],
    },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths, message, options }) => {
    const result = pathsAfter(gateway, mutate, options);
    expect(result.paths).toEqual(paths);
    if (message) expect(result.issues[0]?.message).toContain(message);
  });
});
