import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ObjectEntry } from '../../core/deploy/records.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { kindKey, kindsToList } from './kinds.js';

const object = (apiVersion: string, kind: string, name = 'x'): RenderedObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'shop', labels: {} },
});

const entry = (apiVersion: string, kind: string): ObjectEntry => ({
  ref: { apiVersion, kind, namespace: 'shop', name: 'x' },
  state: 'removing',
});

const key = ({ apiVersion, kind }: { apiVersion: string; kind: string }) => `${apiVersion}/${kind}`;

/** What every listing looks through: the core kinds, Istio's v1beta1 versions and NetworkPolicy. */
const ALWAYS = [
  'v1/Secret',
  'v1/ConfigMap',
  'networking.istio.io/v1beta1/Gateway',
  'networking.istio.io/v1beta1/ServiceEntry',
  'networking.istio.io/v1beta1/DestinationRule',
  'networking.istio.io/v1beta1/VirtualService',
  'security.istio.io/v1beta1/AuthorizationPolicy',
  'security.istio.io/v1beta1/PeerAuthentication',
  'networking.k8s.io/v1/NetworkPolicy',
];

describe('kindsToList', () => {
  test('with nothing desired or remembered, the v1beta1 Istio kinds and the core kinds', () => {
    expect(kindsToList([], []).map(key).sort()).toEqual([...ALWAYS].sort());
  });

  test('one version per kind: the revision’s own first, then v1beta1, then the record’s for kinds no longer rendered', () => {
    const kinds = kindsToList(
      [object('networking.istio.io/v1', 'VirtualService'), object('security.istio.io/v1', 'AuthorizationPolicy')],
      [entry('networking.istio.io/v1alpha3', 'ServiceEntry'), entry('example.com/v1', 'Widget')],
    ).map(key);
    expect(kinds.sort()).toEqual(
      [
        ...ALWAYS.filter((kind) => !/VirtualService|AuthorizationPolicy/.test(kind)),
        'networking.istio.io/v1/VirtualService',
        'security.istio.io/v1/AuthorizationPolicy',
        'example.com/v1/Widget',
      ].sort(),
    );
  });

  test('lists each kind once, in one API version, whatever the revision and the record hold', () => {
    const versions = ['v1alpha3', 'v1beta1', 'v1'];
    const kindNames = ['VirtualService', 'Gateway', 'Secret', 'Widget'];
    const ref = fc.record({ version: fc.constantFrom(...versions), kind: fc.constantFrom(...kindNames) });
    const apiVersion = ({ version, kind }: { version: string; kind: string }) =>
      kind === 'Secret' ? 'v1' : kind === 'Widget' ? `example.com/${version}` : `networking.istio.io/${version}`;
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 8 }), fc.array(ref, { maxLength: 8 }), (wanted, remembered) => {
        const desired = wanted.map((item, index) => object(apiVersion(item), item.kind, `o${index}`));
        const kinds = kindsToList(
          desired,
          remembered.map((item) => entry(apiVersion(item), item.kind)),
        );
        const keys = kinds.map(kindKey);
        expect(new Set(keys).size).toBe(keys.length);
        for (const kind of kinds) {
          // A kind the revision renders is listed in the version the revision renders it in.
          const first = desired.find((candidate) => kindKey(candidate) === kindKey(kind));
          if (first) expect(kind.apiVersion).toBe(first.apiVersion);
        }
        for (const wantedObject of desired) expect(keys).toContain(kindKey(wantedObject));
        for (const kind of kinds) expect(Object.keys(kind).sort()).toEqual(['apiVersion', 'kind']);
      }),
    );
  });

  test('kindKey names a kind without its version', () => {
    expect(kindKey({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway' })).toBe('networking.istio.io/Gateway');
    expect(kindKey({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' })).toBe('networking.istio.io/Gateway');
    expect(kindKey({ apiVersion: 'v1', kind: 'Secret' })).toBe('/Secret');
  });
});
