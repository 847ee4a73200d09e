/**
 * Two deploy services on one database in one process, as two replicas would be: the
 * lease decides which of them runs a group's operation, refuses lifecycle requests
 * while another holds it, and keeps reconcile passes and refreshes off groups leased
 * elsewhere or reconciled a moment ago. (Real processes on PostgreSQL: replicas.test.ts.)
 */
import { afterEach, expect, test } from 'vitest';
import { createKubernetesTarget } from './adapters/targets/kubernetes/index.js';
import { buildServices, type App } from './compose.js';
import { deployWorld, FAST_RETRY, groupPaths, type DeployWorld } from './test-support/deploy.js';
import { injectRequest } from './test-support/api.js';

const FILE = 'seed-replication.yaml';
let world: DeployWorld | undefined;
let second: App | undefined;

afterEach(async () => {
  // The second replica shares the first's database, which the world closes.
  await second?.deploy.idle();
  await second?.app.close().catch(() => undefined);
  await world?.close();
  world = second = undefined;
});

/** Calls of every fake API server so far. */
const calls = (of: DeployWorld) => [...of.fleet.values()].reduce((sum, fake) => sum + fake.calls.length, 0);

test('two replicas on one database: one runs the operation, the other refuses, skips and waits its turn', async () => {
  world = await deployWorld(FILE, { target: 'kubernetes' });
  const database = {
    ...world.database,
    store: Object.create(world.database.store, { close: { value: async () => {} } }),
  };
  second = await buildServices(database, false, {
    targets: [createKubernetesTarget({ requestTimeoutMs: FAST_RETRY.timeoutMs })],
    reconcileSeconds: 0,
    retry: FAST_RETRY,
  });
  await second.app.ready();
  const other = second;
  const [group] = (await groupPaths(FILE)) as [string];
  const onFirst = (method: string, path: string) => (world as DeployWorld).request(method, path);
  const onSecond = (method: string, path: string) => injectRequest(other.app, method, path);

  expect((await onSecond('POST', `${group}/approve`)).status).toBe(202);
  for (const fake of world.fleet.values()) fake.fault({ method: 'PATCH', delayMs: 200 });
  const answers = await Promise.all([
    onFirst('POST', `${group}/instantiate`),
    onSecond('POST', `${group}/instantiate`),
  ]);
  expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
  expect(JSON.stringify(answers.find((answer) => answer.status === 409)?.json)).toMatch(
    /cannot instantiate: instantiate of revision 1 is still running \(on meshbridge [^)]+\)/,
  );
  const [live] = await world.database.leases.live();
  expect(live).toBeDefined();
  await world.settle();
  await other.deploy.idle();
  for (const fake of world.fleet.values()) fake.clearFaults();
  expect(await world.database.leases.live()).toEqual([]);
  const status = (await onSecond('GET', `${group}/status?changes=false`)).json as { state: string };
  expect(status.state).toBe('Instantiated');

  // A pass right after an operation ended (on either replica) leaves the group alone; a due one works it.
  const before = calls(world);
  await other.deploy.reconcileAll(60_000);
  expect(calls(world)).toBe(before);
  await other.deploy.reconcileAll(0);
  expect(calls(world)).toBeGreaterThan(before);
  // What a replica's own last pass did is not another's fresh work: its next pass works the group again.
  const afterOwnPass = calls(world);
  await other.deploy.reconcileAll(60_000);
  expect(calls(world)).toBeGreaterThan(afterOwnPass);

  // While a third holder has the lease: passes and refreshes touch nothing, lifecycle requests are refused.
  const key = live?.group as string;
  const held = await world.database.leases.acquire(key, 'elsewhere:1:abc', 60_000);
  expect('granted' in held).toBe(true);
  const quiet = calls(world);
  await world.deploy.reconcileAll(0);
  expect((await onSecond('POST', `${group}/status?refresh`)).status).toBe(200);
  expect(calls(world)).toBe(quiet);
  const refused = await onFirst('POST', `${group}/update`);
  expect(refused.status).toBe(409);
  expect(JSON.stringify(refused.json)).toContain('meshbridge elsewhere:1:abc is changing this group right now');

  // Once that holder gives the lease up, requests pass again.
  if ('granted' in held) await world.database.leases.release(held.granted);
  expect((await onFirst('POST', `${group}/update`)).status).toBe(202);
}, 120_000);
