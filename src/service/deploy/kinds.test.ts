import { describe, expect, test } from 'vitest';
import type { ObjectEntry } from '../../core/deploy/records.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { kindsToList } from './kinds.js';

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

  test('adds the kinds the revision wants and the record remembers, in their API versions', () => {
    const kinds = kindsToList(
      [object('networking.istio.io/v1', 'VirtualService'), object('security.istio.io/v1', 'AuthorizationPolicy')],
      [entry('networking.istio.io/v1alpha3', 'ServiceEntry'), entry('example.com/v1', 'Widget')],
    ).map(key);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ...ALWAYS,
        'networking.istio.io/v1/VirtualService',
        'security.istio.io/v1/AuthorizationPolicy',
        'networking.istio.io/v1alpha3/ServiceEntry',
        'example.com/v1/Widget',
      ]),
    );
    expect(kinds).toHaveLength(ALWAYS.length + 4);
  });

  test('lists each API version and kind once', () => {
    const kinds = kindsToList(
      [
        object('networking.istio.io/v1', 'VirtualService', 'a'),
        object('networking.istio.io/v1', 'VirtualService', 'b'),
        object('networking.istio.io/v1beta1', 'Gateway'),
        object('v1', 'Secret'),
      ],
      [entry('networking.istio.io/v1', 'VirtualService'), entry('v1', 'Secret')],
    );
    const keys = kinds.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([...ALWAYS, 'networking.istio.io/v1/VirtualService'].sort());
    for (const kind of kinds) expect(Object.keys(kind).sort()).toEqual(['apiVersion', 'kind']);
  });
});
