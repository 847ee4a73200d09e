import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RenderedObject } from '../render/objects.js';
import { contains, equalsLive, matchesLive } from './compare.js';
import type { LiveObject } from './refs.js';

const labels = { 'app.kubernetes.io/managed-by': 'meshbridge', 'meshbridge.io/intent-kind': 'routing' };

const desired: RenderedObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'orders', namespace: 'shop', labels, annotations: { 'meshbridge.io/note': 'x' } },
  spec: {
    hosts: ['orders.global'],
    ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
    location: 'MESH_INTERNAL',
    trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
  },
};

/** What the server gives back for `object` (a deep copy), with `change` applied. */
function liveOf(object: RenderedObject, change: (live: LiveObject) => void = () => {}): LiveObject {
  const live = structuredClone(object) as LiveObject;
  change(live);
  return live;
}

const secret: RenderedObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'cert', namespace: 'istio-system', labels },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
};

const spec = (live: LiveObject) => live.spec as { location?: string; trafficPolicy?: { tls: object } };
const policy = (live: LiveObject) => spec(live).trafficPolicy as { tls: object };

describe('matchesLive', () => {
  test('a faithful copy matches', () => {
    expect(matchesLive(desired, liveOf(desired))).toBe(true);
    expect(matchesLive(secret, liveOf(secret))).toBe(true);
  });

  test('key order does not matter', () => {
    const live = liveOf(desired, (l) => {
      l.spec = {
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        location: 'MESH_INTERNAL',
        ports: [{ protocol: 'HTTP', name: 'http', number: 80 }],
        hosts: ['orders.global'],
      };
    });
    expect(matchesLive(desired, live)).toBe(true);
  });

  test.each<[string, (live: LiveObject) => void]>([
    ['labels', (l) => (l.metadata.labels = { ...l.metadata.labels, 'argocd.argoproj.io/instance': 'x' })],
    ['annotations', (l) => (l.metadata.annotations = { ...l.metadata.annotations, 'kubectl.kubernetes.io/x': '{}' })],
    ['a spec field', (l) => (l.spec = { ...l.spec, resolution: 'DNS' })],
    ['a field in a nested map', (l) => (policy(l).tls = { mode: 'ISTIO_MUTUAL', sni: 'x' })],
  ])('%s added by someone else: still matching', (_name, change) => {
    expect(matchesLive(desired, liveOf(desired, change))).toBe(true);
  });

  test.each<[string, (live: LiveObject) => void]>([
    ['one of our labels removed', (l) => delete l.metadata.labels['meshbridge.io/intent-kind']],
    ['one of our labels changed', (l) => (l.metadata.labels['meshbridge.io/intent-kind'] = 'inbound')],
    ['our annotation removed', (l) => delete l.metadata.annotations],
    ['our annotation changed', (l) => (l.metadata.annotations = { 'meshbridge.io/note': 'y' })],
    ['a spec field changed', (l) => (l.spec = { ...l.spec, location: 'MESH_EXTERNAL' })],
    ['a spec field removed', (l) => delete spec(l).location],
    ['a field in a nested map changed', (l) => (policy(l).tls = { mode: 'DISABLE' })],
    ['a field in a nested map removed', (l) => (policy(l).tls = {})],
    ['a nested map removed', (l) => delete spec(l).trafficPolicy],
    ['a list item changed', (l) => (l.spec = { ...l.spec, ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }] })],
    [
      'a field added inside a list item (lists are atomic)',
      (l) => (l.spec = { ...l.spec, ports: [{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 80 }] }),
    ],
    ['a list item added', (l) => (l.spec = { ...l.spec, hosts: ['orders.global', 'more.global'] })],
    ['a list emptied', (l) => (l.spec = { ...l.spec, hosts: [] })],
    ['a list reordered', (l) => (l.spec = { ...l.spec, hosts: ['b', 'a'] })],
    [
      'a value turned into a string',
      (l) => (l.spec = { ...l.spec, ports: [{ number: '80', name: 'http', protocol: 'HTTP' }] }),
    ],
    ['the spec removed', (l) => delete l.spec],
  ])('%s: not matching', (_name, change) => {
    expect(matchesLive(desired, liveOf(desired, change))).toBe(false);
  });

  test.each<[string, (live: LiveObject) => void]>([
    ['a data value changed', (l) => (l.data = { ...l.data, 'tls.key': 'b3RoZXI=' })],
    ['a data key removed', (l) => (l.data = { 'tls.crt': 'Y2VydA==' })],
    ['the data removed', (l) => delete l.data],
    ['the type changed', (l) => (l.type = 'Opaque')],
    ['the type removed', (l) => delete l.type],
  ])('Secret with %s: not matching', (_name, change) => {
    expect(matchesLive(secret, liveOf(secret, change))).toBe(false);
  });

  test('a Secret with a data key someone else added still matches', () => {
    expect(
      matchesLive(
        secret,
        liveOf(secret, (l) => (l.data = { ...l.data, 'ca.crt': 'Y2E=' })),
      ),
    ).toBe(true);
  });

  test('a desired object without spec, data or type matches a live object with or without them', () => {
    const configMap: RenderedObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels } };
    expect(matchesLive(configMap, liveOf(configMap))).toBe(true);
    const decorated = liveOf(configMap, (l) => Object.assign(l, { data: { a: 'b' }, type: 'x', spec: { y: 1 } }));
    expect(matchesLive(configMap, decorated)).toBe(true);
  });

  test('a live object without labels matches nothing that has ours', () => {
    expect(matchesLive(desired, { ...liveOf(desired), metadata: {} })).toBe(false);
  });
});

