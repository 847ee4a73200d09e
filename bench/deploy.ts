/**
 * `npm run bench:deploy [-- --clusters 1000 --groups 10 --compare-groups 2]`
 * (`MESHBRIDGE_BENCH_CLUSTERS=50` scales the fleet down for a quick run)
 *
 * A fleet of fake clusters held in this process (src/test-support/fleet-world.ts: a
 * `MemoryTarget` stands in for the Kubernetes target and counts calls per cluster), with
 * `--groups` deployment intent groups, each a service on one cluster and a client of it on
 * every cluster, driven through the server's own API and deploy service:
 *
 * - the first deploy: every group approved and instantiated, until the last object is applied;
 * - a no-op reconcile pass (`reconcileAll`, what the server runs every `--reconcile-seconds`);
 * - one intent changed: a service's port, used by callers in every other cluster, from the PUT
 *   to the group's update having reached every affected cluster;
 * - the same no-op pass on a fleet with `--compare-groups` groups: the calls per cluster must
 *   not grow with the number of groups.
 * - the heap the server holds with the fleet deployed, per object (the fakes' objects dropped first, and
 *   what a process holds whatever its fleet made by a tiny fleet before), and the most heap in use
 *   at the end of any phase against the limit Node started with.
 *
 * Each figure is printed next to its goal (issue 11) and its ideal: the calls the work needs,
 * at the fake's own speed per call (measured here). The fake costs next to nothing, so the
 * times are meshbridge's own: rendering, planning, records and their transactions.
 *
 * A benchmark, not a test: it checks only that the work was done.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MANAGED_BY_SELECTOR } from '../src/core/deploy/ownership.js';
import type { RenderedObject } from '../src/core/render/objects.js';
import { OWNED_KINDS } from '../src/service/deploy/kinds.js';
import { fleetWorld, type FleetWorld } from '../src/test-support/fleet-world.js';
import { MemoryTarget, type ClusterCalls } from '../src/test-support/memory-target.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: process.env.MESHBRIDGE_BENCH_CLUSTERS ?? '1000' },
    groups: { type: 'string', default: '10' },
    'compare-groups': { type: 'string', default: '2' },
  },
});
const number = (name: keyof typeof values): number => {
  const parsed = Number(values[name]);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be an integer ≥ 1`);
  return parsed;
};

const seconds = (ms: number) => Math.round(ms) / 1000;
const megabytes = (bytes: number) => Math.round(bytes / 1e5) / 10;

v8.setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? vm.runInNewContext('gc')) as () => void;

/** The heap after the work queued in later turns has run, and a full GC. */
async function heapAfterGc(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  return process.memoryUsage().heapUsed;
}

/** The most heap seen in use at the end of any phase (sampled without GC), against the limit Node started with. */
const heapSeen = { most: 0, note: () => (heapSeen.most = Math.max(heapSeen.most, process.memoryUsage().heapUsed)) };
const CALLS: (keyof ClusterCalls)[] = ['lists', 'gets', 'applies', 'removes', 'sessions'];

/** Per call kind: the most any one cluster was asked, and the mean over the fleet. */
function perCluster(world: FleetWorld): Record<string, { max: number; mean: number }> {
  const figures: Record<string, { max: number; mean: number }> = {};
  for (const call of CALLS) {
    const counts = world.clusters.map((cluster) => world.target.calls.get(cluster)?.[call] ?? 0);
    const total = counts.reduce((sum, count) => sum + count, 0);
    figures[call] = { max: Math.max(...counts), mean: Math.round((total / counts.length) * 100) / 100 };
  }
  return figures;
}

function totals(world: FleetWorld): ClusterCalls {
  const sum: ClusterCalls = { lists: 0, gets: 0, applies: 0, removes: 0, sessions: 0 };
  for (const calls of world.target.calls.values()) for (const call of CALLS) sum[call] += calls[call];
  return sum;
}

/** Wall time, and this process's CPU time (the machine is shared: the wall time includes waiting for a core). */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}

