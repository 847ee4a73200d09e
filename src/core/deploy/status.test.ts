import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ClusterRecord, GroupRecord, ObjectEntry, ObjectState } from './records.js';
import { groupStatus } from './status.js';

const GROUP_RECORD: GroupRecord = { state: 'Instantiated', approved: true, revision: 2, latestRevision: 2 };

const stateArb = fc.constantFrom<ObjectState>('pending', 'applied', 'failed', 'removing');

const entryArb: fc.Arbitrary<ObjectEntry> = fc.record(
  {
    ref: fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constantFrom('ServiceEntry', 'VirtualService'),
      namespace: fc.constant('shop'),
      name: fc.stringMatching(/^[a-z]{1,5}$/),
    }),
    state: stateArb,
    desired: fc.constant('d'.repeat(16)),
    applied: fc.constant('a'.repeat(16)),
    holds: fc.record({ host: fc.constant('h.global'), address: fc.constant('240.0.0.1') }),
    shared: fc.constant(true),
    error: fc.constant('boom'),
  },
  { requiredKeys: ['ref', 'state'] },
);

const clusterArb: fc.Arbitrary<ClusterRecord> = fc
  .record({
    provider: fc.constantFrom('edge', 'core', 'alpha'),
    name: fc.stringMatching(/^c[0-9]{1,2}$/),
    state: fc.constantFrom<ClusterRecord['state']>('pending', 'applied', 'failed', 'removed'),
    entries: fc.array(entryArb, { maxLength: 6 }),
  })
  .map(({ provider, name, state, entries }) => ({
    cluster: `cluster-providers/${provider}/clusters/${name}`,
    name: `${provider}/${name}`,
    target: 'kubernetes',
    revision: 2,
    state,
    objects: Object.fromEntries(entries.map((entry, index) => [`${index}`, entry])),
  }));

describe('groupStatus', () => {
  test('property: counts and summary add up, clusters sorted by name, ledger fields hidden', () => {
    fc.assert(
      fc.property(fc.array(clusterArb, { maxLength: 5 }), (clusters) => {
        const status = groupStatus('g', GROUP_RECORD, clusters);
        expect(status.summary.clusters).toBe(clusters.length);
        expect(status.summary.clustersFailed).toBe(clusters.filter((cluster) => cluster.state === 'failed').length);
        const entries = clusters.flatMap((cluster) => Object.values(cluster.objects));
        expect(status.summary.objects).toBe(entries.length);
        for (const state of ['pending', 'applied', 'failed', 'removing'] as const) {
          expect(status.summary[state], state).toBe(entries.filter((entry) => entry.state === state).length);
        }
        const { pending, applied, failed, removing, objects } = status.summary;
        expect(pending + applied + failed + removing).toBe(objects);
        const names = status.clusters.map((cluster) => cluster.cluster);
        expect(names).toEqual(clusters.map((cluster) => cluster.name).sort());
        for (const view of status.clusters) {
          const { pending: p, applied: a, failed: f, removing: r } = view.counts;
          expect(p + a + f + r).toBe(view.objects.length);
          for (const object of view.objects) {
            expect(object).not.toHaveProperty('holds');
            expect(object).not.toHaveProperty('shared');
            expect(object).not.toHaveProperty('ref');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('shows each cluster by name with its objects flattened', () => {
    const record: ClusterRecord = {
      cluster: 'cluster-providers/edge/clusters/c1',
      name: 'edge/c1',
      target: 'gitops',
      revision: 2,
      state: 'failed',
      lastTried: '2024-01-01T00:00:00Z',
      error: 'denied',
      reason: 'forbidden',
      objects: {
        'ServiceEntry/shop/a': {
          ref: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'shop', name: 'a' },
          desired: 'd1',
          applied: 'a1',
          state: 'failed',
          error: 'denied',
          reason: 'forbidden',
          lastTried: '2024-01-01T00:00:00Z',
          drift: { kind: 'changed', detectedAt: '2023-12-31T00:00:00Z' },
          holds: { host: 'a.global', address: '240.0.0.1' },
        },
        'PeerAuthentication/istio-system/default': {
          ref: {
            apiVersion: 'security.istio.io/v1',
            kind: 'PeerAuthentication',
            namespace: 'istio-system',
            name: 'default',
          },
          applied: 'a2',
          state: 'removing',
          shared: true,
        },
      },
    };
    const operation = {
      action: 'update' as const,
      revision: 2,
      startedAt: 's',
      finishedAt: 'f',
      status: 'failed' as const,
    };
    expect(groupStatus('projects/p/dig', { ...GROUP_RECORD, state: 'UpdateFailed', operation }, [record])).toEqual({
      group: 'projects/p/dig',
      state: 'UpdateFailed',
      approved: true,
      revision: 2,
      latestRevision: 2,
      operation,
      summary: { clusters: 1, clustersFailed: 1, objects: 2, pending: 0, applied: 0, failed: 1, removing: 1 },
      clusters: [
        {
          cluster: 'edge/c1',
          target: 'gitops',
          state: 'failed',
          revision: 2,
          lastTried: '2024-01-01T00:00:00Z',
          error: 'denied',
          reason: 'forbidden',
          counts: { pending: 0, applied: 0, failed: 1, removing: 1 },
          drift: { objects: 1, lastDetectedAt: '2023-12-31T00:00:00Z' },
          objects: [
            {
              apiVersion: 'networking.istio.io/v1',
              kind: 'ServiceEntry',
              namespace: 'shop',
              name: 'a',
              desired: 'd1',
              applied: 'a1',
              state: 'failed',
              error: 'denied',
              reason: 'forbidden',
              lastTried: '2024-01-01T00:00:00Z',
              drift: { kind: 'changed', detectedAt: '2023-12-31T00:00:00Z' },
            },
            {
              apiVersion: 'security.istio.io/v1',
              kind: 'PeerAuthentication',
              namespace: 'istio-system',
              name: 'default',
              applied: 'a2',
              state: 'removing',
            },
          ],
        },
      ],
    });
  });

  test('a group with no clusters and no operation', () => {
    const status = groupStatus('g', { state: 'Created', approved: false, revision: 0, latestRevision: 0 }, []);
    expect(status).toStrictEqual({
      group: 'g',
      state: 'Created',
      approved: false,
      revision: 0,
      latestRevision: 0,
      summary: { clusters: 0, clustersFailed: 0, objects: 0, pending: 0, applied: 0, failed: 0, removing: 0 },
      clusters: [],
    });
  });
});