describe('equalsLive (a target only meshbridge writes: git)', () => {
  test('a faithful copy, in any key order, is equal', () => {
    expect(equalsLive(desired, liveOf(desired))).toBe(true);
    expect(equalsLive(secret, liveOf(secret))).toBe(true);
    const configMap: RenderedObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels } };
    expect(equalsLive(configMap, liveOf(configMap))).toBe(true);
  });

  test.each<[string, (live: LiveObject) => void]>([
    ['a label added', (l) => (l.metadata.labels = { ...l.metadata.labels, team: 'x' })],
    ['an annotation added', (l) => (l.metadata.annotations = { ...l.metadata.annotations, note: 'x' })],
    ['a spec field added', (l) => (l.spec = { ...l.spec, resolution: 'DNS' })],
    ['a field added in a nested map', (l) => (policy(l).tls = { mode: 'ISTIO_MUTUAL', sni: 'x' })],
    ['data added', (l) => Object.assign(l, { data: { a: 'b' } })],
    ['one of ours changed', (l) => (l.spec = { ...l.spec, location: 'MESH_EXTERNAL' })],
    ['one of ours removed', (l) => delete spec(l).location],
  ])('%s by hand: drift', (_name, change) => {
    expect(matchesLive(desired, liveOf(desired, change))).toBe(_name.startsWith('one of ours') ? false : true);
    expect(equalsLive(desired, liveOf(desired, change))).toBe(false);
  });

  test('any change to a copy of a random spec is drift; the copy itself is not', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (value, key) => {
        const object: RenderedObject = { ...desired, spec: value };
        expect(equalsLive(object, liveOf(object))).toBe(true);
        const changed = liveOf(object, (l) => (l.spec = { ...l.spec, [key]: ['added'] }));
        expect(equalsLive(object, changed)).toBe(false);
      }),
    );
  });
});

describe('contains', () => {
  const json = fc.jsonValue();

  test('every value contains itself', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(contains(structuredClone(value), value)).toBe(true);
      }),
    );
  });

  test('a map contains any of its parts', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json), fc.gen(), (whole, g) => {
        const keys = g(fc.subarray, Object.keys(whole));
        const part = Object.fromEntries(keys.map((key) => [key, whole[key]]));
        expect(contains(whole, part)).toBe(true);
      }),
    );
  });

  test('a map does not contain a part with a key it lacks or a different value', () => {
    expect(contains({ a: 1 }, { b: 1 })).toBe(false);
    expect(contains({ a: 1 }, { a: 2 })).toBe(false);
    expect(contains({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toBe(false);
    expect(contains({ a: 1 }, { a: undefined })).toBe(false);
    expect(contains(undefined, { a: 1 })).toBe(false);
    expect(contains([], {})).toBe(false);
  });

  test('lists are compared whole', () => {
    expect(contains([1, 2], [1, 2])).toBe(true);
    expect(contains([1, 2, 3], [1, 2])).toBe(false);
    expect(contains([{ a: 1, b: 2 }], [{ a: 1 }])).toBe(false);
    expect(contains({ a: [{ x: 1, y: 2 }] }, { a: [{ x: 1 }] })).toBe(false);
  });
});
