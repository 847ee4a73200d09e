import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServiceEntry, ServicePort, VirtualService, WorkloadEntrySpec } from './objects.js';
import { validObjects, virtualService } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);
const fqdn = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));
const ipv4 = fc
  .tuple(fc.integer({ min: 1, max: 254 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .map((parts) => parts.join('.'));
const protocol = fc.constantFrom('HTTP', 'http', 'HTTPS', 'GRPC', 'HTTP2', 'TLS', 'TCP', 'MONGO', 'REDIS');
const port = fc.integer({ min: 1, max: 65535 });

const ports = fc
  .uniqueArray(fc.tuple(label, port, protocol), {
    minLength: 1,
    maxLength: 4,
    selector: ([name]) => name,
  })
  .map((entries) => {
    const numbers = new Set<number>();
    return entries
      .filter(([, number]) => !numbers.has(number) && numbers.add(number))
      .map(([name, number, protocol]): ServicePort => ({ name, number, protocol }));
  });

/** A valid ServiceEntry: resolution and endpoints consistent, endpoint ports named after declared ports. */
const serviceEntries: fc.Arbitrary<ServiceEntry> = fc
  .record({
    name: label,
    namespace: label,
    host: fqdn,
    addresses: fc.array(ipv4, { maxLength: 2 }),
    ports,
    location: fc.constantFrom('MESH_INTERNAL' as const, 'MESH_EXTERNAL' as const),
    resolution: fc.constantFrom('NONE' as const, 'STATIC' as const, 'DNS' as const, 'DNS_ROUND_ROBIN' as const),
    endpointAddresses: fc.array(ipv4, { minLength: 1, maxLength: 3 }),
    endpointPort: port,
    exportTo: fc.constantFrom<string[] | undefined>(undefined, ['.'], ['*'], ['~']),
  })
  .map((r) => {
    const count = r.resolution === 'NONE' ? 0 : r.resolution === 'DNS_ROUND_ROBIN' ? 1 : r.endpointAddresses.length;
    const endpoints: WorkloadEntrySpec[] = r.endpointAddresses
      .slice(0, count)
      .map((address) => ({ address, ports: { [r.ports[0]!.name]: r.endpointPort } }));
    return {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: r.name, namespace: r.namespace },
      spec: {
        hosts: [r.host],
        addresses: r.addresses.length > 0 ? r.addresses : undefined,
        ports: r.ports,
        location: r.location,
        resolution: r.resolution,
        endpoints: endpoints.length > 0 ? endpoints : undefined,
        exportTo: r.exportTo,
      },
    } satisfies ServiceEntry;
  });

/** Mutations that each break one rule, and the path that must then be reported. */
const breakers: [string, (se: ServiceEntry) => void, string][] = [
  ['host "*"', (se) => (se.spec.hosts[0] = '*'), 'spec.hosts[0]'],
  ['an IP host', (se) => (se.spec.hosts[0] = '10.0.0.1'), 'spec.hosts[0]'],
  ['no hosts', (se) => (se.spec.hosts = []), 'spec.hosts'],
  ['port 0', (se) => (se.spec.ports![0]!.number = 0), 'spec.ports[0].number'],
  ['port 65536', (se) => (se.spec.ports![0]!.number = 65536), 'spec.ports[0].number'],
  ['port name with a dot', (se) => (se.spec.ports![0]!.name = 'a.b'), 'spec.ports[0].name'],
  ['unknown protocol', (se) => (se.spec.ports![0]!.protocol = 'SCTP'), 'spec.ports[0].protocol'],
  ['a bad address', (se) => (se.spec.addresses = ['999.0.0.1']), 'spec.addresses[0]'],
  ['a bad resolution', (se) => ((se.spec as { resolution: string }).resolution = 'DNS_ONLY'), 'spec.resolution'],
  ['a misspelled field', (se) => ((se.spec as unknown as Record<string, unknown>)['endpoint'] = []), 'spec.endpoint'],
  ['an invalid name', (se) => (se.metadata.name = 'Upper'), 'metadata.name'],
];

describe('properties', () => {
  it('valid generated ServiceEntries pass, on every networking apiVersion', () => {
    const apiVersion = fc.constantFrom(
      'networking.istio.io/v1' as const,
      'networking.istio.io/v1beta1' as const,
      'networking.istio.io/v1alpha3' as const,
    );
    fc.assert(
      fc.property(serviceEntries, apiVersion, (se, version) => {
        se.apiVersion = version;
        expect(validateObject(se)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('breaking one rule of a valid ServiceEntry is reported at its path', () => {
    fc.assert(
      fc.property(serviceEntries, fc.constantFrom(...breakers), (se, [, mutate, path]) => {
        mutate(se);
        expect(validateObject(se).map((issue) => issue.path)).toContain(path);
      }),
      { numRuns: 300 },
    );
  });

  it('non-negative weights pass unless all are zero; the old-Istio profile wants exactly 100', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { minLength: 2, maxLength: 5 }), (weights) => {
        const vs: VirtualService = virtualService();
        const template = vs.spec.http![0]!.route![0]!;
        vs.spec.http![0]!.route = weights.map((weight) => ({ ...template, weight }));
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        expect(validateObject(vs).length === 0).toBe(total > 0);
        expect(validateObject(vs, { weightsMustSum100: true }).length === 0).toBe(total === 100);
      }),
    );
  });

  it('never throws on arbitrary JSON specs', () => {
    const kinds = ['ServiceEntry', 'DestinationRule', 'VirtualService', 'Gateway'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.jsonValue(), (kind, spec) => {
        const object = { apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'x' }, spec };
        expect(() => validateObject(object)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('survives null in any field (the schemas make optional fields nullable)', () => {
    for (const [kind, make] of Object.entries(validObjects)) {
      for (const path of fieldPaths(make())) {
        const object = make();
        setAt(object, path, null);
        expect(() => validateObject(object), `${kind} ${path.join('.')}`).not.toThrow();
      }
    }
  });
});

function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...fieldPaths(child, path)];
  });
}

function setAt(target: object, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}
