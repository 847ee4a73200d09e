/**
 * What a reconcile pass asks of a cluster: one list per kind, whatever the number of groups
 * on it (issue 11, "Reading clusters once"), counted on the fake API server's recorded calls.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { OWNED_KINDS } from './service/deploy/kinds.js';
import type { KubeObject } from './test-support/fake-kube/index.js';
import { isList, isWrite, manyGroups, NAMESPACE, type ManyGroups } from './test-support/many-groups.js';

let world: ManyGroups | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ownedBy = (object: KubeObject, index: number) =>
  object.metadata.labels?.['meshbridge.io/composite-app'] === `app${index}`;

/** The lists (by path) and all calls a no-op pass made. */
async function noOpPass(target: ManyGroups): Promise<{ lists: string[]; calls: number }> {
  target.fake.calls.length = 0;
  await target.services.deploy.reconcileAll();
  const calls = [...target.fake.calls];
  expect(calls.filter(isWrite)).toEqual([]);
  return { lists: calls.filter(isList).map((call) => call.path), calls: calls.length };
}

describe('a reconcile pass reads each cluster once per kind', () => {
  test('the same lists and calls for 1, 3 and 10 groups on one cluster', async () => {
    const passes: { lists: string[]; calls: number }[] = [];
    for (const count of [1, 3, 10]) {
      world = await manyGroups(count);
      for (const group of world.groups) {
        const status = (await world.request('GET', `${group}/status`)).json as { state: string };
        expect(status.state).toBe('Instantiated');
      }
      const pass = await noOpPass(world);
      // One list per kind meshbridge owns, each in one API version, and no kind twice.
      expect(pass.lists, `${count} groups`).toHaveLength(OWNED_KINDS.length);
      expect(new Set(pass.lists.map((path) => path.split('/').pop())).size).toBe(OWNED_KINDS.length);
      passes.push(pass);
      await world.close();
      world = undefined;
    }
    for (const pass of passes) expect(pass.calls).toBe(passes[0]?.calls);
  }, 120_000);
});

describe('a pass over many groups shares one reading and still repairs each group', () => {
  test('objects of two groups deleted and changed by hand come back; the cluster is listed once per kind', async () => {
    world = await manyGroups(6);
    const objects = world.fake.objects();
    const deleted = objects.find((object) => ownedBy(object, 1) && object.kind === 'AuthorizationPolicy');
    const changed = objects.find((object) => ownedBy(object, 4) && object.kind === 'AuthorizationPolicy');
    if (!deleted || !changed) throw new Error('the groups rendered no AuthorizationPolicy');
    const ref = (object: KubeObject) => ({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: NAMESPACE,
      name: object.metadata.name,
    });
    world.fake.remove(ref(deleted));
    world.fake.edit(ref(changed), (object) => {
      (object.spec as { action?: string }).action = 'DENY';
    });
    world.fake.calls.length = 0;
    await world.services.deploy.reconcileAll();
    const calls = world.fake.calls;
    expect(calls.filter(isList)).toHaveLength(OWNED_KINDS.length);
    // Two applies; the deleted one is first read by name (it might have been made meanwhile).
    expect(calls.filter((call) => call.method === 'PATCH')).toHaveLength(2);
    expect(world.fake.get(ref(deleted))?.spec).toEqual(deleted.spec);
    expect((world.fake.get(ref(changed))?.spec as { action?: string }).action).not.toBe('DENY');
    const status = (await world.request('GET', `${world.groups[1]}/status`)).json as { state: string };
    expect(status.state).toBe('Instantiated');
    // A second pass finds nothing to do.
    expect((await noOpPass(world)).lists).toHaveLength(OWNED_KINDS.length);
  }, 60_000);

  test('a cluster that cannot be listed is asked once per pass, and every group on it fails', async () => {
    world = await manyGroups(4);
    world.fake.fault({ method: 'GET', path: /\/(secrets|configmaps)$/, status: 403 });
    world.fake.calls.length = 0;
    await world.services.deploy.reconcileAll();
    // Forbidden is not retried, and the failed reading is shared: the refused list is asked once, whatever the groups.
    const lists = world.fake.calls.filter(isList);
    expect(lists.filter((call) => call.status === 403)).toHaveLength(1);
    expect(lists.length).toBeLessThanOrEqual(OWNED_KINDS.length);
    for (const group of world.groups) {
      const status = (await world.request('GET', `${group}/status`)).json as {
        clusters: { state: string; reason?: string }[];
      };
      expect(status.clusters.map((cluster) => [cluster.state, cluster.reason])).toEqual([['failed', 'forbidden']]);
    }
  }, 60_000);
});
