/**
 * Minimal valid resources of every kind, and the parent chain each one needs, for
 * tests that walk the registry (`KINDS`) so that a new kind is covered as soon as it
 * gets a row here. Ancestors and referenced resources get fixed names (`BASE`);
 * `ensure(api, kind)` creates one of a kind at those names with everything it needs.
 */
import { expect } from 'vitest';
import type { KindName, ResourceKind } from '../core/model/kind.js';
import { KINDS, kindOf, lineage, routePatterns } from '../core/model/registry.js';
import type { ApiHarness, ApiResponse } from './api.js';

type Body = Record<string, unknown>;

/** The names of every resource a chain is built from: `{clusterProvider: 'edge', cluster: 'c1', ...}`. */
export const BASE: Readonly<Record<string, string>> = {
  controller: 'ctl1',
  dtcController: 'its',
  clusterProvider: 'edge',
  cluster: 'c1',
  clusterLabel: 'east',
  clusterKvPair: 'kv1',
  project: 'p1',
  logicalCloud: 'lc1',
  clusterReference: 'ref1',
  userPermission: 'up1',
  clusterQuota: 'q1',
  compositeApp: 'ca1',
  compositeAppVersion: 'v1',
  app: 'a1',
  compositeProfile: 'cp1',
  appProfile: 'prof1',
  deploymentIntentGroup: 'dig1',
  groupIntent: 'gi1',
  genericPlacementIntent: 'gpi1',
  appIntent: 'ai1',
  trafficGroupIntent: 'tg1',
  inboundIntent: 'ii1',
  inboundClient: 'cl1',
  accessPoint: 'ap1',
  routingIntent: 'ri1',
};

export interface KindFixture {
  /** A minimal valid body for an item with these path segments (its name, or name and version). */
  body(segments: string[]): Body;
  /** Kinds that must exist at `BASE` names before this body can be written (what it references). */
  needs?: KindName[];
  /** The same body with one thing changed, for PUT `updated`; undefined when the kind has nothing else to change. */
  changed?(body: Body): Body | undefined;
  /** A body with exactly three separate problems and the paths that name them. */
  threeProblems?(segments: string[]): { body: Body; paths: string[] };
}

const named = (name: string, spec?: Body): Body =>
  spec === undefined ? { metadata: { name } } : { metadata: { name }, spec };
const first = (segments: string[]) => segments[0] as string;
const serviceNameOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'svc';

export const FIXTURES: Record<KindName, KindFixture> = {
  controller: { body: (s) => named(first(s), { host: 'ctl.example.com', port: 9000 }) },
  dtcController: { body: (s) => named(first(s), { host: 'its.example.com', port: 9040 }) },
  clusterProvider: { body: (s) => named(first(s)) },
  cluster: { body: (s) => named(first(s)) },
  clusterLabel: {
    body: (s) => ({ clusterLabel: first(s) }),
    changed: () => undefined,
    threeProblems: () => ({
      body: { clusterLabel: 'not a name!', extra1: 1, extra2: 2 },
      paths: ['clusterLabel', 'extra1', 'extra2'],
    }),
  },
  clusterKvPair: { body: (s) => named(first(s), { kv: [{ zone: 'east' }] }) },
  project: { body: (s) => named(first(s)) },
  logicalCloud: { body: (s) => named(first(s), { namespace: 'ns1' }) },
  clusterReference: {
    body: (s) => named(first(s), { clusterProvider: BASE.clusterProvider, cluster: BASE.cluster }),
    needs: ['cluster'],
  },
  userPermission: {
    body: (s) => named(first(s), { namespace: 'ns1', apiGroups: [''], resources: ['pods'], verbs: ['get'] }),
  },
  clusterQuota: { body: (s) => named(first(s), { pods: '10', 'limits.cpu': '2' }) },
  compositeApp: { body: (s) => named(first(s), { compositeAppVersion: s[1] as string }) },
  app: { body: (s) => named(first(s)) },
  compositeProfile: { body: (s) => named(first(s)) },
  // One profile per app in a composite profile (EMCO), so each item names an app of its own.
  appProfile: { body: (s) => named(first(s), { app: `app-${first(s)}` }) },
  deploymentIntentGroup: { body: (s) => named(first(s), { logicalCloud: BASE.logicalCloud }), needs: ['logicalCloud'] },
  groupIntent: {
    body: (s) => named(first(s), { intent: { genericPlacementIntent: BASE.genericPlacementIntent as string } }),
  },
  genericPlacementIntent: { body: (s) => named(first(s)) },
  appIntent: {
    body: (s) =>
      named(first(s), {
        app: BASE.app,
        intent: { allOf: [{ clusterProvider: BASE.clusterProvider, cluster: BASE.cluster }] },
      }),
    needs: ['app', 'cluster'],
  },
  trafficGroupIntent: { body: (s) => named(first(s)) },
  // Each intent serves a Service of its own: one name and port per group is the rule.
  inboundIntent: {
    body: (s) => named(first(s), { app: BASE.app, serviceName: serviceNameOf(first(s)), port: 80, protocol: 'HTTP' }),
    needs: ['app'],
  },
  inboundClient: { body: (s) => named(first(s), { app: BASE.app }), needs: ['app'] },
  accessPoint: { body: (s) => named(first(s), { url: ['/status'], access: ['GET'] }) },
  routingIntent: {
    body: (s) => named(first(s), { host: BASE.app, http: [{ route: [{ app: BASE.app, weight: 100 }] }] }),
    needs: ['app'],
  },
};

