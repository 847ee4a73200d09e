/**
 * After a failed instantiate, every answer tells the truth (issue 11): a push the GitOps remote
 * rejects leaves the objects failed, never applied; the diff compares the intents with what the
 * records say the clusters hold, not with the failed revision; instantiate may be asked again;
 * the revisions say which one failed. Through the HTTP API, against a real bare repository
 * (which refuses every pack once `receive.maxInputSize` is 1 byte) and fake API servers.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import type { GroupStatus } from './core/deploy/status.js';
import { deployWorld, groupPaths, type DeployWorld } from './test-support/deploy.js';
import type { FakeKube } from './test-support/fake-kube/index.js';

let world: DeployWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FILE = 'seed-two-clouds.yaml';

async function lifecycle(target: DeployWorld, group: string, verb: string): Promise<GroupStatus> {
  const response = await target.request('POST', `${group}/${verb}`);
  expect(response.status, JSON.stringify(response.json)).toBe(202);
  await target.settle();
  return (await target.request('GET', `${group}/status`)).json as GroupStatus;
}

/** The bare repository refuses (or again accepts) every push. */
function refusePushes(repository: string, refuse: boolean): void {
  const args = refuse ? ['receive.maxInputSize', '1'] : ['--unset', 'receive.maxInputSize'];
  execFileSync('git', ['--git-dir', repository, 'config', ...args]);
}

const objectsOf = (status: GroupStatus) => status.clusters.flatMap((cluster) => cluster.objects);

async function diffIds(target: DeployWorld, group: string): Promise<{ create: string[]; change: string[] }> {
  const diff = (await target.request('GET', `${group}/diff`)).json as {
    clusters: { cluster: string; create: string[]; change: string[] }[];
  };
  return {
    create: diff.clusters.flatMap((cluster) => cluster.create.map((id) => `${cluster.cluster}/${id}`)).sort(),
    change: diff.clusters.flatMap((cluster) => cluster.change.map((id) => `${cluster.cluster}/${id}`)).sort(),
  };
}

async function revisionStates(target: DeployWorld, group: string): Promise<[number, string, string?][]> {
  const revisions = (await target.request('GET', `${group}/revisions`)).json as {
    revision: number;
    action: string;
    status?: string;
  }[];
  return revisions.map((revision) => [revision.revision, revision.action, revision.status]);
}

describe('a push the GitOps remote rejects', () => {
  test('fails the instantiate: every object failed with the push error, none applied; the diff still shows them all to create', async () => {
    world = await deployWorld(FILE, { target: 'gitops' });
    const [group] = (await groupPaths(FILE)) as [string];
    await lifecycle(world, group, 'approve');
    refusePushes(world.repository as string, true);

    const status = await lifecycle(world, group, 'instantiate');
    expect(status.state).toBe('InstantiateFailed');
    expect(status.summary.applied).toBe(0);
    const objects = objectsOf(status);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(object, `${object.kind}/${object.name}`).toMatchObject({ state: 'failed', reason: 'git-error' });
      expect(object.error).toMatch(/push/);
      expect(object.applied).toBeUndefined();
    }
    expect(status.clusters.every((cluster) => cluster.state === 'failed')).toBe(true);

    // The clusters hold nothing: the diff (what `deploy --dry-run` prints) creates every rendered object.
    const rendered = (await world.request('GET', `${group}/render`)).json as {
      clusters: { clusterProvider: string; cluster: string; resources: unknown[] }[];
    };
    const total = rendered.clusters.reduce((sum, cluster) => sum + cluster.resources.length, 0);
    const diff = await diffIds(world, group);
    expect(diff.create).toHaveLength(total);
    expect(diff.change).toEqual([]);
    expect(await revisionStates(world, group)).toEqual([[1, 'instantiate', 'failed']]);

    // instantiate again is allowed, and once the remote takes pushes, it succeeds.
    refusePushes(world.repository as string, false);
    const again = await lifecycle(world, group, 'instantiate');
    expect(again.state).toBe('Instantiated');
    expect(again.summary.applied).toBe(again.summary.objects);
    expect(await diffIds(world, group)).toEqual({ create: [], change: [] });
    expect(await revisionStates(world, group)).toEqual([
      [1, 'instantiate', 'failed'],
      [2, 'instantiate', 'succeeded'],
    ]);
  });

  test('fails an update: the objects keep what was pushed before, and the diff shows the change still to make', async () => {
    world = await deployWorld(FILE, { target: 'gitops' });
    const [group] = (await groupPaths(FILE)) as [string];
    await lifecycle(world, group, 'approve');
    await lifecycle(world, group, 'instantiate');
    const before = objectsOf((await world.request('GET', `${group}/status`)).json as GroupStatus);

    const changedIntent = await changeAnIntent(world);
    refusePushes(world.repository as string, true);
    const status = await lifecycle(world, group, 'update');
    expect(status.state).toBe('UpdateFailed');
    const failed = objectsOf(status).filter((object) => object.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const object of failed) {
      expect(object.reason).toBe('git-error');
      // What the repository holds is what revision 1 pushed.
      const was = before.find((item) => item.kind === object.kind && item.name === object.name);
      expect(object.applied).toBe(was?.applied);
      expect(object.applied).not.toBe(object.desired);
    }
    const diff = await diffIds(world, group);
    expect(diff.change.length + diff.create.length, changedIntent).toBeGreaterThan(0);
    expect(await revisionStates(world, group)).toEqual([
      [1, 'instantiate', 'succeeded'],
      [2, 'update', 'failed'],
    ]);
  });
});

