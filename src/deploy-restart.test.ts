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
import { isDeepStrictEqual } from 'node:util';
import { afterEach, expect, test } from 'vitest';
import { exampleDocumentsFor, groupPaths } from './test-support/deploy.js';
import type { FakeKube, KubeObject, RecordedCall } from './test-support/fake-kube/index.js';
import { kill, killAll, startServer, type ServerProcess } from './test-support/server-process.js';

const FILE = 'seed-replication.yaml';
/** Every server-side apply waits this long in the fakes until the kill: a deploy of a few seconds. */
const PATCH_DELAY_MS = 600;
/** How long the restarted server has to finish the deploy (tsx start-up on a slow machine included). */
const RESUME_DEADLINE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

interface RenderView {
  clusters: { clusterProvider: string; cluster: string; resources: KubeObject[] }[];
}

interface StatusView {
  state: string;
  operation?: { action: string; status: string };
  summary: { objects: number; applied: number };
  clusters: { cluster: string; state: string; objects: { kind: string; name: string; state: string }[] }[];
}

interface Wanted {
  cluster: string;
  fake: FakeKube;
  object: KubeObject;
}

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

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, text, json: text === '' ? {} : (JSON.parse(text) as unknown) };
}

function fakeFor(cluster: string): FakeKube {
  const fake = fleet.get(cluster);
  if (!fake) throw new Error(`the render names cluster ${cluster}, which has no fake API server`);
  return fake;
}

function live(wanted: Wanted): KubeObject | undefined {
  const { object } = wanted;
  return wanted.fake.get({
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    name: object.metadata.name,
  });
}

/** In its cluster with the rendered content. */
function inPlace(wanted: Wanted): boolean {
  const found = live(wanted);
  return found !== undefined && isDeepStrictEqual(found.spec ?? found.data, wanted.object.spec ?? wanted.object.data);
}

const identity = (object: KubeObject) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;

const patches = (fake: FakeKube): RecordedCall[] => fake.calls.filter((recorded) => recorded.method === 'PATCH');

async function until(what: string, deadlineMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

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
    const wanted: Wanted[] = rendered.clusters.flatMap((view) => {
      const cluster = `${view.clusterProvider}/${view.cluster}`;
      return view.resources.map((object) => ({ cluster, fake: fakeFor(cluster), object }));
    });
    // At least two objects per cluster, so that the kill can land between two applies.
    expect(wanted.length).toBeGreaterThanOrEqual(rendered.clusters.length * 2);
    expect(wanted.filter(inPlace), 'nothing is deployed before instantiate').toEqual([]);

    // The deploy starts, slowly; once the first applies have been answered, the process dies.
    expect((await call(server, 'POST', `${group}/approve`)).status).toBe(202);
    const instantiated = await call(server, 'POST', `${group}/instantiate`);
    expect(instantiated.status, instantiated.text).toBe(202);
    const deployStarted = Date.now();
    await until('a fake has answered a server-side apply', 30_000, () =>
      [...fleet.values()].some((fake) => patches(fake).some((recorded) => recorded.status !== 0)),
    );
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
    const notApplied = finished.clusters.flatMap((cluster) =>
      cluster.objects
        .filter((object) => object.state !== 'applied')
        .map((object) => `${cluster.cluster} ${object.kind}/${object.name}: ${object.state}`),
    );
    expect(notApplied).toEqual([]);
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
    const conflicting: string[] = [];
    let twice = 0;
    for (const [cluster, fake] of fleet) {
      const byPath = new Map<string, unknown[]>();
      for (const recorded of patches(fake))
        byPath.set(recorded.path, [...(byPath.get(recorded.path) ?? []), recorded.body]);
      for (const [path, bodies] of byPath) {
        if (bodies.length > 1) twice += 1;
        if (bodies.some((body) => !isDeepStrictEqual(body, bodies[0])))
          conflicting.push(`${cluster} ${path}: ${bodies.length} applies, not all with the same body`);
      }
    }
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
