/**
 * `npm run bench:deploy [-- --clusters 20 --services 200 --edges 1000 --concurrency 8 --seed 1]`
 *
 * Renders a synthetic fleet (src/test-support/fleet.ts), starts one fake Kubernetes
 * API server per cluster (src/test-support/fake-kube/, real HTTP on 127.0.0.1, the real
 * client library) and runs the deploy service's per-cluster work on it, one group at a
 * time per cluster and `--concurrency` clusters at once: the first deploy (every object
 * created), a pass with nothing changed (lists only), and a pass after a hand edit of
 * one object per cluster (drift repaired). Prints one JSON object with times, calls
 * and objects per second. A benchmark, not a test: the fakes cost CPU on the same
 * machine, so the figures are an upper bound on meshbridge's own cost per object.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createKubernetesTarget } from '../src/adapters/targets/kubernetes/index.js';
import { prepareClusterRecord } from '../src/core/deploy/entries.js';
import { groupRefOf } from '../src/core/deploy/keys.js';
import type { ClusterRecord } from '../src/core/deploy/records.js';
import { addressClaims, Renderer } from '../src/core/render/render.js';
import type { RenderedObject } from '../src/core/render/objects.js';
import { runCluster } from '../src/service/deploy/cluster-run.js';
import { forEachLimit } from '../src/service/deploy/operation.js';
import { DEFAULT_RETRY_POLICY } from '../src/service/deploy/retry.js';
import { startFakeKube, type FakeKube } from '../src/test-support/fake-kube/index.js';
import { allocateAddresses, generateFleet } from '../src/test-support/fleet.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '20' },
    services: { type: 'string', default: '200' },
    edges: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
  },
});
const count = (name: keyof typeof values) => Number(values[name]);

interface Job {
  fake: FakeKube;
  cluster: { key: string; provider: string; name: string };
  /** Per group key: its objects (the cluster-wide ones go with the cluster's first group). */
  groups: Map<string, RenderedObject[]>;
  records: Map<string, ClusterRecord>;
}

function groupKeyOf(object: RenderedObject): string | undefined {
  const labels = object.metadata.labels;
  const dig = labels['meshbridge.io/deployment-intent-group'];
  if (dig === undefined) return undefined;
  return `projects/${labels['meshbridge.io/project']}/composite-apps/${labels['meshbridge.io/composite-app']}/${labels['meshbridge.io/composite-app-version']}/deployment-intent-groups/${dig}`;
}

function byGroup(objects: readonly RenderedObject[]): Map<string, RenderedObject[]> {
  const groups = new Map<string, RenderedObject[]>();
  const shared: RenderedObject[] = [];
  for (const object of objects) {
    const key = groupKeyOf(object);
    if (key === undefined) shared.push(object);
    else groups.set(key, [...(groups.get(key) ?? []), object]);
  }
  const first = [...groups.values()][0];
  if (first) first.push(...shared);
  return groups;
}

async function pass(jobs: Job[], concurrency: number): Promise<{ ms: number; patches: number; lists: number }> {
  const target = createKubernetesTarget();
  const before = jobs.map((job) => job.fake.calls.length);
  const started = performance.now();
  await forEachLimit(jobs, concurrency, async (job) => {
    for (const [group, desired] of job.groups) {
      const previous = job.records.get(group);
      const record = prepareClusterRecord(
        { cluster: job.cluster.key, name: `${job.cluster.provider}/${job.cluster.name}`, target: 'kubernetes' },
        1,
        desired,
        previous,
      );
      const result = await runCluster(
        {
          group: groupRefOf(group),
          cluster: { ...job.cluster, spec: { kubeconfig: job.fake.kubeconfig } },
          target,
          context: { group, revision: 1, action: 'instantiate' },
          desired,
          record,
          sharedElsewhere: new Set(),
        },
        { policy: DEFAULT_RETRY_POLICY, now: () => new Date().toISOString() },
      );
      if (result.state !== 'applied') throw new Error(`${job.cluster.name}: ${result.state} ${result.error ?? ''}`);
      job.records.set(group, result);
    }
  });
  const ms = Math.round(performance.now() - started);
  const calls = jobs.flatMap((job, index) => job.fake.calls.slice(before[index]));
  return {
    ms,
    patches: calls.filter((call) => call.method === 'PATCH').length,
    lists: calls.filter((call) => call.method === 'GET' && call.query.labelSelector !== undefined).length,
  };
}

async function main(): Promise<void> {
  const snapshot = generateFleet({
    clusters: count('clusters'),
    services: count('services'),
    edges: count('edges'),
    seed: count('seed'),
  });
  const result = new Renderer().render(snapshot, allocateAddresses(addressClaims(snapshot)));
  const jobs: Job[] = [];
  for (const output of result.clusters) {
    const namespaces = [...new Set(output.resources.map((object) => object.metadata.namespace ?? 'default'))];
    const fake = await startFakeKube({ namespaces: ['default', 'kube-system', ...namespaces] });
    jobs.push({ fake, cluster: output.cluster, groups: byGroup(output.resources), records: new Map() });
  }
  const objects = result.clusters.reduce((sum, output) => sum + output.resources.length, 0);
  const groups = jobs.reduce((sum, job) => sum + job.groups.size, 0);
  const concurrency = count('concurrency');
  try {
    const first = await pass(jobs, concurrency);
    const unchanged = await pass(jobs, concurrency);
    for (const job of jobs) {
      const [object] = job.fake
        .objects()
        .filter((item) => item.metadata.labels?.['meshbridge.io/intent-kind'] === 'inbound');
      if (object) job.fake.remove({ ...object, namespace: object.metadata.namespace, name: object.metadata.name });
    }
    const drift = await pass(jobs, concurrency);
    const perSecond = (ms: number) => Math.round((objects / Math.max(ms, 1)) * 1000);
    console.log(
      JSON.stringify(
        {
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
          fleet: { clusters: jobs.length, groupsPerCluster: groups / Math.max(jobs.length, 1), objects, concurrency },
          firstDeploy: { ...first, objectsPerSecond: perSecond(first.ms) },
          nothingChanged: { ...unchanged, objectsPerSecond: perSecond(unchanged.ms) },
          oneDeletedByHandPerCluster: drift,
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all(jobs.map((job) => job.fake.close()));
  }
}

await main();
