import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ownerLabels, type RenderedObject } from '../render/objects.js';
import { clusterStateOf, heldAddress, onlyRetried, prepareClusterRecord, type ClusterIdentity } from './entries.js';
import { hashObject } from './object-hash.js';
import type { ClusterRecord, ObjectEntry, ObjectState } from './records.js';

const IDENTITY: ClusterIdentity = {
  cluster: 'cluster-providers/edge/clusters/c1',
  name: 'edge/c1',
  target: 'kubernetes',
};
const LABELS = ownerLabels({
  project: 'p',
  compositeApp: 'app',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'dig',
  intentKind: 'routing',
  intent: 'orders',
});

function serviceEntry(name: string, spec: Record<string, unknown>): RenderedObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name, namespace: 'shop', labels: LABELS },
    spec,
  };
}

const clientEntry = (name: string, address = '240.0.0.1') =>
  serviceEntry(name, { hosts: [`${name}.global`], addresses: [address], location: 'MESH_INTERNAL' });

const virtualService = (name: string, variant = 0): RenderedObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop', labels: LABELS },
  spec: { hosts: [name], variant },
});

const peerAuthentication: RenderedObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'istio-system', labels: ownerLabels(undefined) },
  spec: { mtls: { mode: 'STRICT' } },
};

const idOf = (object: RenderedObject) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;

function refOfObject(object: RenderedObject): ObjectEntry['ref'] {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
  };
}

function previousRecord(objects: Record<string, ObjectEntry>, extra: Partial<ClusterRecord> = {}): ClusterRecord {
  return { ...IDENTITY, revision: 1, state: clusterStateOf({ objects }), objects, ...extra };
}

function appliedEntry(object: RenderedObject, state: ObjectState = 'applied'): ObjectEntry {
  return { ref: refOfObject(object), desired: hashObject(object), applied: hashObject(object), state };
}

describe('heldAddress', () => {
  test('is the first host and address of a ServiceEntry', () => {
    expect(heldAddress(serviceEntry('a', { hosts: ['a.global', 'b'], addresses: ['240.0.0.7', '240.0.0.8'] }))).toEqual(
      {
        host: 'a.global',
        address: '240.0.0.7',
      },
    );
  });

  test.each([
    ['a ServiceEntry without addresses', serviceEntry('a', { hosts: ['a.global'] })],
    ['a ServiceEntry with an empty address list', serviceEntry('a', { hosts: ['a.global'], addresses: [] })],
    ['a ServiceEntry without hosts', serviceEntry('a', { addresses: ['240.0.0.1'] })],
    ['a ServiceEntry without spec', { ...serviceEntry('a', {}), spec: undefined }],
    ['another kind with hosts and addresses', { ...clientEntry('a'), kind: 'DestinationRule' }],
  ])('is undefined for %s', (_name, object) => {
    expect(heldAddress(object)).toBeUndefined();
  });
});

