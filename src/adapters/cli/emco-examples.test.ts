/**
 * Every file of EMCO's DTC examples renders with the example's values, as its README says
 * (`meshbridge apply -f FILE -v values.yaml` from the example's folder): Go-template control
 * blocks included, nothing left unfilled, every document valid YAML with an anchor.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fillTemplate, readDocuments } from './emcoctl-file.js';

const ROOT = fileURLToPath(new URL('../../../examples/emco-dtc/', import.meta.url));
const EXAMPLES = (await readdir(ROOT, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory() && entry.name !== 'kube')
  .map((entry) => entry.name);

/** The example's emcoctl files, in sub-folders too (service_discovery's `l0_logical_cloud/`), by relative path. */
async function templatesOf(example: string): Promise<string[]> {
  return (await readdir(join(ROOT, example), { recursive: true }))
    .filter((file) => file.endsWith('.yaml') && file !== 'values.yaml' && !file.startsWith('output'))
    .sort();
}

describe.each(EXAMPLES)('EMCO example %s', (example) => {
  const folder = join(ROOT, example);
  const valuesPath = join(folder, 'values.yaml');

  test('ORDER names only files that exist, and every file renders', async () => {
    const templates = await templatesOf(example);
    const order = (await readFile(join(folder, 'ORDER'), 'utf8')).split(/\s+/).filter(Boolean);
    expect(order.length).toBeGreaterThan(0);
    for (const file of order) expect(templates).toContain(file);

    const values = parseYaml(await readFile(valuesPath, 'utf8')) as Record<string, unknown>;
    for (const file of templates) {
      const path = join(folder, file);
      const rendered = fillTemplate(await readFile(path, 'utf8'), values, basename(path));
      expect(rendered, file).not.toContain('{{');
      expect(rendered, file).not.toContain('<no value>');
      const documents = await readDocuments(path, valuesPath);
      expect(documents.length, file).toBeGreaterThan(0);
      for (const document of documents) expect(document.anchor, file).toMatch(/^[a-z]/);
    }
  });
});

/** The examples whose files loop over lists of apps with `{{- range $index, $app := .Applist }}`. */
describe.each(['external_access', 'gms', 'xstream'])('EMCO example %s, {{ range }} over lists', (example) => {
  const folder = join(ROOT, example);
  const valuesPath = join(folder, 'values.yaml');
  const name = (document: { body: Record<string, unknown> }) => (document.body.metadata as { name: string }).name;

  test('apps.yaml has one app and one profile document per entry of Applist', async () => {
    const values = parseYaml(await readFile(valuesPath, 'utf8')) as { Applist: string[] };
    expect(values.Applist.length).toBeGreaterThan(1);
    const documents = await readDocuments(join(folder, 'apps.yaml'), valuesPath);
    const apps = documents.filter((document) => document.anchor.endsWith('/apps'));
    expect(apps.map(name)).toEqual(values.Applist);
    expect(apps.map((document) => document.upload)).toEqual(
      values.Applist.map((app) => join(folder, 'output', `${app}.tgz`)),
    );
    const profiles = documents.filter((document) => document.anchor.endsWith('/profiles'));
    expect(profiles.map(name)).toEqual(values.Applist.map((app) => `${app}-profile`));
  });

  test("intents.yaml has one placement intent per app of each cluster, with that cluster's label", async () => {
    const values = parseYaml(await readFile(valuesPath, 'utf8')) as Record<string, string[] | string>;
    const documents = await readDocuments(join(folder, 'intents.yaml'), valuesPath);
    const placements = documents.filter((document) => document.anchor.endsWith('/app-intents'));
    const expected = [
      ...(values.AppsInCluster1 as string[]).map((app) => [`${app}-placement-intent`, values.Cluster1Label]),
      ...(values.AppsInCluster2 as string[]).map((app) => [`${app}-placement-intent`, values.Cluster2Label]),
    ];
    expect(
      placements.map((document) => {
        const spec = document.body.spec as { intent: { allOf: { clusterLabel: string }[] } };
        return [name(document), spec.intent.allOf[0]?.clusterLabel];
      }),
    ).toEqual(expected);
  });
});

test('{{- if .KubeConfig2 }} and {{- if not .PublicCluster2 }} follow the values, a missing key being false', async () => {
  const read = async (example: string, file: string) => ({
    text: await readFile(join(ROOT, example, file), 'utf8'),
    values: parseYaml(await readFile(join(ROOT, example, 'values.yaml'), 'utf8')) as Record<string, unknown>,
  });
  const clusters = await read('network_policy', 'clusters.yaml');
  expect(fillTemplate(clusters.text, clusters.values)).toContain('name: cluster2');
  const { KubeConfig2: _dropped, ...oneCluster } = clusters.values;
  expect(fillTemplate(clusters.text, oneCluster)).not.toContain('cluster2');

  const intents = await read('service_discovery', 'intents.yaml');
  expect(fillTemplate(intents.text, { ...intents.values, PublicCluster2: true })).not.toContain('serviceMesh: none');
  const { PublicCluster2: _public, ...privateCluster } = intents.values;
  expect(fillTemplate(intents.text, privateCluster)).toContain('serviceMesh: none');
});

test('all seven examples are here', () => {
  expect(EXAMPLES.sort()).toEqual([
    'external_access',
    'gms',
    'istio_traffic',
    'network_policy',
    'sdewan',
    'service_discovery',
    'xstream',
  ]);
});
