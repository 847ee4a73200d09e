/**
 * Lookups into one cluster's rendered world, built once per `ClusterWorld` and kept in a
 * WeakMap, so the map (every declared call traced through the same world) and repeated
 * `check route` calls stop scanning every rendered object per hop. The world is never
 * changed once built, so each lookup returns exactly what the linear scan it replaces
 * returned: the same objects, in rendered order. The core stays pure: nothing here is
 * visible but the speed, and a world that is let go takes its indexes with it.
 */
import type { RenderedObject } from '../render/objects.js';
import type { ClusterWorld, ServiceFacts, World } from './world.js';

interface ClusterIndex {
  byKind: Map<string, RenderedObject[]>;
  /** `name.namespace.svc.cluster.local` → the cluster's Services of that name, in `services` order. */
  servicesByHost: Map<string, ServiceFacts[]>;
  memo: Map<string, unknown>;
}

const clusterIndexes = new WeakMap<ClusterWorld, ClusterIndex>();

function group<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function indexOf(cluster: ClusterWorld): ClusterIndex {
  let index = clusterIndexes.get(cluster);
  if (!index) {
    index = {
      byKind: group(cluster.resources, (object) => object.kind),
      servicesByHost: group(cluster.services, (service) => `${service.name}.${service.namespace}.svc.cluster.local`),
      memo: new Map(),
    };
    clusterIndexes.set(cluster, index);
  }
  return index;
}

const NONE: readonly never[] = [];

/** `cluster.resources.filter((object) => object.kind === kind)`. */
export function objectsOfKind(cluster: ClusterWorld, kind: string): readonly RenderedObject[] {
  return indexOf(cluster).byKind.get(kind) ?? NONE;
}

/** The cluster's Services whose host is `host`, in `cluster.services` order. */
export function servicesNamed(cluster: ClusterWorld, host: string): readonly ServiceFacts[] {
  return indexOf(cluster).servicesByHost.get(host) ?? NONE;
}

/**
 * `compute()` once per cluster and key. Only for pure functions of the cluster and what the key names; callers must
 * not change what it returns.
 */
export function memoized<T>(cluster: ClusterWorld, key: string, compute: () => T): T {
  const memo = indexOf(cluster).memo;
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}

/** Joins the parts of a memo key; no name or host holds a NUL. */
export const keyOf = (...parts: readonly (string | number | undefined)[]) => parts.map(String).join('\u0000');

const clustersByName = new WeakMap<World, Map<string, ClusterWorld>>();

/** `world.clusters.find((cluster) => cluster.name === name)`: the first of that name. */
export function clusterByName(world: World, name: string): ClusterWorld | undefined {
  let byName = clustersByName.get(world);
  if (!byName) {
    byName = new Map();
    for (const cluster of world.clusters) if (!byName.has(cluster.name)) byName.set(cluster.name, cluster);
    clustersByName.set(world, byName);
  }
  return byName.get(name);
}

interface HostIndex {
  /** Exact host → positions in the list, ascending. */
  exact: Map<string, number[]>;
  /** Positions of objects with a wildcard host (`*`, `*.suffix`), ascending. */
  wildcard: number[];
}

function hostIndex(objects: readonly RenderedObject[], hostsOf: (object: RenderedObject) => readonly string[]) {
  const index: HostIndex = { exact: new Map(), wildcard: [] };
  objects.forEach((object, position) => {
    const hosts = hostsOf(object);
    if (hosts.some((host) => host.startsWith('*'))) index.wildcard.push(position);
    for (const host of new Set(hosts.filter((candidate) => !candidate.startsWith('*')))) {
      const list = index.exact.get(host);
      if (list) list.push(position);
      else index.exact.set(host, [position]);
    }
  });
  return index;
}

/** Two ascending lists of positions as one, without repeats. */
function union(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? a[i++] : b[j++];
    if (merged[merged.length - 1] !== next) merged.push(next as number);
  }
  return merged;
}

/**
 * The cluster's objects of `kind` whose hosts (as `hostsOf` reads them, Istio's host matching: `*`, `*.suffix` or
 * exact) could match `host`, in rendered order (one `hostsOf` per kind): a superset of the matches that holds no object the scan would not
 * test, so filtering it with the scan's own test gives the scan's answer. `hostsOf` must depend on the object only.
 */
export function objectsForHost(
  cluster: ClusterWorld,
  kind: string,
  hostsOf: (object: RenderedObject) => readonly string[],
  host: string,
): RenderedObject[] {
  const objects = objectsOfKind(cluster, kind);
  const index = memoized(cluster, keyOf('hostIndex', kind), () => hostIndex(objects, hostsOf));
  return union(index.exact.get(host) ?? [], index.wildcard).map((position) => objects[position] as RenderedObject);
}
