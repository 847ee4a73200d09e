/**
 * `npm run bench:render-get [-- --clusters 100 --services 2000 --edges 10000 --seed 1 --runs 15]`
 *
 * The render API over a real database with the render kept in memory (src/service/render-cache.ts):
 * a synthetic fleet (src/test-support/fleet.ts) is written into an in-memory SQLite database and a
 * server is built on it, as `meshbridge serve` builds one; requests go through Fastify's `inject`.
 * Prints one JSON object with each figure next to its goal:
 *
 * - (a) `GET /v2/render` of an unchanged fleet, against serializing the same view with JSON.stringify;
 * - (b) one cluster's render, against its share of the fleet's (the fleet's GET times the cluster's
 *   share of the objects), for the first request after a render (the view is made) and later ones;
 * - (c) the first GET after one intent changes (written through the store), against a full render
 *   (a fresh server on the same database), and the GET after that; and the same for the render alone
 *   (a render service's `renderFleet`, without serializing);
 * - (d) the heap the server holds for the rendered fleet, after GC, per rendered object (after a small
 *   fleet's render has made what a process holds whatever its fleet).
 *
 * A benchmark, not a test: it checks nothing but that the fleet rendered the same through the store.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { openSqliteDatabase } from '../src/adapters/storage/sqlite.js';
import { buildApp } from '../src/compose.js';
import type { KindName } from '../src/core/model/kind.js';
import { renderView } from '../src/core/render/present.js';
import type { Snapshot, SnapshotRecord } from '../src/core/render/snapshot.js';
import type { OpenedDatabase } from '../src/adapters/storage/database.js';
import type { StoreWriter } from '../src/service/store.js';
import { validateRendered } from '../src/core/render/validate.js';
import { RenderService } from '../src/service/render-service.js';
import { canonicalRecord, generateFleet } from '../src/test-support/fleet.js';
import { changeFleet, type FleetChange } from '../src/test-support/fleet-changes.js';
import { FLEET_SIZE_OPTIONS, median } from './figures.js';

const { values } = parseArgs({
  options: {
    ...FLEET_SIZE_OPTIONS,
    runs: { type: 'string', default: '15' },
  },
});
const number = (name: keyof typeof values, min: number): number => {
  const parsed = Number(values[name]);
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return parsed;
};
const opts = {
  clusters: number('clusters', 1),
  services: number('services', 1),
  edges: number('edges', 0),
  seed: number('seed', 0),
  runs: number('runs', 1),
};

v8.setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? vm.runInNewContext('gc')) as () => void;

const round = (value: number, places = 1) => Math.round(value * 10 ** places) / 10 ** places;

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

async function medianMs(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  const ms: number[] = [];
  for (let run = 0; run < runs; run += 1) ms.push((await timed(work)).ms);
  return median(ms);
}

/** The snapshot's lists of plain records, by the kind they are stored as. */
const RECORD_KINDS: [keyof Snapshot, KindName][] = [
  ['logicalClouds', 'logicalCloud'],
  ['clusterReferences', 'clusterReference'],
  ['apps', 'app'],
  ['deploymentIntentGroups', 'deploymentIntentGroup'],
  ['appIntents', 'appIntent'],
  ['inboundIntents', 'inboundIntent'],
  ['clients', 'inboundClient'],
  ['accessPoints', 'accessPoint'],
  ['routingIntents', 'routingIntent'],
];

const nameOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/**
 * Writes the fleet as the rows `readSnapshot` reads back. The ancestors the renderer does not read
 * (projects, composite apps, placement intents) are left out, so records are stored without a parent.
 */
