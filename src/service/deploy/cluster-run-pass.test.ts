/** A cluster's work within a reconcile pass: planned from the pass's snapshot, a session only to write. */
import { describe, expect, test } from 'vitest';
import { prepareClusterRecord } from '../../core/deploy/entries.js';
import { groupLabels, type GroupRef } from '../../core/deploy/ownership.js';
import { refId, refOf, type LiveObject, type ObjectRef } from '../../core/deploy/refs.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { runCluster, type ClusterJob } from './cluster-run.js';
import { PassSnapshot } from './pass-snapshot.js';
import type { ClusterSession, DeployTarget } from './target.js';

const group = (name: string): GroupRef => ({
  project: 'p',
  compositeApp: 'a',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: name,
});

const policy = (owner: GroupRef, name = 'x'): RenderedObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: 'shop', labels: groupLabels(owner) },
  spec: { action: 'ALLOW' },
});

/** A target over a map of objects, counting its reads, sessions and applies. */
function memoryTarget() {
  const objects = new Map<string, LiveObject>();
  const counts = { reads: 0, sessions: 0, applies: 0 };
  const session: ClusterSession = {
    list: async () => [...objects.values()],
    get: async (ref: ObjectRef) => objects.get(refId(ref)),
    apply: async (object: RenderedObject) => {
      counts.applies++;
      objects.set(refId(refOf(object)), structuredClone(object));
    },
    remove: async (ref: ObjectRef) => (objects.delete(refId(ref)) ? 'deleted' : 'absent'),
  };
  const target: DeployTarget = {
    name: 'kubernetes',
    session: async (_cluster, _context, work) => {
      counts.sessions++;
      return work(session);
    },
    read: async () => {
      counts.reads++;
      return [...objects.values()];
    },
  };
  return { objects, counts, target };
}

function job(target: DeployTarget, owner: GroupRef, desired: RenderedObject[], snapshot: PassSnapshot): ClusterJob {
  return {
    group: owner,
    cluster: { key: 'cluster-providers/edge/clusters/c1', provider: 'edge', name: 'c1', spec: {} },
    target,
    context: { group: 'g', revision: 1, action: 'reconcile' },
    desired,
    record: prepareClusterRecord(
      { cluster: 'cluster-providers/edge/clusters/c1', name: 'edge/c1', target: 'kubernetes' },
      1,
      desired,
      undefined,
    ),
    sharedElsewhere: new Set(),
    snapshot,
    writes: snapshot,
  };
}

const OPTIONS = { policy: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 1000 }, now: () => 'now' };

describe('a cluster in a reconcile pass', () => {
  test('groups with nothing to do open no session; the cluster is read once for all of them', async () => {
    const { objects, counts, target } = memoryTarget();
    const owners = [group('g1'), group('g2'), group('g3')];
    for (const owner of owners)
      objects.set(refId(refOf(policy(owner, owner.deploymentIntentGroup))), policy(owner, owner.deploymentIntentGroup));
    const snapshot = new PassSnapshot();
    for (const owner of owners) {
      const result = await runCluster(
        job(target, owner, [policy(owner, owner.deploymentIntentGroup)], snapshot),
        OPTIONS,
      );
      expect(result.state).toBe('applied');
    }
    expect(counts).toEqual({ reads: 1, sessions: 0, applies: 0 });
  });

  test('an object made by another group after the snapshot is read before creating, and never taken over', async () => {
    const { objects, counts, target } = memoryTarget();
    const snapshot = new PassSnapshot();
    const first = group('g1');
    const second = group('g2');
    // The pass reads the cluster (empty) for the first group, which wants nothing there.
    expect((await runCluster(job(target, first, [], snapshot), OPTIONS)).state).toBe('removed');
    // Meanwhile, unseen by the snapshot, g1's object of that name appears.
    objects.set(refId(refOf(policy(first))), policy(first));
    const result = await runCluster(job(target, second, [policy(second)], snapshot), OPTIONS);
    expect(result.objects[refId(refOf(policy(second)))]).toMatchObject({ state: 'failed', reason: 'not-owned' });
    expect(result.objects[refId(refOf(policy(second)))]?.error).toMatch(/belongs to p\/a\/v1\/g1/);
    expect(objects.get(refId(refOf(policy(first))))?.metadata.labels).toEqual(groupLabels(first));
    expect(counts.applies).toBe(0);
  });

  test('what one group writes, the next group on the cluster sees without reading again', async () => {
    const { counts, target } = memoryTarget();
    const snapshot = new PassSnapshot();
    const first = group('g1');
    const second = group('g2');
    expect((await runCluster(job(target, first, [policy(first)], snapshot), OPTIONS)).state).toBe('applied');
    const result = await runCluster(job(target, second, [policy(second)], snapshot), OPTIONS);
    // The snapshot shows g1's object: g2's is blocked by it without a read by name.
    expect(result.objects[refId(refOf(policy(second)))]).toMatchObject({ state: 'failed', reason: 'not-owned' });
    expect(counts).toEqual({ reads: 1, sessions: 1, applies: 1 });
  });

  test('what a git-like target wrote in a session that then failed is not in the reading the pass shares', async () => {
    const { counts, target } = memoryTarget();
    // Stages its writes and then fails to commit them: the cluster never holds them.
    const failingCommit: DeployTarget = {
      ...target,
      atomic: true,
      session: async (cluster, context, work) => {
        await target.session(cluster, context, (session) =>
          work({ ...session, apply: async () => undefined, remove: async () => 'deleted' }),
        );
        throw new Error('push rejected');
      },
    };
    const snapshot = new PassSnapshot();
    const first = group('g1');
    const second = group('g2');
    expect((await runCluster(job(failingCommit, first, [policy(first)], snapshot), OPTIONS)).state).toBe('failed');
    // Nothing was committed, so g2 finds the name free in the pass's reading and checks the cluster by name.
    expect((await runCluster(job(target, second, [policy(second)], snapshot), OPTIONS)).state).toBe('applied');
    expect(counts.reads).toBe(1);
    expect(counts.applies).toBe(1);
  });
});
