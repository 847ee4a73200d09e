/**
 * A deploy survives the death of the process running it: a real `meshbridge serve`
 * (SQLite in a data folder) instantiates seed-replication into one fake Kubernetes API
 * server per cluster, each slowed down so the deploy takes seconds; the process is
 * SIGKILLed once some objects but not all have reached the clusters, and a new process
 * on the same data folder must finish the deploy on its own (the group's record still
 * says its operation is running): every rendered object ends up in its cluster as
 * rendered, the status says Instantiated with every object applied, and no object was
 * ever applied with two different bodies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { exampleDocumentsFor, groupPaths } from './test-support/deploy.js';
import {
  call,
  inPlace,
  live,
  notApplied,
  patches,
  repeatedApplies,
  someApplyAnswered,
  until,
  wantedOf,
  type RenderView,
  type StatusView,
} from './test-support/deploy-process.js';
import type { FakeKube, KubeObject } from './test-support/fake-kube/index.js';
import { kill, killAll, startServer } from './test-support/server-process.js';

const FILE = 'seed-replication.yaml';
/** Every server-side apply waits this long in the fakes until the kill: a deploy of a few seconds. */
const PATCH_DELAY_MS = 600;
/** How long the restarted server has to finish the deploy (tsx start-up on a slow machine included). */
const RESUME_DEADLINE_MS = 60_000;

/** One fake API server per cluster, by `provider/cluster`. */
const fleet = new Map<string, FakeKube>();
let dataDir: string | undefined;

afterEach(async () => {
  await killAll();
  await Promise.all([...fleet.values()].map((fake) => fake.close()));
  fleet.clear();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const identity = (object: KubeObject) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;

test(
  'a meshbridge process SIGKILLed in the middle of a deploy: the next one on the same data finishes it',
  { timeout: 180_000 },
  async () => {
    const started = Date.now();
    const documents = await exampleDocumentsFor(FILE, { fleet });
    for (const fake of fleet.values()) fake.fault({ method: 'PATCH', delayMs: PATCH_DELAY_MS });
    dataDir = await mkdtemp(join(tmpdir(), 'meshbridge-deploy-restart-'));
    let server = await startServer(dataDir, undefined);

    for (const document of documents) {
      const response = await call(server, 'POST', `/v2/${document.anchor}`, document.body);
      expect(response.status, `POST /v2/${document.anchor}: ${response.text}`).toBe(201);
    }
    const [group] = (await groupPaths(FILE)) as [string];
    const rendered = (await call(server, 'GET', `${group}/render`)).json as RenderView;
    const wanted = wantedOf(rendered, fleet);
    // At least two objects per cluster, so that the kill can land between two applies.
    expect(wanted.length).toBeGreaterThanOrEqual(rendered.clusters.length * 2);
    expect(wanted.filter(inPlace), 'nothing is deployed before instantiate').toEqual([]);

    // The deploy starts, slowly; once the first applies have been answered, the process dies.
    expect((await call(server, 'POST', `${group}/approve`)).status).toBe(202);
    const instantiated = await call(server, 'POST', `${group}/instantiate`);
    expect(instantiated.status, instantiated.text).toBe(202);
    const deployStarted = Date.now();
    await until('a fake has answered a server-side apply', 30_000, () => someApplyAnswered(fleet));
    const before = (await call(server, 'GET', `${group}/status?changes=false`)).json as StatusView;
    await kill(server);
    const killedAfterMs = Date.now() - deployStarted;
    expect(server.child.signalCode, 'the server should have died of SIGKILL').toBe('SIGKILL');
    expect(before.operation, 'the operation was still running at the kill').toMatchObject({
      action: 'instantiate',
      status: 'running',
    });
    // The witness that the kill came in the middle: some objects had arrived, not all.
    const presentAtKill = wanted.filter(inPlace);
    expect(presentAtKill.length, 'objects in their clusters at the kill').toBeGreaterThan(0);
    expect(presentAtKill.length, 'objects in their clusters at the kill').toBeLessThan(wanted.length);
    const patchesAtKill = new Map([...fleet.values()].map((fake) => [fake, patches(fake).length]));
    const inFlightAtKill = [...fleet.values()].reduce(
      (sum, fake) => sum + patches(fake).filter((recorded) => recorded.status === 0).length,
      0,
    );

    // A new process on the same data, the clusters fast again: it resumes by itself.
    for (const fake of fleet.values()) fake.clearFaults();
    const restartedAt = Date.now();
    server = await startServer(dataDir, undefined);
    const readyAfterMs = Date.now() - restartedAt;
    let status: StatusView | undefined;
    await until('the resumed operation has finished', RESUME_DEADLINE_MS, async () => {
      status = (await call(server, 'GET', `${group}/status?changes=false`)).json as StatusView;
      return status.operation?.status !== 'running';
    });
    const finished = status as StatusView;
    const resumedAfterMs = Date.now() - restartedAt;

    expect(finished.state, JSON.stringify(finished, null, 2)).toBe('Instantiated');
    expect(finished.operation).toMatchObject({ action: 'instantiate', status: 'succeeded' });
    expect(finished.summary.objects).toBe(wanted.length);
    expect(notApplied(finished)).toEqual([]);
    expect(finished.summary.applied).toBe(wanted.length);

    // Every rendered object is in its cluster as rendered (and the render has not moved).
    expect((await call(server, 'GET', `${group}/render`)).json).toEqual(rendered);
    const missing = wanted
      .filter((entry) => !inPlace(entry))
      .map(
        (entry) =>
          `${entry.cluster} ${entry.object.kind}/${entry.object.metadata.name}: ${JSON.stringify(live(entry))}`,
      );
    expect(missing).toEqual([]);
    // The restarted process did the rest: it applied what had not arrived before the kill.
    const resumedPatches = [...fleet.values()].reduce(
      (sum, fake) => sum + patches(fake).length - (patchesAtKill.get(fake) ?? 0),
      0,
    );
    expect(resumedPatches, 'server-side applies after the restart').toBeGreaterThan(0);
    // What was in place at the kill is left alone: the new process applies none of it again.
    const reapplied = [...fleet].flatMap(([cluster, fake]) =>
      patches(fake)
        .slice(patchesAtKill.get(fake) ?? 0)
        .map((recorded) => identity(recorded.body as KubeObject))
        .filter((id) => presentAtKill.some((entry) => entry.fake === fake && identity(entry.object) === id))
        .map((id) => `${cluster} ${id}`),
    );
    expect(reapplied).toEqual([]);

    // Nothing applied twice to a different result: every apply of one object sent the same body.
    const { twice, conflicting } = repeatedApplies(fleet);
    expect(conflicting).toEqual([]);

    process.stderr.write(
      `deploy-restart: ${wanted.length} objects on ${fleet.size} clusters; killed ${killedAfterMs} ms into the deploy ` +
        `with ${presentAtKill.length} in place and ${inFlightAtKill} applies in flight; restarted server ready in ${readyAfterMs} ms, ` +
        `deploy finished ${resumedAfterMs} ms after the restart with ${resumedPatches} more applies; ${twice} objects applied more than once ` +
        `(same body); test took ${Date.now() - started} ms\n`,
    );
    await kill(server);
  },
);