async function seed(tx: StoreWriter, snapshot: Snapshot): Promise<void> {
  for (const cluster of snapshot.clusters) {
    await tx.insert({ key: cluster.key, parentKey: null, kind: 'cluster', name: cluster.name, body: cluster.body });
    for (const label of cluster.labels) {
      const key = `${cluster.key}/labels/${label}`;
      await tx.insert({
        key,
        parentKey: cluster.key,
        kind: 'clusterLabel',
        name: label,
        body: { clusterLabel: label },
      });
    }
    if (cluster.gateway.source.startsWith('kv-pairs/')) {
      const key = `${cluster.key}/kv-pairs/istio-gateway`;
      const { address, port, internalPort } = cluster.gateway;
      const body = canonicalRecord('clusterKvPair', key, {
        metadata: { name: 'istio-gateway' },
        spec: {
          kv: [
            { istioIngressGatewayAddress: address },
            { istioIngressGatewayPort: String(port) },
            { istioIngressGatewayInternalPort: String(internalPort) },
          ],
        },
      }).body;
      await tx.insert({ key, parentKey: cluster.key, kind: 'clusterKvPair', name: 'istio-gateway', body });
    }
  }
  for (const [list, kind] of RECORD_KINDS)
    for (const record of snapshot[list] as SnapshotRecord[])
      await tx.insert({ key: record.key, parentKey: null, kind, name: nameOf(record.key), body: record.body });
}

/** Writes what `changed` changed of `before`'s records, in one transaction. */
async function writeChange(database: OpenedDatabase, before: Snapshot, changed: Snapshot): Promise<number> {
  let writes = 0;
  await database.store.transaction(async (tx) => {
    for (const [list, kind] of RECORD_KINDS) {
      const old = new Map((before[list] as SnapshotRecord[]).map((record) => [record.key, record.body]));
      const fresh = new Map((changed[list] as SnapshotRecord[]).map((record) => [record.key, record.body]));
      for (const [key, body] of fresh) {
        if (!old.has(key)) await tx.insert({ key, parentKey: null, kind, name: nameOf(key), body });
        else if (JSON.stringify(old.get(key)) !== JSON.stringify(body)) await tx.update(key, body);
        else continue;
        writes += 1;
      }
      for (const key of old.keys()) {
        if (fresh.has(key)) continue;
        await tx.delete(key);
        writes += 1;
      }
    }
  });
  return writes;
}

async function get(app: FastifyInstance, url: string): Promise<string> {
  const response = await app.inject({ method: 'GET', url });
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response.body;
}

interface View {
  clusters: { clusterProvider: string; cluster: string; resources: unknown[] }[];
}

/** (b): a sample of clusters, each GET against the fleet GET's time scaled by its share of the objects. */
async function clusterShare(app: FastifyInstance, view: View, fleetMs: number, runs: number) {
  const total = view.clusters.reduce((sum, entry) => sum + entry.resources.length, 0);
  const step = Math.max(1, Math.floor(view.clusters.length / 10));
  const sample = view.clusters.filter((_, index) => index % step === 0).slice(0, 10);
  let [firstMs, warmMs, shareMs] = [0, 0, 0];
  for (const entry of sample) {
    const url = `/v2/cluster-providers/${entry.clusterProvider}/clusters/${entry.cluster}/render`;
    firstMs += (await timed(() => get(app, url))).ms;
    warmMs += await medianMs(runs, () => get(app, url));
    shareMs += (fleetMs * entry.resources.length) / total;
  }
  return {
    clusters: sample.length,
    firstGetMs: round(firstMs / sample.length, 2),
    getMs: round(warmMs / sample.length, 2),
    shareOfFleetGetMs: round(shareMs / sample.length, 2),
    ratio: round(warmMs / shareMs, 2),
    firstRatio: round(firstMs / shareMs, 2),
    goal: 'ratio ≤ 2',
  };
}

/**
 * (c): one intent changed through the store; the next GET and the one after on the warm server, and the
 * render alone (without serializing) of a warm render service of its own.
 */
async function afterChange(
  app: FastifyInstance,
  database: OpenedDatabase,
  fleet: Snapshot,
  change: FleetChange,
  service: RenderService,
) {
  const changed = changeFleet(fleet, change, 7);
  await service.renderFleet();
  const writes = await writeChange(database, fleet, changed);
  const renderOnly = await timed(() => service.renderFleet());
  const first = await timed(async () => (await get(app, '/v2/render')).length);
  const second = await timed(async () => (await get(app, '/v2/render')).length);
  await writeChange(database, changed, fleet);
  await get(app, '/v2/render');
  await get(app, '/v2/render');
  return {
    change,
    writes,
    renderMs: round(renderOnly.ms),
    firstGetMs: round(first.ms),
    nextGetMs: round(second.ms),
  };
}

const ISTIO_VERSIONS = ['1.7', '1.12', '1.20', '1.24'];

