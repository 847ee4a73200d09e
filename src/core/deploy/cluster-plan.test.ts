/**
 * planCluster decides what deploy may touch in a cluster, so its safety rules are
 * checked as properties over random small worlds: objects this group wants, and
 * live objects of this group, of other groups, cluster-wide ones and meshbridge
 * objects without an owner, with and without record entries.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ownerLabels, type RenderedObject } from '../render/objects.js';
import { planCluster, type ClusterPlan, type ClusterPlanInput } from './cluster-plan.js';
import { hashObject } from './object-hash.js';
import type { GroupRef } from './ownership.js';
import type { ObjectEntry, ObjectState } from './records.js';
import { refId, type LiveObject } from './refs.js';

const GROUP: GroupRef = { project: 'p', compositeApp: 'app', compositeAppVersion: 'v1', deploymentIntentGroup: 'dig' };

/** The order objects are applied in; removals go the other way. */
const APPLY_ORDER = [
  'ConfigMap',
  'Secret',
  'PeerAuthentication',
  'Gateway',
  'ServiceEntry',
  'DestinationRule',
  'VirtualService',
  'AuthorizationPolicy',
];

const API_VERSION: Record<string, string> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
};

const OWN_LABELS = ownerLabels({ ...GROUP, intentKind: 'routing', intent: 'orders' });
const CLUSTER_LABELS = ownerLabels(undefined);
/** A meshbridge object whose owner labels are missing: nobody's to take. */
const ORPHAN_LABELS = { 'app.kubernetes.io/managed-by': 'meshbridge', 'meshbridge.io/intent-kind': 'routing' };

function otherGroupOf(field: keyof GroupRef): GroupRef {
  return { ...GROUP, [field]: `${GROUP[field]}-other` };
}
const ownerNameOf = (group: GroupRef) =>
  `${group.project}/${group.compositeApp}/${group.compositeAppVersion}/${group.deploymentIntentGroup}`;

interface Named {
  kind: string;
  namespace?: string;
  name: string;
}

/** Content variant `variant` of an object: in `data` for ConfigMaps and Secrets, in `spec` otherwise. */
function content(kind: string, variant: number): Pick<RenderedObject, 'spec' | 'data'> {
  return kind === 'ConfigMap' || kind === 'Secret'
    ? { data: { value: String(variant) } }
    : { spec: { hosts: [`h${variant}.example`], variant } };
}

function makeObject(at: Named, labels: Record<string, string>, variant: number): RenderedObject {
  return {
    apiVersion: API_VERSION[at.kind] ?? 'networking.istio.io/v1',
    kind: at.kind,
    metadata: { name: at.name, ...(at.namespace === undefined ? {} : { namespace: at.namespace }), labels },
    ...content(at.kind, variant),
  };
}

const idOf = (at: Named) => `${at.kind}/${at.namespace ?? ''}/${at.name}`;

/** Who a live object belongs to, as the world was built (not as planCluster reads it). */
type LiveOwner =
  | { type: 'own' }
  | { type: 'cluster' }
  | { type: 'other'; differs: keyof GroupRef }
  | { type: 'orphan' }
  /** An exact copy of the desired object, plus whatever the server added. */
  | { type: 'copy' };

interface Slot extends Named {
  desired?: { variant: number; clusterWide: boolean };
  live?: { owner: LiveOwner; variant: number; serverLabels: boolean };
  entry?: { applied: 'desired' | 'other' | 'none'; state: ObjectState };
  sharedElsewhere: boolean;
}

const slotArb: fc.Arbitrary<Slot> = fc.record(
  {
    kind: fc.constantFrom(...APPLY_ORDER),
    namespace: fc.constantFrom('istio-system', 'shop'),
    name: fc.constantFrom('a', 'b', 'c'),
    desired: fc.record({ variant: fc.integer({ min: 0, max: 2 }), clusterWide: fc.boolean() }),
    live: fc.record({
      owner: fc.oneof(
        fc.constant({ type: 'own' as const }),
        fc.constant({ type: 'cluster' as const }),
        fc
          .constantFrom<keyof GroupRef>('project', 'compositeApp', 'compositeAppVersion', 'deploymentIntentGroup')
          .map((differs) => ({ type: 'other' as const, differs })),
        fc.constant({ type: 'orphan' as const }),
        fc.constant({ type: 'copy' as const }),
      ),
      variant: fc.integer({ min: 0, max: 2 }),
      serverLabels: fc.boolean(),
    }),
    entry: fc.record({
      applied: fc.constantFrom('desired' as const, 'other' as const, 'none' as const),
      state: fc.constantFrom<ObjectState>('pending', 'applied', 'failed', 'removing'),
    }),
    sharedElsewhere: fc.boolean(),
  },
  { requiredKeys: ['kind', 'namespace', 'name', 'sharedElsewhere'] },
);

