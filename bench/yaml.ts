/**
 * `npm run bench:yaml [-- --clusters 100 --services 2000 --edges 10000 --runs 3]`
 *
 * The output of a big render (the synthetic fleet of `bench/render.ts`, 100 clusters by
 * default) serialized three ways, median of `--runs`: as JSON (`JSON.stringify`, the floor),
 * as the multi-document YAML meshbridge writes (`renderYaml`, js-yaml's `dump` through
 * `core/yaml/output.ts`), and as the same YAML with the `yaml` package's `stringify`, which
 * meshbridge used before. Each YAML is read back as YAML 1.1 (as kubectl and Argo CD read it):
 * meshbridge's must hold the same objects; the objects the `yaml` package's would change are counted.
 * A benchmark, not a test.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { renderView, renderYaml, type RenderView } from '../src/core/render/present.js';
import { addressClaims, Renderer } from '../src/core/render/render.js';
import { allocateAddresses, generateFleet } from '../src/test-support/fleet.js';
import { median } from './figures.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '100' },
    services: { type: 'string', default: '2000' },
    edges: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
  },
});
const number = (name: keyof typeof values): number => {
  const parsed = Number(values[name]);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be an integer ≥ 1`);
  return parsed;
};

/** The `yaml` package writing what `renderYaml` writes: the same comments and documents. */
function renderYamlWithYamlPackage(view: RenderView): string {
  const parts: string[] = [];
  for (const cluster of view.clusters) {
    parts.push(`# cluster ${cluster.clusterProvider}/${cluster.cluster}: ${cluster.resources.length} objects`);
    for (const resource of cluster.resources) parts.push(`---\n${stringify(resource, { lineWidth: 0 }).trimEnd()}`);
  }
  return `${parts.join('\n')}\n`;
}

/** Median of `runs`, and the last run's text. The one before is let go first: held, tens of MB each, they make the collector the figure. */
function measure(runs: number, work: () => string): { ms: number; text: string } {
  const times: number[] = [];
  let text = '';
  for (let run = 0; run < runs; run++) {
    text = '';
    const started = performance.now();
    text = work();
    times.push(performance.now() - started);
  }
  return { ms: Math.round(median(times)), text };
}

/** Every object of the YAML, as a YAML 1.1 reader (kubectl, Argo CD) would read it. */
function objectsOf(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors[0]?.message);
    return document.toJS() as unknown;
  });
}

function main(): void {
  const runs = number('runs');
  const snapshot = generateFleet({
    clusters: number('clusters'),
    services: number('services'),
    edges: number('edges'),
    seed: 1,
    istioVersions: ['1.7', '1.12', '1.20', '1.24'],
  });
  const result = new Renderer().render(snapshot, allocateAddresses(addressClaims(snapshot)));
  // Diagnostics are left out: the comparison is of the objects.
  const view = { ...renderView(result, { showSecrets: true }), diagnostics: [] };
  const json = measure(runs, () => JSON.stringify(view));
  const jsonBytes = json.text.length;
  json.text = '';
  const jsYaml = measure(runs, () => renderYaml(view));
  const yamlBytes = jsYaml.text.length;
  const expected = view.clusters.flatMap((cluster) => cluster.resources.map((object) => JSON.stringify(object)));
  const misread = (text: string) =>
    objectsOf(text).filter((object, index) => JSON.stringify(object) !== expected[index]);
  if (misread(jsYaml.text).length > 0) throw new Error("js-yaml's YAML does not read back the same objects");
  jsYaml.text = '';
  const yamlPackage = measure(runs, () => renderYamlWithYamlPackage(view));
  const misreadByYamlPackage = misread(yamlPackage.text);
  const objects = view.clusters.reduce((sum, cluster) => sum + cluster.resources.length, 0);
  const report = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    output: { clusters: view.clusters.length, objects, jsonBytes, yamlBytes },
    runs,
    jsonStringifyMs: json.ms,
    yamlJsYamlMs: jsYaml.ms,
    yamlYamlPackageMs: yamlPackage.ms,
    jsYamlTimesFasterThanYamlPackage: Math.round((yamlPackage.ms / Math.max(jsYaml.ms, 1)) * 10) / 10,
    jsYamlTimesJson: Math.round((jsYaml.ms / Math.max(json.ms, 1)) * 10) / 10,
    // Objects a YAML 1.1 reader reads otherwise than written (js-yaml's: none, checked above).
    objectsMisreadAsYaml11: { jsYaml: 0, yamlPackage: misreadByYamlPackage.length },
    ...(misreadByYamlPackage[0] ? { firstMisreadByYamlPackage: misreadByYamlPackage[0] } : {}),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
