/**
 * `npm run bench [-- --clusters 100 --services 2000 --edges 10000 --seed 1 --runs 3]`
 * (also `--istio-versions 1.24`, `--no-yaml`, `--no-scaling`)
 *
 * Builds a synthetic fleet (src/test-support/fleet.ts), then measures the renderer
 * and prints one JSON object: the full render time (median of `--runs`, a fresh
 * Renderer each time; without validation, and with it as the service renders), the
 * time to re-render with a warm renderer after one intent changes (a client's app;
 * an inbound intent's port) and how many clusters' output that changed, the output
 * size, the time to serialize it (the floor any render is measured against), and the
 * full render time at a quarter and half the size, so growth can be seen.
 * A benchmark, not a test: it checks nothing but that it rendered.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { renderView, renderYaml } from '../src/core/render/present.js';
import { addressClaims, Renderer, type RenderResult } from '../src/core/render/render.js';
import type { Snapshot } from '../src/core/render/snapshot.js';
import { validateRendered } from '../src/core/render/validate.js';
import { allocateAddresses, generateFleet } from '../src/test-support/fleet.js';
import { changeFleet, type FleetChange } from '../src/test-support/fleet-changes.js';
import { FLEET_SIZE_OPTIONS, median } from './figures.js';

interface Options {
  clusters: number;
  services: number;
  edges: number;
  seed: number;
  runs: number;
  istioVersions: string[];
  yaml: boolean;
  scaling: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      ...FLEET_SIZE_OPTIONS,
      runs: { type: 'string', default: '3' },
      'istio-versions': { type: 'string', default: '1.7,1.12,1.20,1.24' },
      'no-yaml': { type: 'boolean', default: false },
      'no-scaling': { type: 'boolean', default: false },
    },
  });
  const number = (name: string, value: string | undefined, min: number) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return parsed;
  };
  return {
    clusters: number('clusters', values.clusters, 1),
    services: number('services', values.services, 1),
    edges: number('edges', values.edges, 0),
    seed: number('seed', values.seed, 0),
    runs: number('runs', values.runs, 1),
    istioVersions: String(values['istio-versions'])
      .split(',')
      .map((version) => version.trim())
      .filter((version) => version !== ''),
    yaml: !values['no-yaml'],
    scaling: !values['no-scaling'],
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function timed<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
}

const objectCount = (result: RenderResult) =>
  result.clusters.reduce((total, cluster) => total + cluster.resources.length, 0);

interface Sized {
  snapshot: Snapshot;
  addresses: Map<string, string>;
  claims: number;
  generateMs: number;
  addressClaimsMs: number;
}

function buildFleet(opts: Options, scale: number): Sized {
  const size = (value: number, min: number) => Math.max(min, Math.round(value * scale));
  const generated = timed(() =>
    generateFleet({
      clusters: size(opts.clusters, 1),
      services: size(opts.services, 1),
      edges: size(opts.edges, 0),
      seed: opts.seed,
      istioVersions: opts.istioVersions,
    }),
  );
  const claims = timed(() => addressClaims(generated.value));
  return {
    snapshot: generated.value,
    addresses: allocateAddresses(claims.value),
    claims: claims.value.length,
    generateMs: generated.ms,
    addressClaimsMs: claims.ms,
  };
}

/** Median of `runs` full renders, each with a fresh renderer; returns the last result too. */
function fullRenders(fleet: Sized, runs: number, validate = false): { ms: number[]; result: RenderResult } {
  const ms: number[] = [];
  let result: RenderResult | undefined;
  for (let run = 0; run < runs; run += 1) {
    const renderer = validate ? new Renderer(validateRendered) : new Renderer();
    const render = timed(() => renderer.render(fleet.snapshot, fleet.addresses));
    ms.push(render.ms);
    result = render.value;
  }
  return { ms, result: result as RenderResult };
}

function changedClusters(before: RenderResult, after: RenderResult): { changed: number; reassembled: number } {
  const old = new Map(before.clusters.map((entry) => [entry.cluster.key, entry.resources]));
  const keys = new Set([...old.keys(), ...after.clusters.map((entry) => entry.cluster.key)]);
  const fresh = new Map(after.clusters.map((entry) => [entry.cluster.key, entry.resources]));
  let changed = 0;
  let reassembled = 0;
  for (const key of keys) {
    const [a, b] = [old.get(key), fresh.get(key)];
    if (a !== b) reassembled += 1;
    if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) changed += 1;
  }
  return { changed, reassembled };
}

interface IncrementalFigures {
  renderMs: number;
  runsMs: number[];
  addressClaimsMs: number;
  changedClusters: number;
  reassembledClusters: number;
}

/**
 * One intent changes; a warm renderer renders the changed snapshot, then the original
 * again (not timed). The renderer validates what it rebuilds, as the service's does. Clusters are counted as re-assembled when the renderer did not
 * hand back the object list it returned for them the render before.
 */
