import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managedContent, recordUpdate, serverSideApply, type ApplyInput } from './apply.js';
import { decodeFieldsV1, encodeFieldsV1, leafPaths, type FieldPath } from './fields.js';
import { KubeError } from './status.js';
import type { ManagedFieldsEntry } from './types.js';

const TIME = '2024-05-01T10:00:00Z';
const LATER = '2024-05-01T11:00:00Z';

function applyAs(
  manager: string,
  state: { content: Record<string, unknown>; managedFields: ManagedFieldsEntry[] },
  applied: Record<string, unknown>,
  extra: Partial<ApplyInput> = {},
) {
  return serverSideApply({
    current: state.content,
    managedFields: state.managedFields,
    applied,
    manager,
    apiVersion: 'networking.istio.io/v1',
    force: false,
    time: TIME,
    ...extra,
  });
}

const EMPTY = { content: {}, managedFields: [] as ManagedFieldsEntry[] };

function pathsOf(entries: ManagedFieldsEntry[], manager: string): string[] {
  const entry = entries.find((candidate) => candidate.manager === manager);
  return entry ? decodeFieldsV1(entry.fieldsV1).map((path) => path.join('.')) : [];
}

function conflictOf(run: () => unknown): KubeError {
  try {
    run();
  } catch (error) {
    if (error instanceof KubeError) return error;
    throw error;
  }
  throw new Error('expected a conflict');
}

describe('managedContent', () => {
  it('drops identity, status, server metadata and nulls but keeps labels and annotations', () => {
    const content = managedContent({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'b', uid: 'u', resourceVersion: '3', labels: { x: 'y' }, annotations: {} },
      data: { k: 'v', gone: null },
      status: { phase: 'x' },
    });
    expect(content).toEqual({ metadata: { labels: { x: 'y' }, annotations: {} }, data: { k: 'v' } });
  });
});

describe('serverSideApply', () => {
  it('creates with the applier owning every leaf, lists atomically', () => {
    const outcome = applyAs('meshbridge', EMPTY, {
      metadata: { labels: { app: 'a' } },
      spec: { hosts: ['a', 'b'], resolution: 'DNS' },
    });
    expect(outcome.content).toEqual({
      metadata: { labels: { app: 'a' } },
      spec: { hosts: ['a', 'b'], resolution: 'DNS' },
    });
    expect(outcome.managedFields).toEqual([
      {
        manager: 'meshbridge',
        operation: 'Apply',
        apiVersion: 'networking.istio.io/v1',
        time: TIME,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:hosts': {}, 'f:resolution': {} } },
      },
    ]);
  });

  it('removes the fields the applier stops sending, keeps the ones another manager owns', () => {
    const first = applyAs('meshbridge', EMPTY, {
      spec: { hosts: ['a'], resolution: 'DNS', location: 'MESH_EXTERNAL' },
    });
    const edited = recordUpdate({
      before: first.content,
      after: { spec: { hosts: ['a'], resolution: 'DNS', location: 'MESH_EXTERNAL', exportTo: ['.'] } },
      managedFields: first.managedFields,
      manager: 'kubectl-edit',
      apiVersion: 'networking.istio.io/v1',
      time: LATER,
    });
    const second = applyAs(
      'meshbridge',
      {
        content: { spec: { hosts: ['a'], resolution: 'DNS', location: 'MESH_EXTERNAL', exportTo: ['.'] } },
        managedFields: edited,
      },
      { spec: { hosts: ['a'] } },
    );
    expect(second.content).toEqual({ spec: { hosts: ['a'], exportTo: ['.'] } });
    expect(pathsOf(second.managedFields, 'meshbridge')).toEqual(['spec.hosts']);
    expect(pathsOf(second.managedFields, 'kubectl-edit')).toEqual(['spec.exportTo']);
  });

  it('keeps a removed field that another applier shares', () => {
    const one = applyAs('one', EMPTY, { spec: { hosts: ['a'] } });
    const two = applyAs('two', one, { spec: { hosts: ['a'] } });
    expect(pathsOf(two.managedFields, 'one')).toEqual(['spec.hosts']);
    expect(pathsOf(two.managedFields, 'two')).toEqual(['spec.hosts']);
    const oneLeaves = applyAs('one', two, {});
    expect(oneLeaves.content).toEqual({ spec: { hosts: ['a'] } });
    expect(oneLeaves.managedFields.map((entry) => entry.manager)).toEqual(['two']);
  });

  it('reports a changed field owned by another manager as a 409 with the cause, like the API server', () => {
    const mine = applyAs('meshbridge', EMPTY, { spec: { hosts: ['a'] } });
    const edited = recordUpdate({
      before: mine.content,
      after: { spec: { hosts: ['b'] } },
      managedFields: mine.managedFields,
      manager: 'kubectl-edit',
      apiVersion: 'networking.istio.io/v1',
      time: LATER,
    });
    expect(pathsOf(edited, 'meshbridge')).toEqual([]);
    const error = conflictOf(() =>
      applyAs('meshbridge', { content: { spec: { hosts: ['b'] } }, managedFields: edited }, { spec: { hosts: ['a'] } }),
    );
    expect(error.code).toBe(409);
    expect(error.reason).toBe('Conflict');
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using networking.istio.io/v1: .spec.hosts',
    );
    expect(error.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-edit" using networking.istio.io/v1',
        field: '.spec.hosts',
      },
    ]);
  });

  it('groups several conflicts per manager; an Apply manager is named without apiVersion', () => {
    const theirs = applyAs('other-tool', EMPTY, { spec: { a: 1, b: 2 } });
    const error = conflictOf(() => applyAs('meshbridge', theirs, { spec: { a: 3, b: 4 } }));
    expect(error.message).toBe('Apply failed with 2 conflicts: conflicts with "other-tool":\n- .spec.a\n- .spec.b');
    expect(error.details?.causes?.map((cause) => cause.field)).toEqual(['.spec.a', '.spec.b']);
  });

  it('with force takes the conflicting fields over and drops an emptied manager', () => {
    const theirs = applyAs('other-tool', EMPTY, { spec: { a: 1 } });
    const forced = applyAs('meshbridge', theirs, { spec: { a: 3 } }, { force: true });
    expect(forced.content).toEqual({ spec: { a: 3 } });
    expect(forced.managedFields.map((entry) => entry.manager)).toEqual(['meshbridge']);
  });

  it('is a no-op (same entries, same time) when nothing changes', () => {
    const first = applyAs('meshbridge', EMPTY, { spec: { a: 1 } });
    const again = applyAs('meshbridge', first, { spec: { a: 1 } }, { time: LATER });
    expect(again.managedFields).toEqual(first.managedFields);
    const changed = applyAs('meshbridge', first, { spec: { a: 2 } }, { time: LATER });
    expect(changed.managedFields[0]?.time).toBe(LATER);
  });

  it('treats an empty map as claiming the map, not clearing it', () => {
    const theirs = applyAs('other-tool', EMPTY, { spec: { a: 1 } });
    const mine = applyAs('meshbridge', theirs, { spec: {} });
    expect(mine.content).toEqual({ spec: { a: 1 } });
  });
});