const worldArb = fc.uniqueArray(slotArb, { selector: idOf, maxLength: 14 });

function desiredOf(slot: Slot): RenderedObject | undefined {
  if (!slot.desired) return undefined;
  return makeObject(slot, slot.desired.clusterWide ? CLUSTER_LABELS : OWN_LABELS, slot.desired.variant);
}

/** The owner of a slot's live object: a copy of the desired object is the desired object's kind of owner. */
function liveOwnerOf(slot: Slot): LiveOwner['type'] | undefined {
  const owner = slot.live?.owner;
  if (owner?.type !== 'copy') return owner?.type;
  if (!slot.desired) return 'own';
  return slot.desired.clusterWide ? 'cluster' : 'own';
}

function liveOf(slot: Slot): LiveObject | undefined {
  const live = slot.live;
  if (!live) return undefined;
  const server = live.serverLabels ? { 'kubernetes.io/added-by-server': 'x' } : {};
  const desired = desiredOf(slot);
  let object: RenderedObject;
  if (live.owner.type === 'copy' && desired) {
    object = structuredClone(desired);
  } else if (live.owner.type === 'other') {
    const other = otherGroupOf(live.owner.differs);
    object = makeObject(slot, ownerLabels({ ...other, intentKind: 'routing', intent: 'orders' }), live.variant);
  } else if (live.owner.type === 'cluster') {
    object = makeObject(slot, CLUSTER_LABELS, live.variant);
  } else if (live.owner.type === 'orphan') {
    object = makeObject(slot, ORPHAN_LABELS, live.variant);
  } else {
    object = makeObject(slot, OWN_LABELS, live.variant);
  }
  const annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  return {
    ...object,
    metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...server }, annotations },
  } as LiveObject;
}

function entryOf(slot: Slot): ObjectEntry | undefined {
  if (!slot.entry) return undefined;
  const desired = desiredOf(slot);
  const ref = { apiVersion: 'networking.istio.io/v1', kind: slot.kind, namespace: slot.namespace, name: slot.name };
  const applied =
    slot.entry.applied === 'desired' && desired
      ? hashObject(desired)
      : slot.entry.applied === 'none'
        ? undefined
        : hashObject(makeObject(slot, OWN_LABELS, 99));
  return {
    ref,
    state: slot.entry.state,
    ...(applied === undefined ? {} : { applied }),
    ...(desired ? { desired: hashObject(desired) } : {}),
  };
}

function inputOf(world: readonly Slot[], order: 'as-is' | 'reversed' = 'as-is'): ClusterPlanInput {
  const slots = order === 'reversed' ? [...world].reverse() : world;
  const entries: Record<string, ObjectEntry> = {};
  for (const slot of slots) {
    const entry = entryOf(slot);
    if (entry) entries[idOf(slot)] = entry;
  }
  return {
    group: GROUP,
    desired: slots.map(desiredOf).filter((object) => object !== undefined),
    entries,
    live: slots.map(liveOf).filter((object) => object !== undefined),
    sharedElsewhere: new Set(slots.filter((slot) => slot.sharedElsewhere).map(idOf)),
  };
}

const idOfObject = (object: RenderedObject) =>
  idOf({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name });
const ids = (steps: readonly { object: RenderedObject }[]) => steps.map(({ object }) => idOfObject(object));

function classify(plan: ClusterPlan): Map<string, string[]> {
  const where = new Map<string, string[]>();
  const note = (id: string, bucket: string) => where.set(id, [...(where.get(id) ?? []), bucket]);
  for (const id of ids(plan.apply)) note(id, 'apply');
  for (const id of ids(plan.unchanged)) note(id, 'unchanged');
  for (const id of ids(plan.blocked)) note(id, 'blocked');
  return where;
}

const RUNS = { numRuns: 500 };