/** A server on the fleet in a fresh in-memory database. */
async function serverOn(fleet: Snapshot): Promise<{ app: FastifyInstance; database: OpenedDatabase }> {
  const database = await openSqliteDatabase(':memory:');
  await database.store.transaction((tx) => seed(tx, fleet));
  const app = await buildApp(database);
  await app.ready();
  return { app, database };
}

/**
 * `inject` resolves with the response while light-my-request still holds it (and its body, the whole
 * fleet's text) in callbacks queued with `setImmediate`: a heap measured at once counted each recent
 * response, about 800 B per object. Those turns run first, so only what the server keeps is counted.
 */
const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * What the process holds whatever the fleet (compiled code, the object validators' compiled schemas,
 * module caches) is made by rendering a small fleet first, so (d) counts what the fleet itself holds.
 */
async function warmUp(): Promise<number> {
  const { app } = await serverOn(
    generateFleet({ clusters: 4, services: 20, edges: 60, seed: opts.seed + 1, istioVersions: ISTIO_VERSIONS }),
  );
  gc();
  const before = process.memoryUsage().heapUsed;
  await get(app, '/v2/render');
  await app.close();
  await settled();
  gc();
  return process.memoryUsage().heapUsed - before;
}

async function main(): Promise<void> {
  const started = performance.now();
  const processBytes = await warmUp();
  const fleet = generateFleet({ ...opts, istioVersions: ISTIO_VERSIONS });
  const { app, database } = await serverOn(fleet);

  await settled();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cold = await timed(async () => (await get(app, '/v2/render')).length);
  await get(app, '/v2/render'); // the first render's own address allocation is read back once
  // Cluster views are kept with the render: count them too.
  for (const cluster of fleet.clusters.slice(0, 2))
    await get(app, `/v2/cluster-providers/${cluster.provider}/clusters/${cluster.name}/render`);
  await settled();
  gc();
  const heldBytes = process.memoryUsage().heapUsed - heapBefore;

  const service = new RenderService(database.store, database.ledger, validateRendered);
  const result = await service.renderFleet();
  const objects = result.clusters.reduce((sum, entry) => sum + entry.resources.length, 0);
  const body = await get(app, '/v2/render');
  const serializeMs = await medianMs(opts.runs, () => JSON.stringify(renderView(result)));
  if (JSON.stringify(renderView(result)) !== body) throw new Error('the server rendered the fleet differently');
  const fleetGetMs = await medianMs(opts.runs, () => get(app, '/v2/render'));

  const view = JSON.parse(body) as View;
  const cluster = await clusterShare(app, view, fleetGetMs, opts.runs);

  const changes = [
    await afterChange(app, database, fleet, 'clientApp', service),
    await afterChange(app, database, fleet, 'inboundPort', service),
  ];
  // A full render: a fresh server (its own renderer, nothing kept) on the same database.
  const fresh = await buildApp(database);
  const full = await timed(async () => (await get(fresh, '/v2/render')).length);
  const fullRender = await timed(() =>
    new RenderService(database.store, database.ledger, validateRendered).renderFleet(),
  );

  const report = {
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown' },
    options: opts,
    fleet: {
      clusters: fleet.clusters.length,
      renderedClusters: view.clusters.length,
      objects,
      outputBytes: body.length,
    },
    unchangedFleetGet: {
      getMs: round(fleetGetMs, 2),
      serializeMs: round(serializeMs, 2),
      ratio: round(fleetGetMs / serializeMs, 2),
      goal: 'ratio ≤ 3',
    },
    clusterGet: cluster,
    afterOneChange: {
      fullRenderGetMs: round(full.ms),
      fullRenderMs: round(fullRender.ms),
      firstServerGetMs: round(cold.ms),
      changes,
      ratio: round(Math.max(...changes.map((entry) => entry.firstGetMs)) / full.ms, 2),
      renderRatio: round(Math.max(...changes.map((entry) => entry.renderMs)) / fullRender.ms, 2),
      goal: 'in proportion to what the change touches (no goal figure)',
    },
    memory: {
      firstRenderOfProcessBytes: processBytes,
      heldBytes,
      bytesPerObject: Math.round(heldBytes / objects),
      goal: 'bytesPerObject ≤ 2048',
    },
    totalMs: round(performance.now() - started),
  };
  await fresh.close(); // closes the database too
  await app.close().catch(() => undefined);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
