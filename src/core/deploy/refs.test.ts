import { describe, expect, test } from 'vitest';
import { objectId, type RenderedObject } from '../render/objects.js';
import { refId, refOf, type LiveObject } from './refs.js';

const namespaced: RenderedObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'orders', namespace: 'shop', labels: { a: 'b' } },
  spec: { hosts: ['orders'] },
};

const clusterScoped: LiveObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'shop', labels: {} },
};

describe('refOf', () => {
  test('keeps only what names the object', () => {
    expect(refOf(namespaced)).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'shop',
      name: 'orders',
    });
  });

  test('leaves namespace out when there is none', () => {
    expect(refOf(clusterScoped)).toStrictEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' });
  });

  test('a ref is its own ref', () => {
    const ref = refOf(namespaced);
    expect(refOf(ref)).toEqual(ref);
  });
});

describe('refId', () => {
  test('is the id objectId gives a rendered object', () => {
    expect(refId(refOf(namespaced))).toBe(objectId(namespaced));
    expect(refId(refOf(namespaced))).toBe('VirtualService/shop/orders');
    expect(refId(refOf(clusterScoped))).toBe('Namespace//shop');
  });

  test('ignores the API version', () => {
    expect(refId({ ...refOf(namespaced), apiVersion: 'networking.istio.io/v1beta1' })).toBe(refId(refOf(namespaced)));
  });
});
