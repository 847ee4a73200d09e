import { describe, expect, it } from 'vitest';
import type { ServiceEntry } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { serviceEntry } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

describe('ServiceEntry', () => {
  it('accepts seed 000: httpbin.namespace02.logicalcloud02, MESH_INTERNAL, DNS, 240.0.0.2 → 172.25.55.50:15443', () => {
    expect(validateObject(serviceEntry())).toEqual([]);
  });

  it.each<[string, (se: ServiceEntry) => void]>([
    [
      'wildcard host with resolution NONE',
      (se) => Object.assign(se.spec, { hosts: ['*.example.com'], resolution: 'NONE', endpoints: undefined }),
    ],
    [
      'CIDR with STATIC and IP endpoints',
      (se) =>
        Object.assign(se.spec, {
          addresses: ['10.0.0.0/24'],
          resolution: 'STATIC',
          endpoints: [{ address: '10.0.0.1' }],
        }),
    ],
    ['DNS without endpoints, FQDN host', (se) => Object.assign(se.spec, { endpoints: undefined })],
    [
      'DNS endpoint as an FQDN',
      (se) =>
        Object.assign(se.spec, { endpoints: [{ address: 'ingress.cluster02.example.com', ports: { http1: 15443 } }] }),
    ],
    ['DNS_ROUND_ROBIN with one endpoint', (se) => Object.assign(se.spec, { resolution: 'DNS_ROUND_ROBIN' })],
    ['several hosts with HTTP ports', (se) => Object.assign(se.spec, { hosts: ['a.example.com', 'b.example.com'] })],
    [
      'unix socket endpoint with STATIC',
      (se) => Object.assign(se.spec, { resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/a.sock' }] }),
    ],
    ['exportTo ~ alone', (se) => Object.assign(se.spec, { exportTo: ['~'] })],
    ['exportTo . and a namespace', (se) => Object.assign(se.spec, { exportTo: ['.', 'other-ns'] })],
    ['IPv6 address', (se) => Object.assign(se.spec, { addresses: ['2001:db8::1'] })],
    [
      'upper-case protocol and targetPort',
      (se) => Object.assign(se.spec, { ports: [{ name: 'http1', number: 8000, protocol: 'HTTP2', targetPort: 9000 }] }),
    ],
    ['a .global host (legacy model)', (se) => Object.assign(se.spec, { hosts: ['serverservice04.bar.global'] })],
    [
      'DYNAMIC_DNS with a wildcard host and a TLS port',
      (se) =>
        Object.assign(se.spec, {
          hosts: ['*.example.com'],
          resolution: 'DYNAMIC_DNS',
          endpoints: undefined,
          ports: [{ name: 'tls', number: 443, protocol: 'TLS' }],
        }),
    ],
  ])('accepts %s', (_name, mutate) => {
    expect(pathsAfter(serviceEntry, mutate).issues).toEqual([]);
  });

  const cases: InvalidCase<ServiceEntry>[] = [
    { name: 'no hosts', mutate: (se) => (se.spec.hosts = []), paths: ['spec.hosts'], message: 'at least one host' },
    { name: 'host "*"', mutate: (se) => (se.spec.hosts = ['*']), paths: ['spec.hosts[0]'], message: 'full wildcard' },
    { name: 'wildcard not first', mutate: (se) => (se.spec.hosts = ['foo.*.com']), paths: ['spec.hosts[0]'] },
    {
      name: 'IP as host',
      mutate: (se) => (se.spec.hosts = ['10.1.2.3']),
      paths: ['spec.hosts[0]'],
      message: 'all-numeric',
    },
    {
      name: 'label with underscore',
      mutate: (se) => (se.spec.hosts = ['http_bin.ns.global']),
      paths: ['spec.hosts[0]'],
    },
    {
      name: 'label over 63',
      mutate: (se) => (se.spec.hosts = [`${'a'.repeat(64)}.example.com`]),
      paths: ['spec.hosts[0]'],
    },
    { name: 'bad address', mutate: (se) => (se.spec.addresses = ['240.0.0.256']), paths: ['spec.addresses[0]'] },
    {
      name: 'CIDR prefix too long',
      mutate: (se) => (se.spec.addresses = ['240.0.0.0/33']),
      paths: ['spec.addresses[0]'],
    },
    {
      name: 'CIDR with DNS',
      mutate: (se) => (se.spec.addresses = ['240.0.0.0/16']),
      paths: ['spec.addresses[0]'],
      message: 'NONE or STATIC',
    },
    { name: 'port 0', mutate: (se) => (se.spec.ports![0]!.number = 0), paths: ['spec.ports[0].number'] },
    { name: 'port 70000', mutate: (se) => (se.spec.ports![0]!.number = 70000), paths: ['spec.ports[0].number'] },
    {
      name: 'duplicate port numbers',
      mutate: (se) => se.spec.ports!.push({ name: 'http2', number: 8000, protocol: 'HTTP' }),
      paths: ['spec.ports[1].number'],
    },
    {
      name: 'duplicate port names',
      mutate: (se) => se.spec.ports!.push({ name: 'http1', number: 8001, protocol: 'HTTP' }),
      paths: ['spec.ports[1].name'],
    },
    {
      name: 'port name not a label',
      mutate: (se) => (se.spec.ports![0]!.name = 'http.1'),
      paths: ['spec.ports[0].name', 'spec.endpoints[0].ports.http1'],
    },
    {
      name: 'port name over 63',
      mutate: (se) => (se.spec.ports![0]!.name = 'p'.repeat(64)),
      paths: ['spec.ports[0].name', 'spec.endpoints[0].ports.http1'],
    },
    {
      name: 'unknown protocol',
      mutate: (se) => (se.spec.ports![0]!.protocol = 'QUIC'),
      paths: ['spec.ports[0].protocol'],
    },
    { name: 'targetPort 0', mutate: (se) => (se.spec.ports![0]!.targetPort = 0), paths: ['spec.ports[0].targetPort'] },
    {
      name: 'NONE with endpoints',
      mutate: (se) => (se.spec.resolution = 'NONE'),
      paths: ['spec.endpoints'],
      message: 'resolution NONE',
    },
    {
      name: 'DNS_ROUND_ROBIN with two endpoints',
      mutate: (se) => {
        se.spec.resolution = 'DNS_ROUND_ROBIN';
        se.spec.endpoints!.push({ address: '172.25.55.51' });
      },
      paths: ['spec.endpoints'],
    },
    {
      name: 'STATIC endpoint as FQDN',
      mutate: (se) => {
        se.spec.resolution = 'STATIC';
        se.spec.endpoints![0]!.address = 'gw.example.com';
      },
      paths: ['spec.endpoints[0].address'],
    },
    {
      name: 'DNS endpoint neither IP nor FQDN',
      mutate: (se) => (se.spec.endpoints![0]!.address = 'not a host'),
      paths: ['spec.endpoints[0].address'],
    },
    {
      name: 'DNS without endpoints and a wildcard host',
      mutate: (se) => {
        se.spec.endpoints = undefined;
        se.spec.hosts = ['*.logicalcloud02'];
      },
      paths: ['spec.hosts[0]'],
      message: 'FQDN',
    },
    {
      name: 'endpoint port names an undeclared port',
      mutate: (se) => (se.spec.endpoints![0]!.ports = { tls: 15443 }),
      paths: ['spec.endpoints[0].ports.tls'],
      message: 'not a port name',
    },
    {
      name: 'endpoint port out of range',
      mutate: (se) => (se.spec.endpoints![0]!.ports = { http1: 0 }),
      paths: ['spec.endpoints[0].ports.http1'],
    },
    {
      name: 'endpoint without address or network',
      mutate: (se) => (se.spec.endpoints![0]!.address = ''),
      paths: ['spec.endpoints[0].address'],
    },
    {
      name: 'workloadSelector with endpoints',
      mutate: (se) => (se.spec.workloadSelector = { labels: { app: 'httpbin' } }),
      paths: ['spec.workloadSelector'],
    },
    {
      name: 'several hosts with a TCP port',
      mutate: (se) => {
        se.spec.hosts = ['a.example.com', 'b.example.com'];
        se.spec.ports![0]!.protocol = 'TCP';
      },
      paths: ['spec.ports[0].protocol'],
      message: 'several hosts',
    },
    { name: 'exportTo * with others', mutate: (se) => (se.spec.exportTo = ['*', 'ns1']), paths: ['spec.exportTo'] },
    { name: 'exportTo ~ with others', mutate: (se) => (se.spec.exportTo = ['~', 'ns1']), paths: ['spec.exportTo'] },
    { name: 'exportTo duplicate', mutate: (se) => (se.spec.exportTo = ['ns1', 'ns1']), paths: ['spec.exportTo[1]'] },
    {
      name: 'exportTo . equals own namespace',
      mutate: (se) => (se.spec.exportTo = ['.', 'namespace01']),
      paths: ['spec.exportTo[1]'],
    },
    {
      name: 'exportTo bad namespace',
      mutate: (se) => (se.spec.exportTo = ['Not_A_Namespace']),
      paths: ['spec.exportTo[0]'],
    },
    {
      name: 'DYNAMIC_DNS with a plain host',
      mutate: (se) => Object.assign(se.spec, { resolution: 'DYNAMIC_DNS', endpoints: undefined }),
      paths: ['spec.hosts[0]'],
    },
    {
      name: 'bad resolution (schema enum)',
      mutate: (se) => ((se.spec as { resolution: string }).resolution = 'MAGIC'),
      paths: ['spec.resolution'],
    },
    {
      name: 'bad location (schema enum)',
      mutate: (se) => ((se.spec as { location: string }).location = 'INTERNAL'),
      paths: ['spec.location'],
    },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths, message, options }) => {
    const result = pathsAfter(serviceEntry, mutate, options);
    expect(result.paths).toEqual(paths);
    if (message) expect(result.issues[0]?.message).toContain(message);
  });
});