describe('planCluster, over random worlds', () => {
  test('removes only what carries this group’s labels, or is cluster-wide, in its entries and wanted nowhere else', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = planCluster(inputOf(world));
        const slots = new Map(world.map((slot) => [idOf(slot), slot]));
        for (const ref of plan.remove) {
          const slot = slots.get(refId(ref));
          expect(slot?.live, refId(ref)).toBeDefined();
          const owner = liveOwnerOf(slot!);
          const allowed =
            owner === 'own' || (owner === 'cluster' && slot!.entry !== undefined && !slot!.sharedElsewhere);
          expect(allowed, `${refId(ref)} (${owner}) removed`).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('removes everything of its own it no longer wants (and nothing twice)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = planCluster(inputOf(world));
        const expected = world
          .filter((slot) => !slot.desired && slot.live)
          .filter((slot) => {
            const owner = liveOwnerOf(slot);
            return owner === 'own' || (owner === 'cluster' && slot.entry !== undefined && !slot.sharedElsewhere);
          })
          .map(idOf)
          .sort();
        expect(plan.remove.map(refId).sort()).toEqual(expected);
      }),
      RUNS,
    );
  });

  test('never removes a desired object', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const input = inputOf(world);
        const plan = planCluster(input);
        const desired = new Set(world.filter((slot) => slot.desired).map(idOf));
        for (const ref of plan.remove) expect(desired.has(refId(ref)), refId(ref)).toBe(false);
      }),
      RUNS,
    );
  });

  test('puts every desired object in exactly one of apply, unchanged and blocked', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const input = inputOf(world);
        const plan = planCluster(input);
        const where = classify(plan);
        const desired = world.filter((slot) => slot.desired).map(idOf);
        expect([...where.keys()].sort()).toEqual([...desired].sort());
        for (const id of desired) expect(where.get(id), id).toHaveLength(1);
        expect(plan.apply.length + plan.unchanged.length + plan.blocked.length).toBe(input.desired.length);
      }),
      RUNS,
    );
  });

  test('never applies over another owner’s object: it is blocked, naming the owner', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = planCluster(inputOf(world));
        const blocked = new Map(plan.blocked.map((step) => [idOfObject(step.object), step]));
        for (const slot of world.filter((s) => s.desired)) {
          const owner = slot.live?.owner;
          const id = idOf(slot);
          if (owner?.type === 'other') {
            expect(blocked.get(id)?.owner, id).toBe(ownerNameOf(otherGroupOf(owner.differs)));
          } else if (owner?.type === 'orphan') {
            expect(blocked.get(id)?.owner, id).toBe('another owner');
          } else {
            expect(blocked.has(id), id).toBe(false);
          }
        }
        for (const step of plan.apply) {
          const slot = world.find((s) => idOf(s) === idOfObject(step.object));
          expect(['other', 'orphan']).not.toContain(slot?.live?.owner.type);
        }
      }),
      RUNS,
    );
  });

  test('applies only what changed: a desired object equal to its live copy is unchanged', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = planCluster(inputOf(world));
        const where = classify(plan);
        for (const slot of world.filter((s) => s.desired && s.live)) {
          const owner = liveOwnerOf(slot);
          if (owner !== 'own' && owner !== 'cluster') continue;
          const sameOwner = (owner === 'cluster') === slot.desired!.clusterWide;
          const equal = slot.live!.owner.type === 'copy' || (sameOwner && slot.live!.variant === slot.desired!.variant);
          expect(where.get(idOf(slot)), idOf(slot)).toEqual([equal ? 'unchanged' : 'apply']);
        }
      }),
      RUNS,
    );
  });

  test('creates what is missing (checking for foreign objects first); drift exactly when the entry says it was applied', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const input = inputOf(world);
        const plan = planCluster(input);
        const steps = new Map(plan.apply.map((step) => [idOfObject(step.object), step]));
        for (const slot of world.filter((s) => s.desired)) {
          const id = idOf(slot);
          const step = steps.get(id);
          const hash = hashObject(desiredOf(slot));
          const wasApplied = input.entries[id]?.applied === hash;
          if (!slot.live) {
            expect(step, id).toBeDefined();
            expect(step!.checkForeign).toBe(true);
            expect(step!.reason).toBe(wasApplied ? 'drift-deleted' : 'create');
          } else if (step) {
            expect(step.checkForeign).toBe(false);
            expect(step.reason).toBe(wasApplied ? 'drift-changed' : 'change');
          }
        }
      }),
      RUNS,
    );
  });

  test('every step carries the desired object and its hash', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const input = inputOf(world);
        const plan = planCluster(input);
        for (const step of [...plan.apply, ...plan.unchanged, ...plan.blocked]) {
          expect(input.desired).toContain(step.object);
          expect(step.hash).toBe(hashObject(step.object));
        }
      }),
      RUNS,
    );
  });

  test('applies in kind order and removes in the reverse kind order', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = planCluster(inputOf(world));
        const applied = plan.apply.map((step) => APPLY_ORDER.indexOf(step.object.kind));
        expect(applied).toEqual([...applied].sort((a, b) => a - b));
        const removed = plan.remove.map((ref) => APPLY_ORDER.indexOf(ref.kind));
        expect(removed).toEqual([...removed].sort((a, b) => b - a));
      }),
      RUNS,
    );
  });

  test('forgets exactly the entries of unwanted objects it does not remove', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const input = inputOf(world);
        const plan = planCluster(input);
        const removed = new Set(plan.remove.map(refId));
        const expected = Object.keys(input.entries)
          .filter((id) => !world.find((slot) => idOf(slot) === id)?.desired && !removed.has(id))
          .sort();
        expect([...plan.forget].sort()).toEqual(expected);
      }),
      RUNS,
    );
  });

  test('does not depend on the order of its inputs (but for the order of forget)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const sorted = (plan: ClusterPlan) => ({ ...plan, forget: [...plan.forget].sort() });
        expect(sorted(planCluster(inputOf(world, 'reversed')))).toEqual(sorted(planCluster(inputOf(world))));
      }),
      { numRuns: 200 },
    );
  });
});

