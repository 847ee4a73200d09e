/**
 * `status --watch` and the `-o` formats of the lifecycle commands, in-process against a real
 * HTTP server whose Kubernetes target deploys to two fake API servers (seed-two-clouds).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { cli, type LiveServer } from '../../test-support/cli.js';
import { startSeededServer } from '../../test-support/seeded-server.js';
import type { FakeKube } from '../../test-support/fake-kube/index.js';

const GROUP = 'demo/blue-app/v1/lc01-group';
const GROUP_PATH = '/v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc01-group';
const CLUSTER_PATHS = ['cluster-providers/edge/clusters/cluster01', 'cluster-providers/edge/clusters/cluster02'];

let server: LiveServer;
let fleet: Map<string, FakeKube>;

beforeEach(async () => {
  ({ server, fleet } = await startSeededServer('seed-two-clouds.yaml'));
});

afterEach(async () => {
  await server.close();
  await Promise.all([...fleet.values()].map((fake) => fake.close()));
});

const run = (...args: string[]) => cli([...args, '--server', server.url]);

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (condition()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('status --watch prints the status, then only what changes, and stops on the interrupt with exit 0', async () => {
  expect((await run('approve', GROUP)).code).toBe(0);
  const interrupt = new AbortController();
  const lines: string[] = [];
  const watching = cli(
    ['status', GROUP, '--watch', '--watch-interval', '0.05', '--server', server.url],
    {},
    {
      interrupt: interrupt.signal,
      out: (text) => lines.push(...text.split('\n')),
    },
  );
  await until(() => lines.some((line) => line.startsWith('state: ')), 'the first status');
  const first = lines.length;
  await sleep(300); // several polls with nothing changing: nothing printed
  expect(lines.length).toBe(first);

  expect((await run('instantiate', GROUP)).code).toBe(0);
  const succeeded = () => lines.some((line) => /operation: instantiate of revision 1 succeeded/.test(line));
  await until(succeeded, 'the operation to succeed');
  await sleep(300);
  const settled = lines.length;
  await sleep(300);
  expect(lines.length).toBe(settled); // settled: quiet again
  interrupt.abort();
  const result = await watching;

  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  const changes = lines.slice(first);
  expect(changes.some((line) => /^edge\/cluster01\s+kubernetes\s+applied\s/.test(line))).toBe(true);
  expect(changes.some((line) => /^edge\/cluster02\s+kubernetes\s+applied\s/.test(line))).toBe(true);
  expect(changes.filter((line) => line.startsWith('CLUSTER'))).toEqual([]); // rows only, as kubectl get -w
  // each printed change is a change: no line repeats the one before it
  expect(changes.filter((line, index) => index > 0 && line === changes[index - 1])).toEqual([]);
});

test('status --watch -o name prints the clusters that change; --watch with --wait is a usage error', async () => {
  expect((await run('approve', GROUP)).code).toBe(0);
  const interrupt = new AbortController();
  const lines: string[] = [];
  const watching = cli(
    ['status', GROUP, '--watch', '--watch-interval', '0.05', '-o', 'name', '--server', server.url],
    {},
    { interrupt: interrupt.signal, out: (text) => lines.push(...text.split('\n')) },
  );
  await sleep(200); // not deployed yet: no clusters, nothing to name
  expect(lines).toEqual([]);
  expect((await run('instantiate', GROUP, '--wait')).code).toBe(0);
  await until(() => CLUSTER_PATHS.every((path) => lines.includes(path)), 'both clusters');
  interrupt.abort();
  expect((await watching).code).toBe(0);
  expect(lines.every((line) => CLUSTER_PATHS.includes(line))).toBe(true);

  const both = await run('status', GROUP, '--watch', '--wait');
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('--watch and --wait');
});

test('status, revisions and diff take -o name and -o wide', async () => {
  expect((await run('approve', GROUP)).code).toBe(0);
  expect((await run('instantiate', GROUP, '--wait')).code).toBe(0);

  expect((await run('status', GROUP, '-o', 'name')).stdout.split('\n')).toEqual(CLUSTER_PATHS);
  for (const path of CLUSTER_PATHS) expect((await run('get', path)).code).toBe(0);
  const table = (await run('status', GROUP)).stdout;
  const wide = (await run('status', GROUP, '-o', 'wide')).stdout;
  expect(table).not.toContain('OBJECT'); // every object applied: none needs a look
  expect(wide).toMatch(/^edge\/cluster01\s+AuthorizationPolicy \S+\s+applied/m); // wide lists them all

  expect((await run('revisions', GROUP, '-o', 'name')).stdout).toBe('revision/1');
  expect((await run('revisions', GROUP, '-o', 'wide')).stdout).toMatch(/^1\s+instantiate\s+succeeded\s+\S+\s+-\s+\*$/m);

  const inbound = `${GROUP_PATH}/../../traffic-intent-set/inbound-intents/productpage-inbound`.replace(
    '/deployment-intent-groups/lc01-group/../..',
    '',
  );
  const current = await server.fetchJson(inbound);
  const spec = {
    ...current.body.spec,
    serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: '/assets*' } },
  };
  const put = await server.fetchJson(inbound, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: current.body.metadata, spec }),
  });
  expect(put.status).toBeLessThan(300);
  const names = (await run('diff', GROUP, '-o', 'name')).stdout.split('\n');
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((name) => name.startsWith('edge/cluster01/') && !name.includes(' '))).toBe(true);
  expect(names.some((name) => name.includes('AuthorizationPolicy'))).toBe(true);
});