/** Another port on seed-two-clouds' productpage inbound intent: the group renders differently; says where. */
async function changeAnIntent(target: DeployWorld): Promise<string> {
  const path = '/v2/projects/demo/composite-apps/blue-app/v1/traffic-intent-set/inbound-intents/productpage-inbound';
  const current = (await target.request('GET', path)).json as { spec: Record<string, unknown> };
  const body = { ...current, spec: { ...current.spec, port: '9080' } };
  const response = await target.request('PUT', path, body);
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return path;
}

describe('a cluster whose API server rejects the apply', () => {
  test('fails that cluster only; instantiate again is allowed and the diff shows only what is missing', async () => {
    world = await deployWorld(FILE, { target: 'kubernetes' });
    const [group] = (await groupPaths(FILE)) as [string];
    await lifecycle(world, group, 'approve');
    const broken = world.fleet.get('edge/cluster02') as FakeKube;
    broken.fault({ method: 'PATCH', status: 500, message: 'etcd is unhappy' });

    const status = await lifecycle(world, group, 'instantiate');
    expect(status.state).toBe('InstantiateFailed');
    const byCluster = Object.fromEntries(status.clusters.map((cluster) => [cluster.cluster, cluster]));
    expect(byCluster['edge/cluster01']?.state).toBe('applied');
    expect(byCluster['edge/cluster02']?.state).toBe('failed');
    expect(byCluster['edge/cluster02']?.objects.some((object) => object.state === 'applied')).toBe(false);

    const diff = await diffIds(world, group);
    expect(diff.create.length).toBeGreaterThan(0);
    expect(diff.create.every((id) => id.startsWith('edge/cluster02/'))).toBe(true);
    expect(await revisionStates(world, group)).toEqual([[1, 'instantiate', 'failed']]);

    broken.clearFaults();
    const again = await lifecycle(world, group, 'instantiate');
    expect(again.state).toBe('Instantiated');
    expect(await diffIds(world, group)).toEqual({ create: [], change: [] });
  });
});

test('a revision whose operation runs says running, then how it ended', async () => {
  world = await deployWorld(FILE, { target: 'kubernetes' });
  const [group] = (await groupPaths(FILE)) as [string];
  await lifecycle(world, group, 'approve');
  // The first call to cluster02 waits, so that the operation is still running when asked.
  (world.fleet.get('edge/cluster02') as FakeKube).fault({ delayMs: 2000, times: 1 });
  expect((await world.request('POST', `${group}/instantiate`)).status).toBe(202);
  expect(await revisionStates(world, group)).toEqual([[1, 'instantiate', 'running']]);
  await world.settle();
  expect(await revisionStates(world, group)).toEqual([[1, 'instantiate', 'succeeded']]);
});