/** Every kind has a row: a kind added to the registry without one fails here. */
export function expectFixturesCoverEveryKind(): void {
  expect(Object.keys(FIXTURES).sort()).toEqual(KINDS.map((kind) => kind.kind).sort());
}

/** Path segments of a kind's item: `['t1']`, or `['t1', 'v1']` for a composite app. */
export function segmentsFor(kind: ResourceKind, name: string): string[] {
  return kind.params.map((param, index) => (index === 0 ? name : (BASE[param] as string)));
}

export function bodyFor(kind: ResourceKind, name: string): Body {
  return FIXTURES[kind.kind].body(segmentsFor(kind, name));
}

function fill(pattern: string, params: Readonly<Record<string, string>>): string {
  return `/v2${pattern.replace(/:([A-Za-z]+)/g, (_whole, param: string) => encodeURIComponent(params[param] ?? ''))}`;
}

/** `/v2/cluster-providers/edge/clusters`, with ancestors at `params` (BASE names by default). */
export function collectionUrl(kind: ResourceKind, params: Readonly<Record<string, string>> = BASE): string {
  return fill(routePatterns(kind).collection, params);
}

/** The item URL of `kind` named `name` (other item params from BASE), ancestors at `params`. */
export function itemUrl(kind: ResourceKind, name: string, params: Readonly<Record<string, string>> = BASE): string {
  const own = Object.fromEntries(kind.params.map((param, index) => [param, segmentsFor(kind, name)[index] as string]));
  return fill(routePatterns(kind).item, { ...params, ...own });
}

/** The BASE item of a kind, with its ancestors and everything it references; idempotent. */
export async function ensure(api: ApiHarness, kindName: KindName, done: Set<KindName> = new Set()): Promise<void> {
  if (done.has(kindName)) return;
  const kind = kindOf(kindName);
  for (const ancestor of lineage(kind).slice(0, -1)) await ensure(api, ancestor.kind, done);
  for (const need of FIXTURES[kindName].needs ?? []) await ensure(api, need, done);
  const name = BASE[kind.params[0] as string] as string;
  const response = await api.request('PUT', itemUrl(kind, name), bodyFor(kind, name));
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`setting up ${kind.kind} at ${itemUrl(kind, name)}: ${response.status} ${response.body}`);
  }
  done.add(kindName);
}

/** Ancestors of `kind` at BASE names, and what its minimal body references. */
export async function ensureParentsOf(api: ApiHarness, kind: ResourceKind): Promise<void> {
  const done = new Set<KindName>();
  if (kind.parent) await ensure(api, kind.parent, done);
  for (const need of FIXTURES[kind.kind].needs ?? []) await ensure(api, need, done);
}

/** Asserts an error answer has the documented shape and returns its detail paths. */
export function detailPaths(response: ApiResponse): string[] {
  expect(response.json).toEqual({ error: expect.any(String), message: expect.any(String), details: expect.any(Array) });
  return (response.json.details as { path: string; message: string }[]).map((detail) => detail.path);
}

/** Every stored resource as `key@version`, to show that a refused request changed nothing. */
export async function snapshot(api: ApiHarness): Promise<string[]> {
  const all: string[] = [];
  for (const kind of KINDS) {
    for (const resource of await api.store.listByKind(kind.kind)) {
      all.push(`${resource.key}@${resource.version}:${JSON.stringify(resource.body)}`);
    }
  }
  return all.sort();
}