describe('planCluster, examples', () => {
  const at = (kind: string, name: string, namespace = 'shop'): Named => ({ kind, name, namespace });
  const own = (slot: Named, variant = 0) => makeObject(slot, OWN_LABELS, variant);
  const asLive = (object: RenderedObject, extra: Record<string, string> = {}): LiveObject =>
    ({
      ...structuredClone(object),
      metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...extra } },
    }) as LiveObject;
  const input = (partial: Partial<ClusterPlanInput>): ClusterPlanInput => ({
    group: GROUP,
    desired: [],
    entries: {},
    live: [],
    sharedElsewhere: new Set(),
    ...partial,
  });
  const entry = (object: RenderedObject, applied?: RenderedObject): ObjectEntry => ({
    ref: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
    },
    desired: hashObject(object),
    ...(applied ? { applied: hashObject(applied) } : {}),
    state: applied ? 'applied' : 'pending',
  });

  test('an empty cluster gets everything created, dependencies first', () => {
    const desired = [
      own(at('AuthorizationPolicy', 'a')),
      own(at('VirtualService', 'v')),
      own(at('Gateway', 'g')),
      own(at('Secret', 's')),
    ];
    const plan = planCluster(input({ desired }));
    expect(plan.apply.map((step) => [step.object.kind, step.reason, step.checkForeign])).toEqual([
      ['Secret', 'create', true],
      ['Gateway', 'create', true],
      ['VirtualService', 'create', true],
      ['AuthorizationPolicy', 'create', true],
    ]);
    expect(plan.remove).toEqual([]);
    expect(plan.unchanged).toEqual([]);
    expect(plan.forget).toEqual([]);
  });

  test('an object others decorated is unchanged; one whose fields were edited by hand is re-applied as drift', () => {
    const kept = own(at('ServiceEntry', 'kept'));
    const edited = own(at('ServiceEntry', 'edited'));
    const plan = planCluster(
      input({
        desired: [kept, edited],
        entries: {
          [idOf(at('ServiceEntry', 'kept'))]: entry(kept, kept),
          [idOf(at('ServiceEntry', 'edited'))]: entry(edited, edited),
        },
        live: [
          { ...asLive(kept, { 'server/added': 'yes' }), spec: { ...kept.spec, addedBySomeoneElse: true } },
          { ...asLive(edited), spec: { ...edited.spec, hosts: ['edited.by.hand'] } },
        ],
      }),
    );
    expect(plan.unchanged.map((step) => step.object)).toEqual([kept]);
    expect(plan.apply).toEqual([
      { object: edited, hash: hashObject(edited), reason: 'drift-changed', checkForeign: false },
    ]);
  });

  test('a new revision of an object is a change, not drift', () => {
    const before = own(at('VirtualService', 'v'), 0);
    const after = own(at('VirtualService', 'v'), 1);
    const plan = planCluster(
      input({
        desired: [after],
        entries: { [idOf(at('VirtualService', 'v'))]: entry(after, before) },
        live: [asLive(before)],
      }),
    );
    expect(plan.apply.map((step) => step.reason)).toEqual(['change']);
  });

  test('an applied object deleted by hand is re-created as drift', () => {
    const object = own(at('DestinationRule', 'd'));
    const plan = planCluster(
      input({ desired: [object], entries: { [idOf(at('DestinationRule', 'd'))]: entry(object, object) } }),
    );
    expect(plan.apply).toEqual([{ object, hash: hashObject(object), reason: 'drift-deleted', checkForeign: true }]);
  });

  test('another group’s object of the same name is blocked, and not removed', () => {
    const object = own(at('VirtualService', 'shared-name'));
    const theirs = makeObject(
      at('VirtualService', 'shared-name'),
      ownerLabels({ ...GROUP, deploymentIntentGroup: 'theirs', intentKind: 'inbound', intent: 'x' }),
      0,
    );
    const plan = planCluster(input({ desired: [object], live: [asLive(theirs)] }));
    expect(plan.blocked).toEqual([{ object, hash: hashObject(object), owner: 'p/app/v1/theirs' }]);
    expect(plan.apply).toEqual([]);
    expect(planCluster(input({ live: [asLive(theirs)] })).remove).toEqual([]);
  });

  test('a cluster-wide object another group still wants stays, and its entry is forgotten', () => {
    const gateway = makeObject(at('Gateway', 'meshbridge-cross-network', 'istio-system'), CLUSTER_LABELS, 0);
    const id = idOf(at('Gateway', 'meshbridge-cross-network', 'istio-system'));
    const plan = planCluster(
      input({ entries: { [id]: entry(gateway, gateway) }, live: [asLive(gateway)], sharedElsewhere: new Set([id]) }),
    );
    expect(plan.remove).toEqual([]);
    expect(plan.forget).toEqual([id]);
    const alone = planCluster(input({ entries: { [id]: entry(gateway, gateway) }, live: [asLive(gateway)] }));
    expect(alone.remove).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        namespace: 'istio-system',
        name: 'meshbridge-cross-network',
      },
    ]);
    expect(alone.forget).toEqual([]);
  });

  test.each([
    ['PeerAuthentication', 'default', 'istio-system'],
    ['ConfigMap', 'coredns', 'kube-system'],
  ])('an earlier release’s %s %s/%s is relinquished: never removed, its entry forgotten', (kind, name, namespace) => {
    const platform = makeObject(at(kind, name, namespace), CLUSTER_LABELS, 0);
    const id = idOf(at(kind, name, namespace));
    const plan = planCluster(input({ entries: { [id]: entry(platform, platform) }, live: [asLive(platform)] }));
    expect(plan.remove).toEqual([]);
    expect(plan.forget).toEqual([id]);
  });

  test('a cluster-wide object this group never recorded is not removed', () => {
    const peer = makeObject(at('PeerAuthentication', 'default', 'istio-system'), CLUSTER_LABELS, 0);
    expect(planCluster(input({ live: [asLive(peer)] })).remove).toEqual([]);
  });

  test('objects it no longer wants go dependents first, whether recorded or not', () => {
    const live = ['Gateway', 'AuthorizationPolicy', 'ServiceEntry', 'Secret', 'VirtualService', 'DestinationRule'].map(
      (kind) => asLive(own(at(kind, 'x'))),
    );
    const plan = planCluster(input({ live }));
    expect(plan.remove.map((ref) => ref.kind)).toEqual([
      'AuthorizationPolicy',
      'VirtualService',
      'DestinationRule',
      'ServiceEntry',
      'Gateway',
      'Secret',
    ]);
  });

  test('an entry whose object is gone is forgotten; a wanted one is kept', () => {
    const gone = own(at('ServiceEntry', 'gone'));
    const wanted = own(at('ServiceEntry', 'wanted'));
    const plan = planCluster(
      input({
        desired: [wanted],
        entries: {
          [idOf(at('ServiceEntry', 'gone'))]: entry(gone, gone),
          [idOf(at('ServiceEntry', 'wanted'))]: entry(wanted),
        },
      }),
    );
    expect(plan.forget).toEqual([idOf(at('ServiceEntry', 'gone'))]);
  });
});
