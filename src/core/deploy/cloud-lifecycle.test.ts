import { describe, expect, test } from 'vitest';
import { ConflictError } from '../errors.js';
import {
  checkCloudInstantiate,
  checkCloudTerminate,
  cloudStateOf,
  groupHoldsCloud,
  type CloudFacts,
} from './cloud-lifecycle.js';
import type { GroupState } from './records.js';

const admin = { metadata: { name: 'default' }, spec: { level: '0' } };
const standard = { metadata: { name: 'lc1' }, spec: { namespace: 'ns1' } };
const facts = (overrides: Partial<CloudFacts>): CloudFacts => ({
  cloud: admin,
  state: 'Created',
  clusterReferences: 2,
  permissionNamespaces: [],
  ...overrides,
});

const refusal = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConflictError);
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe('instantiate (EMCO DCM Instantiate)', () => {
  test('an admin cloud with clusters needs nothing more; Terminated may be instantiated again', () => {
    expect(() => checkCloudInstantiate(facts({}))).not.toThrow();
    expect(() => checkCloudInstantiate(facts({ state: 'Terminated' }))).not.toThrow();
  });

  test('refused when already instantiated, or without cluster references', () => {
    expect(refusal(() => checkCloudInstantiate(facts({ state: 'Instantiated' })))).toBe(
      'The Logical Cloud is already instantiated',
    );
    expect(refusal(() => checkCloudInstantiate(facts({ clusterReferences: 0 })))).toContain('no cluster references');
  });

  test('a standard cloud needs a permission whose namespace is its own; cluster-wide or other namespaces do not count', () => {
    for (const namespaces of [[], [undefined], ['istio-system']]) {
      expect(
        refusal(() => checkCloudInstantiate(facts({ cloud: standard, permissionNamespaces: namespaces }))),
      ).toContain('require a User Permission assigned to its primary namespace');
    }
    expect(() =>
      checkCloudInstantiate(facts({ cloud: standard, permissionNamespaces: ['istio-system', 'ns1'] })),
    ).not.toThrow();
  });
});

describe('terminate', () => {
  test('only an instantiated cloud, and only with no group of it instantiated', () => {
    expect(() => checkCloudTerminate('Instantiated', [])).not.toThrow();
    expect(refusal(() => checkCloudTerminate('Terminated', []))).toBe('The Logical Cloud has already been terminated');
    expect(refusal(() => checkCloudTerminate('Created', []))).toContain('never instantiated');
    const two = [
      { key: 'projects/p/composite-apps/a/v1/deployment-intent-groups/g1', state: 'Instantiated' as const },
      { key: 'projects/p/composite-apps/b/v1/deployment-intent-groups/g2', state: 'Updating' as const },
    ];
    try {
      checkCloudTerminate('Instantiated', two);
      throw new Error('not refused');
    } catch (error) {
      expect((error as ConflictError).message).toContain('2 deployment intent groups of this logical cloud are');
      expect((error as ConflictError).details.map((detail) => detail.path)).toEqual(two.map((g) => `/v2/${g.key}`));
    }
  });

  test('a group holds its cloud from instantiating until it is terminated', () => {
    const holds = (state: GroupState) => groupHoldsCloud({ state, approved: true, revision: 1, latestRevision: 1 });
    for (const state of ['Created', 'Approved', 'Terminated'] as const) expect(holds(state)).toBe(false);
    for (const state of [
      'Instantiating',
      'Instantiated',
      'InstantiateFailed',
      'Updating',
      'UpdateFailed',
      'Terminating',
      'TerminateFailed',
    ] as const)
      expect(holds(state)).toBe(true);
  });
});

test("a record is about the cloud that was there when it was written: a cloud made again is 'Created'", () => {
  const record = { state: 'Instantiated' as const, at: '2026-12-07T20:00:00.000Z', cloudCreatedAt: 'T1' };
  expect(cloudStateOf(record, 'T1')).toEqual({ state: 'Instantiated', at: record.at });
  expect(cloudStateOf(record, 'T2')).toEqual({ state: 'Created' });
  expect(cloudStateOf(undefined, 'T1')).toEqual({ state: 'Created' });
});