describe('recordUpdate', () => {
  it('gives the updater only the fields it changed and drops removed fields from every set', () => {
    const mine = applyAs('meshbridge', EMPTY, { spec: { a: 1, b: 2, c: 3 } });
    const entries = recordUpdate({
      before: mine.content,
      after: { spec: { a: 1, b: 20, d: 4 } },
      managedFields: mine.managedFields,
      manager: 'kubectl-edit',
      apiVersion: 'networking.istio.io/v1',
      time: LATER,
    });
    expect(pathsOf(entries, 'meshbridge')).toEqual(['spec.a']);
    expect(pathsOf(entries, 'kubectl-edit')).toEqual(['spec.b', 'spec.d']);
    expect(entries[1]).toMatchObject({ operation: 'Update', time: LATER });
  });
});

// Small nested maps over few keys, so that configurations overlap often.
const scalar = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y', true));
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('p', 'q'), scalar, { maxKeys: 2 }),
);
const spec = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });
const config = (keys: string[]) =>
  fc.record({ spec: spec(keys) }, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;

describe('properties', () => {
  it('a sole applier ends with exactly its latest configuration', () => {
    fc.assert(
      fc.property(fc.array(config(['a', 'b', 'c']), { minLength: 1, maxLength: 4 }), (configs) => {
        let state = EMPTY;
        for (const applied of configs) state = applyAs('meshbridge', state, applied);
        expect(state.content).toEqual(configs[configs.length - 1]);
      }),
    );
  });

  it('appliers of disjoint fields never conflict and keep each other’s fields', () => {
    fc.assert(
      fc.property(config(['a', 'b']), config(['c', 'd']), config(['a', 'b']), (mine1, theirs, mine2) => {
        let state = applyAs('meshbridge', EMPTY, mine1);
        state = applyAs('other-tool', state, theirs);
        state = applyAs('meshbridge', state, mine2);
        const mineSpec = (mine2.spec ?? {}) as Record<string, unknown>;
        const theirSpec = (theirs.spec ?? {}) as Record<string, unknown>;
        expect((state.content.spec ?? {}) as Record<string, unknown>).toEqual({ ...mineSpec, ...theirSpec });
      }),
    );
  });

  it('FieldsV1 encoding round-trips leaf paths', () => {
    fc.assert(
      fc.property(config(['a', 'b', 'c']), (content) => {
        const paths = leafPaths(content).filter((path: FieldPath) => path.length > 0);
        const key = (list: readonly FieldPath[]) => list.map((path) => path.join('.')).sort();
        expect(key(decodeFieldsV1(encodeFieldsV1(paths)))).toEqual(key(paths));
      }),
    );
  });
});