function incremental(fleet: Sized, change: FleetChange, runs: number): IncrementalFigures {
  const renderer = new Renderer(validateRendered);
  let baseline = renderer.render(fleet.snapshot, fleet.addresses);
  const runsMs: number[] = [];
  const claimsMs: number[] = [];
  let counts = { changed: 0, reassembled: 0 };
  for (let run = 0; run < runs; run += 1) {
    const changed = changeFleet(fleet.snapshot, change, 7919 * run + 11);
    const claims = timed(() => addressClaims(changed));
    const addresses = allocateAddresses(claims.value, fleet.addresses);
    const render = timed(() => renderer.render(changed, addresses));
    runsMs.push(render.ms);
    claimsMs.push(claims.ms);
    const seen = changedClusters(baseline, render.value);
    counts = {
      changed: Math.max(counts.changed, seen.changed),
      reassembled: Math.max(counts.reassembled, seen.reassembled),
    };
    baseline = renderer.render(fleet.snapshot, fleet.addresses);
  }
  return {
    renderMs: round(median(runsMs)),
    runsMs: runsMs.map(round),
    addressClaimsMs: round(median(claimsMs)),
    changedClusters: counts.changed,
    reassembledClusters: counts.reassembled,
  };
}

function scalingPoint(opts: Options, scale: number) {
  const fleet = buildFleet(opts, scale);
  const { ms, result } = fullRenders(fleet, opts.runs);
  const objects = objectCount(result);
  const fullRenderMs = median(ms);
  return {
    scale,
    clusters: fleet.snapshot.clusters.length,
    services: fleet.snapshot.inboundIntents.length,
    edges: fleet.snapshot.clients.length,
    objects,
    fullRenderMs: round(fullRenderMs),
    usPerObject: round((fullRenderMs * 1000) / Math.max(1, objects)),
  };
}

function main(): void {
  const opts = options();
  const started = performance.now();
  const fleet = buildFleet(opts, 1);
  const full = fullRenders(fleet, opts.runs);
  const result = full.result;
  const validated = fullRenders(fleet, opts.runs, true);
  const objects = objectCount(result);
  if (objects === 0) throw new Error('the fleet rendered no object');
  const serialized = timed(() => JSON.stringify(result));
  const yaml = opts.yaml ? timed(() => renderYaml(renderView(result, { showSecrets: true }))) : undefined;
  const changes = {
    clientApp: incremental(fleet, 'clientApp', opts.runs),
    inboundPort: incremental(fleet, 'inboundPort', opts.runs),
  };
  const allIncremental = [...changes.clientApp.runsMs, ...changes.inboundPort.runsMs];
  const fullRenderMs = median(full.ms);
  const linearity = opts.scaling
    ? [
        scalingPoint(opts, 0.25),
        scalingPoint(opts, 0.5),
        {
          scale: 1,
          clusters: fleet.snapshot.clusters.length,
          services: fleet.snapshot.inboundIntents.length,
          edges: fleet.snapshot.clients.length,
          objects,
          fullRenderMs: round(fullRenderMs),
          usPerObject: round((fullRenderMs * 1000) / objects),
        },
      ]
    : undefined;
  const diagnostics = { error: 0, warning: 0 };
  for (const diagnostic of result.diagnostics) diagnostics[diagnostic.severity] += 1;
  const report = {
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      platform: `${os.platform()} ${os.arch()}`,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
    },
    options: {
      clusters: opts.clusters,
      services: opts.services,
      edges: opts.edges,
      seed: opts.seed,
      runs: opts.runs,
      istioVersions: opts.istioVersions,
    },
    fleet: {
      clusters: fleet.snapshot.clusters.length,
      services: fleet.snapshot.inboundIntents.length,
      edges: fleet.snapshot.clients.length,
      routingIntents: fleet.snapshot.routingIntents.length,
      renderedClusters: result.clusters.length,
      objects,
      diagnostics,
    },
    generateMs: round(fleet.generateMs),
    addressClaims: fleet.claims,
    addressClaimsMs: round(fleet.addressClaimsMs),
    fullRenderMs: round(fullRenderMs),
    fullRenderRunsMs: full.ms.map(round),
    validatedFullRenderMs: round(median(validated.ms)),
    incrementalRenderMs: round(median(allIncremental)),
    incrementalClusterCount: Math.max(changes.clientApp.changedClusters, changes.inboundPort.changedClusters),
    incremental: changes,
    outputBytes: Buffer.byteLength(serialized.value),
    serializeMs: round(serialized.ms),
    ...(yaml ? { yamlSerializeMs: round(yaml.ms), yamlBytes: Buffer.byteLength(yaml.value) } : {}),
    ...(linearity ? { linearity } : {}),
    totalMs: round(performance.now() - started),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
