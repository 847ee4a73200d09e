import { describe, expect, test } from 'vitest';
import type { RenderedObject } from '../../core/render/objects.js';
import { addressKey, type AddressClaim } from '../address-ledger.js';
import { readdressed } from './readdress.js';

const LABELS = { 'app.kubernetes.io/managed-by': 'meshbridge' };
const C1 = 'cluster-providers/edge/clusters/c1';
const C2 = 'cluster-providers/edge/clusters/c2';

function clientEntry(host: string, address: string): RenderedObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: host.replace(/\./g, '-'), namespace: 'shop', labels: LABELS },
    spec: { hosts: [host], addresses: [address], ports: [{ number: 80, name: 'http' }], location: 'MESH_INTERNAL' },
  };
}

const virtualService: RenderedObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'orders', namespace: 'shop', labels: LABELS },
  spec: { hosts: ['orders.global'] },
};

const serverEntry: RenderedObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'orders-passthrough', namespace: 'shop', labels: LABELS },
  spec: { hosts: ['orders.global'], location: 'MESH_INTERNAL' },
};

/** A ledger sync that hands out `addresses` (cluster, host → address) and records the claims it got. */
function fakeSync(addresses: [string, string, string][]) {
  const calls: AddressClaim[][] = [];
  const sync = (claims: AddressClaim[]) => {
    calls.push(claims);
    return Promise.resolve(new Map(addresses.map(([cluster, host, address]) => [addressKey(cluster, host), address])));
  };
  return { sync, calls };
}

describe('readdressed', () => {
  test('client ServiceEntries get the address the ledger holds now; other objects are untouched', async () => {
    const orders = clientEntry('orders.global', '240.0.0.1');
    const payments = clientEntry('payments.global', '240.0.0.2');
    const clusters = { [C1]: [virtualService, orders, serverEntry], [C2]: [payments] };
    const { sync, calls } = fakeSync([
      [C1, 'orders.global', '240.0.0.9'],
      [C2, 'payments.global', '240.0.0.2'],
    ]);
    const result = await readdressed(clusters, sync);
    expect(calls).toEqual([
      [
        { cluster: C1, host: 'orders.global', owner: 'rollback' },
        { cluster: C2, host: 'payments.global', owner: 'rollback' },
      ],
    ]);
    expect(result[C1]).toEqual([
      virtualService,
      { ...orders, spec: { ...orders.spec, addresses: ['240.0.0.9'] } },
      serverEntry,
    ]);
    expect(result[C1]?.[0]).toBe(virtualService);
    expect(result[C1]?.[2]).toBe(serverEntry);
    // The address did not change: the very same object.
    expect(result[C2]?.[0]).toBe(payments);
  });

  test('the same host gets each cluster’s own address', async () => {
    const clusters = {
      [C1]: [clientEntry('orders.global', '240.0.0.1')],
      [C2]: [clientEntry('orders.global', '240.0.0.1')],
    };
    const { sync } = fakeSync([
      [C1, 'orders.global', '240.0.0.5'],
      [C2, 'orders.global', '240.0.0.6'],
    ]);
    const result = await readdressed(clusters, sync);
    expect(result[C1]?.[0]?.spec?.addresses).toEqual(['240.0.0.5']);
    expect(result[C2]?.[0]?.spec?.addresses).toEqual(['240.0.0.6']);
  });

  test('a host the ledger returns nothing for keeps its address', async () => {
    const orders = clientEntry('orders.global', '240.0.0.1');
    const { sync } = fakeSync([[C2, 'orders.global', '240.0.0.7']]);
    const result = await readdressed({ [C1]: [orders] }, sync);
    expect(result[C1]?.[0]).toBe(orders);
  });

  test('does not modify its input', async () => {
    const clusters = { [C1]: [clientEntry('orders.global', '240.0.0.1')] };
    const copy = structuredClone(clusters);
    const { sync } = fakeSync([[C1, 'orders.global', '240.0.0.3']]);
    await readdressed(clusters, sync);
    expect(clusters).toEqual(copy);
  });

  test('does not ask the ledger when nothing holds an address', async () => {
    const clusters = { [C1]: [virtualService, serverEntry], [C2]: [] };
    const { sync, calls } = fakeSync([]);
    const result = await readdressed(clusters, sync);
    expect(calls).toEqual([]);
    expect(result).toEqual(clusters);
    expect(await readdressed({}, sync)).toEqual({});
    expect(calls).toEqual([]);
  });

  test('a failing ledger fails the rollback', async () => {
    const failure = new Error('addresses exhausted');
    await expect(
      readdressed({ [C1]: [clientEntry('orders.global', '240.0.0.1')] }, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
  });
});