describe('prepareClusterRecord', () => {
  test('a first revision: everything pending, nothing applied', () => {
    const objects = [clientEntry('orders'), virtualService('orders')];
    const record = prepareClusterRecord(IDENTITY, 1, objects, undefined);
    expect(record).toEqual({
      ...IDENTITY,
      revision: 1,
      state: 'pending',
      objects: {
        'ServiceEntry/shop/orders': {
          ref: refOfObject(objects[0]!),
          desired: hashObject(objects[0]),
          state: 'pending',
          holds: { host: 'orders.global', address: '240.0.0.1' },
        },
        'VirtualService/shop/orders': {
          ref: refOfObject(objects[1]!),
          desired: hashObject(objects[1]),
          state: 'pending',
        },
      },
    });
  });

  test('an object applied as it is now stays applied; the cluster is applied when all are', () => {
    const object = virtualService('orders');
    const previous = previousRecord({ [idOf(object)]: appliedEntry(object) }, { lastTried: '2024-01-01T00:00:00Z' });
    const record = prepareClusterRecord(IDENTITY, 2, [object], previous);
    expect(record.objects[idOf(object)]).toEqual(appliedEntry(object));
    expect(record.state).toBe('applied');
    expect(record.revision).toBe(2);
    expect(record.lastTried).toBe('2024-01-01T00:00:00Z');
  });

  test('a changed object is pending, remembering what was applied', () => {
    const before = virtualService('orders', 0);
    const after = virtualService('orders', 1);
    const previous = previousRecord({ [idOf(before)]: appliedEntry(before) });
    const record = prepareClusterRecord(IDENTITY, 2, [after], previous);
    expect(record.objects[idOf(after)]).toMatchObject({
      desired: hashObject(after),
      applied: hashObject(before),
      state: 'pending',
    });
    expect(record.state).toBe('pending');
  });

  test.each<ObjectState>(['pending', 'failed', 'removing'])(
    'an object last applied as it is now but %s is pending again',
    (state) => {
      const object = virtualService('orders');
      const previous = previousRecord({ [idOf(object)]: appliedEntry(object, state) });
      const record = prepareClusterRecord(IDENTITY, 2, [object], previous);
      expect(record.objects[idOf(object)]?.state).toBe('pending');
    },
  );

  test('an object no longer wanted is to be removed, keeping what was applied and the address it holds', () => {
    const gone = clientEntry('gone', '240.0.0.9');
    const kept = virtualService('kept');
    const previous = previousRecord({
      [idOf(gone)]: { ...appliedEntry(gone), holds: { host: 'gone.global', address: '240.0.0.9' } },
      [idOf(kept)]: appliedEntry(kept),
    });
    const record = prepareClusterRecord(IDENTITY, 2, [kept], previous);
    const entry = record.objects[idOf(gone)];
    expect(entry?.state).toBe('removing');
    expect(entry).not.toHaveProperty('desired');
    expect(entry?.applied).toBe(hashObject(gone));
    expect(entry?.holds).toEqual({ host: 'gone.global', address: '240.0.0.9' });
    expect(record.state).toBe('pending');
  });

  test('terminate: nothing desired, everything removing; nothing at all is removed', () => {
    const object = virtualService('orders');
    const previous = previousRecord({ [idOf(object)]: appliedEntry(object) });
    const terminating = prepareClusterRecord(IDENTITY, 3, [], previous);
    expect(Object.values(terminating.objects).map((entry) => entry.state)).toEqual(['removing']);
    expect(terminating.state).toBe('pending');
    expect(prepareClusterRecord(IDENTITY, 3, [], undefined)).toEqual({
      ...IDENTITY,
      revision: 3,
      state: 'removed',
      objects: {},
    });
  });

  test('a client ServiceEntry holds the address it was rendered with, the new one when it changes', () => {
    const before = clientEntry('orders', '240.0.0.1');
    const after = clientEntry('orders', '240.0.0.2');
    const previous = previousRecord({
      [idOf(before)]: { ...appliedEntry(before), holds: { host: 'orders.global', address: '240.0.0.1' } },
    });
    const record = prepareClusterRecord(IDENTITY, 2, [after], previous);
    expect(record.objects[idOf(after)]?.holds).toEqual({ host: 'orders.global', address: '240.0.0.2' });
  });

  test('objects without a virtual address hold none; cluster-wide objects are shared', () => {
    const plain = serviceEntry('plain', { hosts: ['plain.shop.svc.cluster.local'] });
    const record = prepareClusterRecord(IDENTITY, 1, [plain, virtualService('v'), peerAuthentication], undefined);
    expect(record.objects[idOf(plain)]).not.toHaveProperty('holds');
    expect(record.objects[idOf(plain)]).not.toHaveProperty('shared');
    expect(record.objects[idOf(virtualService('v'))]).not.toHaveProperty('shared');
    expect(record.objects[idOf(peerAuthentication)]?.shared).toBe(true);
    expect(record.objects[idOf(peerAuthentication)]).not.toHaveProperty('holds');
  });

  test('does not modify the previous record', () => {
    const object = virtualService('orders', 0);
    const previous = previousRecord({ [idOf(object)]: appliedEntry(object), 'Secret/x/y': appliedEntry(object) });
    const copy = structuredClone(previous);
    prepareClusterRecord(IDENTITY, 2, [virtualService('orders', 1)], previous);
    expect(previous).toEqual(copy);
  });

  test('property: one entry per desired or previously known object, desired ones with the desired hash', () => {
    const objectArb = fc
      .record({
        kind: fc.constantFrom('ServiceEntry', 'VirtualService', 'PeerAuthentication'),
        name: fc.constantFrom('a', 'b', 'c', 'd'),
        variant: fc.integer({ min: 0, max: 2 }),
      })
      .map(({ kind, name, variant }) => ({ ...virtualService(name, variant), kind }));
    const previousArb = fc.dictionary(
      fc.constantFrom('ServiceEntry/shop/a', 'VirtualService/shop/b', 'PeerAuthentication/shop/c', 'Secret/shop/d'),
      fc.record({
        applied: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        state: fc.constantFrom<ObjectState>('pending', 'applied', 'failed', 'removing'),
      }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(objectArb, { selector: idOf, maxLength: 6 }), previousArb, (desired, known) => {
        const objects: Record<string, ObjectEntry> = {};
        for (const [id, { applied, state }] of Object.entries(known)) {
          const [kind = '', , name = ''] = id.split('/');
          const object = { ...virtualService(name, applied ?? 0), kind };
          objects[id] = {
            ref: refOfObject(object),
            state,
            ...(applied === undefined ? {} : { applied: hashObject(object) }),
          };
        }
        const record = prepareClusterRecord(IDENTITY, 5, desired, previousRecord(objects));
        const wanted = new Set(desired.map(idOf));
        expect(Object.keys(record.objects).sort()).toEqual([...new Set([...wanted, ...Object.keys(objects)])].sort());
        for (const object of desired) {
          const entry = record.objects[idOf(object)]!;
          const before = objects[idOf(object)];
          expect(entry.desired).toBe(hashObject(object));
          const settled = before?.state === 'applied' && before.applied === hashObject(object);
          expect(entry.state).toBe(settled ? 'applied' : 'pending');
          expect(entry.applied).toBe(before?.applied);
        }
        for (const [id, entry] of Object.entries(record.objects)) {
          if (wanted.has(id)) continue;
          expect(entry.state).toBe('removing');
          expect(entry).not.toHaveProperty('desired');
          expect(entry.applied).toBe(objects[id]?.applied);
        }
        expect(record.state).toBe(clusterStateOf(record));
      }),
      { numRuns: 300 },
    );
  });
});

