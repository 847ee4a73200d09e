import { describe, expect, test } from 'vitest';
import { ownerLabels, type RenderedObject } from '../render/objects.js';
import { appliedSide } from './applied.js';
import { clusterStateOf } from './entries.js';
import { hashObject } from './object-hash.js';
import type { ClusterRecord, ObjectEntry, ObjectState, RevisionRecord } from './records.js';
import { refId, refOf } from './refs.js';

const C1 = 'cluster-providers/edge/clusters/c1';
const C2 = 'cluster-providers/edge/clusters/c2';
const LABELS = ownerLabels({
  project: 'p',
  compositeApp: 'app',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'dig',
  intentKind: 'routing',
  intent: 'orders',
});

const service = (name: string, variant: number): RenderedObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop', labels: LABELS },
  spec: { hosts: [name], variant },
});

function revision(number: number, clusters: Record<string, RenderedObject[]>): RevisionRecord {
  return { revision: number, action: number === 1 ? 'instantiate' : 'update', createdAt: 't', clusters };
}

function entry(object: RenderedObject, state: ObjectState, applied?: RenderedObject): ObjectEntry {
  return {
    ref: refOf(object),
    desired: hashObject(object),
    state,
    ...(applied ? { applied: hashObject(applied) } : {}),
  };
}

function record(cluster: string, entries: ObjectEntry[]): ClusterRecord {
  const objects = Object.fromEntries(entries.map((item) => [refId(item.ref), item]));
  return { cluster, name: cluster, target: 'kubernetes', revision: 2, state: clusterStateOf({ objects }), objects };
}

describe('what the records say the clusters hold', () => {
  const a1 = service('a', 1);
  const a2 = service('a', 2);
  const b2 = service('b', 2);
  const revisions = [revision(1, { [C1]: [a1] }), revision(2, { [C1]: [a2, b2], [C2]: [b2] })];

  test('an object is there as it was last applied: an older revision when the newer one failed, nothing when never applied', () => {
    const records = [
      record(C1, [entry(a2, 'failed', a1), entry(b2, 'failed')]),
      record(C2, [entry(b2, 'applied', b2)]),
    ];
    const { side, missing } = appliedSide(records, revisions);
    expect(missing).toBe(0);
    expect(side.clusters).toEqual({ [C1]: [a1], [C2]: [b2] });
  });

  test('with only the current revision at hand, an older applied object is counted missing, never guessed', () => {
    const records = [record(C1, [entry(a2, 'failed', a1)])];
    expect(appliedSide(records, [revisions[1] as RevisionRecord])).toEqual({ side: { clusters: {} }, missing: 1 });
  });

  test('an object being removed is there until its deletion succeeded', () => {
    const removing: ObjectEntry = { ref: refOf(a1), state: 'removing', applied: hashObject(a1) };
    expect(appliedSide([record(C1, [removing])], revisions).side.clusters).toEqual({ [C1]: [a1] });
  });
});
