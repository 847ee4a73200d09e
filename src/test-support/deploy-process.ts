/**
 * Helpers for tests that deploy through real `meshbridge serve` processes
 * (`server-process.ts`) into fake Kubernetes API servers: calls with a deadline,
 * waiting for a condition, and what the fakes saw.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FakeKube, KubeObject, RecordedCall } from './fake-kube/index.js';
import type { ServerProcess } from './server-process.js';

const REQUEST_TIMEOUT_MS = 10_000;

export interface RenderView {
  clusters: { clusterProvider: string; cluster: string; resources: KubeObject[] }[];
}

export interface StatusView {
  state: string;
  operation?: { action: string; status: string };
  summary: { objects: number; applied: number };
  clusters: { cluster: string; state: string; objects: { kind: string; name: string; state: string }[] }[];
}

/** One rendered object and the fake API server of the cluster it belongs in. */
export interface Wanted {
  cluster: string;
  fake: FakeKube;
  object: KubeObject;
}

export async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, text, json: text === '' ? {} : (JSON.parse(text) as unknown) };
}

export async function until(what: string, deadlineMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every rendered object of the group, with the fake of its cluster. */
export function wantedOf(rendered: RenderView, fleet: ReadonlyMap<string, FakeKube>): Wanted[] {
  return rendered.clusters.flatMap((view) => {
    const cluster = `${view.clusterProvider}/${view.cluster}`;
    const fake = fleet.get(cluster);
    if (!fake) throw new Error(`the render names cluster ${cluster}, which has no fake API server`);
    return view.resources.map((object) => ({ cluster, fake, object }));
  });
}

export function live(wanted: Wanted): KubeObject | undefined {
  const { object } = wanted;
  return wanted.fake.get({
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    name: object.metadata.name,
  });
}

/** In its cluster with the rendered content. */
export function inPlace(wanted: Wanted): boolean {
  const found = live(wanted);
  return found !== undefined && isDeepStrictEqual(found.spec ?? found.data, wanted.object.spec ?? wanted.object.data);
}

export const patches = (fake: FakeKube): RecordedCall[] => fake.calls.filter((recorded) => recorded.method === 'PATCH');

/** True once some fake has answered a server-side apply: a deploy is under way. */
export function someApplyAnswered(fleet: ReadonlyMap<string, FakeKube>): boolean {
  return [...fleet.values()].some((fake) => patches(fake).some((recorded) => recorded.status !== 0));
}

/** Objects applied more than once, and those applied with bodies that differ (which must never happen). */
export function repeatedApplies(fleet: ReadonlyMap<string, FakeKube>): { twice: number; conflicting: string[] } {
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
  return { twice, conflicting };
}

/** Objects of the status that are not applied, as `cluster kind/name: state`. */
export function notApplied(status: StatusView): string[] {
  return status.clusters.flatMap((cluster) =>
    cluster.objects
      .filter((object) => object.state !== 'applied')
      .map((object) => `${cluster.cluster} ${object.kind}/${object.name}: ${object.state}`),
  );
}