describe('clusterStateOf', () => {
  const entry = (state: ObjectState): ObjectEntry => ({
    ref: { apiVersion: 'v1', kind: 'Secret', name: state },
    state,
  });
  const of = (...states: ObjectState[]) =>
    clusterStateOf({ objects: Object.fromEntries(states.map((state, index) => [String(index), entry(state)])) });

  test.each<[ObjectState[], ClusterRecord['state']]>([
    [[], 'removed'],
    [['applied'], 'applied'],
    [['applied', 'applied'], 'applied'],
    [['applied', 'pending'], 'pending'],
    [['applied', 'removing'], 'pending'],
    [['removing'], 'pending'],
    [['applied', 'failed'], 'failed'],
    [['pending', 'failed', 'removing'], 'failed'],
  ])('%j → %s', (states, expected) => {
    expect(of(...states)).toBe(expected);
  });
});

describe('onlyRetried', () => {
  const applied = (tried: string): ClusterRecord => ({
    cluster: 'cluster-providers/p/clusters/c',
    name: 'p/c',
    target: 'kubernetes',
    revision: 2,
    state: 'applied',
    lastTried: tried,
    objects: {
      'Secret/ns/s': {
        ref: { apiVersion: 'v1', kind: 'Secret', namespace: 'ns', name: 's' },
        desired: 'h1',
        applied: 'h1',
        state: 'applied',
        lastTried: tried,
      },
    },
  });
  const before = applied('2026-01-01T00:00:00.000Z');
  const after = applied('2026-01-01T00:05:00.000Z');
  const changed = (edit: (record: ClusterRecord) => void) => {
    const record = structuredClone(after);
    edit(record);
    return record;
  };
  const entryOf = (record: ClusterRecord) => record.objects['Secret/ns/s'] as ObjectEntry;

  test('only the times moved: it may wait', () => {
    expect(onlyRetried(before, after)).toBe(true);
  });

  test.each<[string, (record: ClusterRecord) => void]>([
    ['an object applied anew', (record) => (entryOf(record).applied = 'h2')],
    ['drift found', (record) => (entryOf(record).drift = { kind: 'deleted', detectedAt: 't' })],
    ['an object gone from the record', (record) => (record.objects = {})],
    ['a failure', (record) => Object.assign(record, { state: 'failed', error: 'x', reason: 'timeout' })],
    ['another revision', (record) => (record.revision = 3)],
  ])('%s: it is saved at once', (_what, edit) => {
    expect(onlyRetried(before, changed(edit))).toBe(false);
  });

  test('a cluster that was not applied before is saved at once, even unchanged', () => {
    const pending = { ...before, state: 'pending' as const };
    expect(onlyRetried(pending, { ...after, state: 'pending' })).toBe(false);
  });
});
