import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RenderedObject } from '../render/objects.js';
import { canonicalJson, hashObject } from './object-hash.js';

/** The same value with the keys of every object (at every depth) put in a random order. */
function shuffleKeys(value: unknown, g: fc.GeneratorValue): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, g));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const order = g(fc.shuffledSubarray, keys, { minLength: keys.length, maxLength: keys.length });
  // fromEntries keeps every key an own property, `__proto__` included.
  return Object.fromEntries(order.map((key) => [key, shuffleKeys((value as Record<string, unknown>)[key], g)]));
}

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

const renderedObject: fc.Arbitrary<RenderedObject> = fc.record({
  apiVersion: fc.constantFrom('v1', 'networking.istio.io/v1', 'security.istio.io/v1'),
  kind: fc.constantFrom('ServiceEntry', 'VirtualService', 'Secret', 'Gateway'),
  metadata: fc.record({
    name: word,
    namespace: word,
    labels: fc.dictionary(word, word, { maxKeys: 4 }),
  }),
  spec: fc.record({
    hosts: fc.array(word, { minLength: 1, maxLength: 3 }),
    ports: fc.array(fc.record({ number: fc.integer({ min: 1, max: 65535 }), name: word }), { maxLength: 3 }),
    location: fc.constantFrom('MESH_INTERNAL', 'MESH_EXTERNAL'),
  }),
});

type Mutation = (object: RenderedObject) => RenderedObject;

const mutations: Record<string, Mutation> = {
  rename: (o) => ({ ...o, metadata: { ...o.metadata, name: `${o.metadata.name}x` } }),
  'move namespace': (o) => ({ ...o, metadata: { ...o.metadata, namespace: `${o.metadata.namespace ?? ''}x` } }),
  'add a label': (o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'zz-added': 'y' } } }),
  'change kind': (o) => ({ ...o, kind: o.kind === 'Gateway' ? 'ServiceEntry' : 'Gateway' }),
  'change a port number': (o) => {
    const spec = o.spec as { ports: { number: number; name: string }[] };
    const ports =
      spec.ports.length === 0
        ? [{ number: 80, name: 'http' }]
        : spec.ports.map((port, index) => (index === 0 ? { ...port, number: port.number + 1 } : port));
    return { ...o, spec: { ...o.spec, ports } };
  },
  'a port number as a string': (o) => {
    const spec = o.spec as { ports: { number: number; name: string }[] };
    const [first, ...others] = spec.ports;
    const ports =
      first === undefined ? [{ number: '80', name: 'http' }] : [{ ...first, number: String(first.number) }, ...others];
    return { ...o, spec: { ...o.spec, ports } };
  },
  'add a host': (o) => {
    const spec = o.spec as { hosts: string[] };
    return { ...o, spec: { ...o.spec, hosts: [...spec.hosts, 'added.example'] } };
  },
  'reverse hosts (order matters in arrays)': (o) => {
    const spec = o.spec as { hosts: string[] };
    return { ...o, spec: { ...o.spec, hosts: [...spec.hosts, 'z-last'].reverse() } };
  },
  'add a spec field': (o) => ({ ...o, spec: { ...o.spec, resolution: 'DNS' } }),
  'drop the spec': (o) => {
    const { spec: _spec, ...rest } = o;
    return rest;
  },
  'add data': (o) => ({ ...o, data: { key: 'dmFsdWU=' } }),
};

describe('canonicalJson', () => {
  test('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });
});

describe('hashObject', () => {
  test('is a 16-hex-digit fingerprint', () => {
    expect(hashObject({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the order of keys does not matter, at any depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.gen(), (value, g) => {
        const shuffled = shuffleKeys(value, g);
        expect(shuffled).toEqual(value);
        expect(hashObject(shuffled)).toBe(hashObject(value));
      }),
      { numRuns: 300 },
    );
  });

  test('the order of keys of a rendered object does not matter', () => {
    fc.assert(
      fc.property(renderedObject, fc.gen(), (object, g) => {
        expect(hashObject(shuffleKeys(object, g))).toBe(hashObject(object));
      }),
      { numRuns: 200 },
    );
  });

  test('a small change to an object changes its hash', () => {
    fc.assert(
      fc.property(renderedObject, fc.constantFrom(...Object.keys(mutations)), (object, name) => {
        const changed = mutations[name]!(object);
        expect(changed).not.toEqual(object);
        expect(hashObject(changed)).not.toBe(hashObject(object));
      }),
      { numRuns: 400 },
    );
  });

  test.each([
    ['a number and its string', { a: 1 }, { a: '1' }],
    ['null and a missing key', { a: null }, {}],
    ['an empty object and an empty array', { a: {} }, { a: [] }],
    ['nesting', { a: { b: 1 } }, { 'a.b': 1 }],
    ['array order', [1, 2], [2, 1]],
  ])('tells apart %s', (_name, left, right) => {
    expect(hashObject(left)).not.toBe(hashObject(right));
  });
});