async function accepted(world: FleetWorld, method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await world.request(method, url, body);
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(response.json)}`);
  return response.json;
}

/** The fake's own cost per call: one cluster's objects applied again and again to a fresh fake, and each kind listed. */
function fakeSpeed(world: FleetWorld): { applyUs: number; listUs: number } {
  const fake = new MemoryTarget();
  const objects = world.target.objects(world.clusters[world.clusters.length - 1] as string);
  const rounds = Math.max(1, Math.ceil(20_000 / Math.max(objects.length, 1)));
  let started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const object of objects) fake.apply('c', object as unknown as RenderedObject);
  }
  const applyUs = ((performance.now() - started) * 1000) / (rounds * objects.length);
  const cluster = { key: 'c', provider: 'p', name: 'c', spec: {} };
  started = performance.now();
  for (let round = 0; round < 1000; round++) void fake.read(cluster, OWNED_KINDS, MANAGED_BY_SELECTOR);
  const listUs = ((performance.now() - started) * 1000) / (1000 * OWNED_KINDS.length);
  return { applyUs: Math.round(applyUs * 10) / 10, listUs: Math.round(listUs * 10) / 10 };
}

async function firstDeploy(world: FleetWorld) {
  world.target.resetCalls();
  const { ms, cpuMs } = await timed(async () => {
    for (const group of world.groups) await accepted(world, 'POST', `${group}/approve`);
    for (const group of world.groups) await accepted(world, 'POST', `${group}/instantiate`);
    await world.services.deploy.idle();
  });
  for (const group of world.groups) {
    const status = (await accepted(world, 'GET', `${group}/status`)) as { state: string };
    if (status.state !== 'Instantiated') throw new Error(`${group}: ${status.state}`);
  }
  return { ms, cpuMs, calls: totals(world) };
}

async function noOpPass(world: FleetWorld) {
  world.target.resetCalls();
  const { ms, cpuMs } = await timed(() => world.services.deploy.reconcileAll());
  const calls = totals(world);
  if (calls.applies + calls.removes > 0) throw new Error(`a no-op pass wrote: ${JSON.stringify(calls)}`);
  return { ms, cpuMs, calls, perCluster: perCluster(world) };
}

async function changePort(world: FleetWorld) {
  const path = world.inboundOf(0);
  const intent = (await accepted(world, 'GET', path)) as { spec: { port: number } };
  const put = await timed(() => accepted(world, 'PUT', path, { ...intent, spec: { ...intent.spec, port: 8080 } }));
  // What the change needs, as the group's diff announces it (not timed: a user need not ask).
  const diff = (await accepted(world, 'GET', `${world.groups[0]}/diff`)) as {
    clusters: { change: string[]; create: string[]; delete: string[] }[];
  };
  const needed = diff.clusters.reduce((sum, c) => sum + c.change.length + c.create.length + c.delete.length, 0);
  world.target.resetCalls();
  const update = await timed(async () => {
    await accepted(world, 'POST', `${world.groups[0]}/update`);
    await world.services.deploy.idle();
  });
  const calls = totals(world);
  if (calls.applies + calls.removes !== needed)
    throw new Error(`wrote ${calls.applies + calls.removes}, not ${needed}`);
  return {
    ms: put.ms + update.ms,
    cpuMs: put.cpuMs + update.cpuMs,
    putMs: put.ms,
    affectedClusters: diff.clusters.length,
    needed,
    calls,
  };
}

async function main(): Promise<void> {
  const clusters = number('clusters');
  const groups = number('groups');
  // What a process holds whatever its fleet (compiled code and validators, module state) is made by a tiny fleet first.
  const warmUp = await fleetWorld({ clusters: 2, groups: 1 });
  await firstDeploy(warmUp);
  await warmUp.close();
  const baseHeap = await heapAfterGc();
  const setup = await timed(() => fleetWorld({ clusters, groups }));
  const world = setup.value;
  try {
    const first = await firstDeploy(world);
    heapSeen.note();
    const objects = world.clusters.reduce((sum, cluster) => sum + world.target.objects(cluster).length, 0);
    const speed = fakeSpeed(world);
    const pass = await noOpPass(world);
    heapSeen.note();
    const change = await changePort(world);
    heapSeen.note();
    const after = await noOpPass(world);
    heapSeen.note();
    // What the server holds with the fleet deployed: its render, records cache and the rest, not the fakes' objects.
    world.target.forgetObjects();
    const heldBytes = (await heapAfterGc()) - baseHeap;
    await world.close();
    const compareGroups = number('compare-groups');
    const small = await fleetWorld({ clusters, groups: compareGroups });
    await firstDeploy(small);
    const smallPass = await noOpPass(small);
    await small.close();
    const ideal = (calls: ClusterCalls) =>
      seconds(((calls.applies + calls.removes + calls.gets) * speed.applyUs + calls.lists * speed.listUs) / 1000);
    console.log(
      JSON.stringify(
        {
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
          fleet: { clusters, groups, objects, setupSeconds: seconds(setup.ms) },
          fake: { perApplyMicroseconds: speed.applyUs, perListMicroseconds: speed.listUs },
          firstDeploy: {
            seconds: seconds(first.ms),
            cpuSeconds: seconds(first.cpuMs),
            calls: first.calls,
            idealSeconds: ideal(first.calls),
          },
          noOpPass: {
            seconds: seconds(pass.ms),
            cpuSeconds: seconds(pass.cpuMs),
            goalSeconds: 60,
            calls: pass.calls,
            perClusterPerPass: pass.perCluster,
            idealSeconds: ideal(pass.calls),
          },
          oneIntentChanged: {
            seconds: seconds(change.ms),
            cpuSeconds: seconds(change.cpuMs),
            goalSeconds: 10,
            putSeconds: seconds(change.putMs),
            affectedClusters: change.affectedClusters,
            writesNeeded: change.needed,
            calls: change.calls,
            idealSeconds: ideal({ lists: 0, gets: 0, applies: change.needed, removes: 0, sessions: 0 }),
          },
          noOpPassAfterTheChange: { seconds: seconds(after.ms), perClusterPerPass: after.perCluster },
          callsPerClusterPerPassByGroups: { [groups]: pass.perCluster, [compareGroups]: smallPass.perCluster },
          noOpPassCpuSecondsByGroups: { [groups]: seconds(pass.cpuMs), [compareGroups]: seconds(smallPass.cpuMs) },
          heap: {
            heldByTheServerMB: megabytes(heldBytes),
            bytesPerObject: Math.round(heldBytes / objects),
            goal: 'bytesPerObject ≤ 2048',
            mostInUseMB: megabytes(heapSeen.most),
            limitMB: megabytes(v8.getHeapStatistics().heap_size_limit),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await world.close().catch(() => undefined);
  }
}

await main();
