/**
 * The benchmark's fleet (bench/deploy.ts) at a few clusters: it deploys, a no-op pass asks each
 * cluster the same lists whatever the number of groups and writes nothing, and a changed port
 * reaches every cluster with exactly the writes the group's diff announced.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { OWNED_KINDS } from '../service/deploy/kinds.js';
import { fleetWorld, type FleetWorld } from './fleet-world.js';
import type { ClusterCalls } from './memory-target.js';

let world: FleetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function lifecycle(target: FleetWorld, group: string, verb: string): Promise<void> {
  expect((await target.request('POST', `${group}/${verb}`)).status).toBe(202);
  await target.services.deploy.idle();
}

async function deployed(clusters: number, groups: number): Promise<FleetWorld> {
  const made = await fleetWorld({ clusters, groups });
  for (const group of made.groups) {
    await lifecycle(made, group, 'approve');
    await lifecycle(made, group, 'instantiate');
    expect(((await made.request('GET', `${group}/status`)).json as { state: string }).state).toBe('Instantiated');
  }
  return made;
}

const writes = (calls: ClusterCalls) => calls.applies + calls.removes;

describe('the benchmark fleet', () => {
  test('every cluster holds every group; a no-op pass lists each cluster once per kind for 1 and 3 groups', async () => {
    const perCluster: ClusterCalls[][] = [];
    for (const groups of [1, 3]) {
      world = await deployed(3, groups);
      for (const cluster of world.clusters) {
        const apps = new Set(
          world.target.objects(cluster).map((o) => o.metadata.labels['meshbridge.io/composite-app']),
        );
        expect(apps.size, cluster).toBe(groups);
      }
      world.target.resetCalls();
      await world.services.deploy.reconcileAll();
      const calls = world.clusters.map((cluster) => world?.target.calls.get(cluster) as ClusterCalls);
      for (const call of calls) {
        expect(writes(call)).toBe(0);
        expect(call.lists).toBeLessThanOrEqual(OWNED_KINDS.length);
        expect(call.sessions).toBe(0);
      }
      perCluster.push(calls);
      await world.close();
      world = undefined;
    }
    expect(perCluster[1]).toEqual(perCluster[0]);
  }, 60_000);

  test("a service's new port reaches every calling cluster with the writes its diff announced", async () => {
    world = await deployed(3, 2);
    const path = world.inboundOf(0);
    const intent = (await world.request('GET', path)).json as { spec: { port: number } };
    expect((await world.request('PUT', path, { ...intent, spec: { ...intent.spec, port: 8080 } })).status).toBe(200);
    const diff = (await world.request('GET', `${world.groups[0]}/diff`)).json as {
      clusters: { change: string[]; create: string[]; delete: string[] }[];
    };
    const announced = diff.clusters.reduce((sum, c) => sum + c.change.length + c.create.length + c.delete.length, 0);
    // Every cluster but the service's own calls it through a ServiceEntry that names the port.
    expect(diff.clusters).toHaveLength(world.clusters.length - 1);
    world.target.resetCalls();
    await lifecycle(world, world.groups[0] as string, 'update');
    const made = [...world.target.calls.values()].reduce((sum, calls) => sum + writes(calls), 0);
    expect(made).toBe(announced);
    expect(((await world.request('GET', `${world.groups[0]}/diff`)).json as { clusters: [] }).clusters).toEqual([]);
    for (const cluster of world.clusters.slice(1)) {
      const ports = JSON.stringify(world.target.objects(cluster).filter((o) => o.metadata.name.includes('svc0')));
      expect(ports, cluster).toContain('8080');
    }
  }, 60_000);
});
