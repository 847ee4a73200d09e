/**
 * `npx tsx bench/map.ts [--clusters 100 --services 2000 --edges 10000 --seed 1 --runs 3]`
 *
 * What `GET /v2/map` costs on a synthetic fleet (src/test-support/fleet.ts): the render
 * it starts from (warm renderer, as the server's is after its first render), building
 * the map from it (every declared call and weighted destination traced once through
 * the data-plane model), the filter of one project, and serializing the answer; medians
 * of `--runs`. The goal: building the map costs no more than one cold render of the fleet
 * (render once, trace many), so GET /v2/map stays within about twice GET /v2/render.
 * A benchmark, not a test: it checks nothing but that it built.
 */
import { parseArgs } from 'node:util';
import { fleetWorld } from '../src/core/dataplane/world.js';
import { buildMap } from '../src/core/map/build.js';
import { filterMap } from '../src/core/map/filter.js';
import { planRender, Renderer } from '../src/core/render/render.js';
import { validateRendered } from '../src/core/render/validate.js';
import { allocateAddresses, generateFleet } from '../src/test-support/fleet.js';
import { FLEET_SIZE_OPTIONS, median } from './figures.js';

const { values } = parseArgs({
  options: {
    ...FLEET_SIZE_OPTIONS,
    runs: { type: 'string', default: '3' },
  },
});

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: Math.round((performance.now() - started) * 10) / 10 };
}

const options = {
  clusters: Number(values.clusters),
  services: Number(values.services),
  edges: Number(values.edges),
  seed: Number(values.seed),
  istioVersions: ['1.7', '1.12', '1.20', '1.24'],
};
const snapshot = generateFleet(options);
const runs = Number(values.runs);
const cold: number[] = [];
const warm: number[] = [];
const built: number[] = [];
const filtered: number[] = [];
const serialized: number[] = [];
let report: Record<string, unknown> = {};
for (let run = 0; run < runs; run += 1) {
  const renderer = new Renderer(validateRendered);
  const plan = planRender(snapshot);
  const addresses = allocateAddresses(plan.claims);
  cold.push(timed(() => renderer.render(snapshot, addresses, plan)).ms);
  const rendered = timed(() => renderer.render(snapshot, addresses, plan));
  warm.push(rendered.ms);
  const world = fleetWorld(snapshot, rendered.value, plan);
  const map = timed(() => buildMap({ snapshot, model: plan.model, world, diagnostics: rendered.value.diagnostics }));
  built.push(map.ms);
  const project = map.value.view.services[0]?.project ?? '';
  const one = timed(() => filterMap(map.value.view, { project }, 'all'));
  filtered.push(one.ms);
  const text = timed(() => JSON.stringify(map.value.view));
  serialized.push(text.ms);
  const edges = map.value.view.edges;
  report = {
    edges: edges.length,
    weightedEdges: edges.filter((edge) => edge.share !== null).length,
    refused: edges.filter((edge) => edge.verdict === 'refused').length,
    distinctTraces: new Set([...map.value.facts.values()].map((facts) => facts.check)).size,
    services: map.value.view.services.length,
    callers: map.value.view.callers.length,
    bytes: text.value.length,
    oneProjectEdges: one.value.edges.length,
  };
}
const coldMs = median(cold);
const buildMs = median(built);
process.stdout.write(
  `${JSON.stringify(
    {
      fleet: options,
      runs,
      ...report,
      coldRenderMs: coldMs,
      warmRenderMs: median(warm),
      buildMapMs: buildMs,
      filterOneProjectMs: median(filtered),
      serializeMs: median(serialized),
      goal: 'buildMapMs <= coldRenderMs (render once, trace many)',
      met: buildMs <= coldMs,
    },
    null,
    2,
  )}\n`,
);
