/**
 * `meshbridge render`: the Istio objects of every cluster. With `-f FILE...` it works
 * offline: the files are applied to the API in this process, on a store in memory (no
 * server runs, no socket is opened; `offline.ts`); without, it asks `--server`.
 * Offline nothing is approved or deployed, so lifecycle documents (approve,
 * instantiate, ...) are skipped: rendering does not depend on them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Api } from './api-client.js';
import { describeError } from './api-client.js';
import { applyDocuments } from './apply.js';
import { lifecycleVerbOf } from './lifecycle-document.js';
import { processStdin, readFileArguments } from './file-sources.js';
import type { Output } from './output.js';
import { printResources, type ResourceFormat, type ResourceView } from './resource-output.js';

export interface RenderOptions {
  /** `-f` arguments: files, folders, `-` for standard input. */
  files: string[];
  /** `-v`: the values the files' Go templates are filled from (relative paths in them are the files' own). */
  values?: string;
  stdin?: () => Promise<string>;
  cluster?: string;
  out?: string;
  /** yaml (the default) and json print what `/v2/render` answers; table, wide and name list the objects. */
  format: ResourceFormat;
  showSecrets: boolean;
  /** Applied to the API in this process, where lifecycle documents have nothing to act on. */
  offline?: boolean;
}

interface RenderedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

interface ClusterView {
  clusterProvider: string;
  cluster: string;
  resources: RenderedObject[];
}

interface Listed {
  cluster: string;
  object: RenderedObject;
}

/** `-o name`: `provider/cluster/Kind/namespace/name` (the namespace left out for cluster-wide objects). */
const objectView: ResourceView<Listed> = {
  headers: ['CLUSTER', 'KIND', 'NAMESPACE', 'NAME'],
  row: ({ cluster, object }) => [
    cluster,
    object.kind ?? '',
    object.metadata?.namespace ?? '',
    object.metadata?.name ?? '',
  ],
  wideHeaders: ['API VERSION'],
  wideRow: ({ object }) => [object.apiVersion ?? ''],
  nameOf: ({ cluster, object }) =>
    [cluster, object.kind, object.metadata?.namespace, object.metadata?.name].filter(Boolean).join('/'),
  empty: 'No objects rendered.',
};

type Diagnostics = { diagnostics?: { severity: string }[] };

async function applyAll(client: Api, options: RenderOptions, output: Output): Promise<boolean> {
  const read = await readFileArguments(options.files, options.values, options.stdin ?? processStdin);
  const documents = options.offline ? read.filter((document) => !lifecycleVerbOf(document)) : read;
  const results = await applyDocuments(client, documents, false);
  const failures = results.filter((result) => result.result === 'failed');
  for (const failed of failures) output.err(`document ${failed.index} (${failed.name}): ${failed.error}`);
  return failures.length === 0;
}

function query(options: RenderOptions, format: 'yaml' | 'json'): string {
  const params = new URLSearchParams({ format });
  if (options.cluster) params.set('cluster', options.cluster);
  if (options.showSecrets) params.set('showSecrets', 'true');
  return `/v2/render?${params.toString()}`;
}

/** One file per cluster: `<out>/<provider>/<cluster>.yaml`, as the YAML endpoint renders it. */
async function writeClusters(client: Api, options: RenderOptions, out: string, output: Output): Promise<boolean> {
  const response = await client.request('GET', query(options, 'json'));
  if (response.status !== 200) {
    output.err(describeError(response));
    return false;
  }
  const clusters = (response.body as { clusters: ClusterView[] }).clusters;
  for (const cluster of clusters) {
    const filter: RenderOptions = { ...options, cluster: `${cluster.clusterProvider}/${cluster.cluster}` };
    const yaml = await client.request('GET', query(filter, 'yaml'));
    const folder = join(out, cluster.clusterProvider);
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, `${cluster.cluster}.${options.format === 'json' ? 'json' : 'yaml'}`),
      options.format === 'json' ? `${JSON.stringify(cluster, null, 2)}\n` : String(yaml.body),
    );
  }
  output.out(`${clusters.length} cluster${clusters.length === 1 ? '' : 's'} written to ${out}`);
  return true;
}

export async function renderWith(client: Api, options: RenderOptions, output: Output): Promise<boolean> {
  if (options.files.length > 0 && !(await applyAll(client, options, output))) return false;
  if (options.out) return writeClusters(client, options, options.out, output);
  const asked = options.format === 'yaml' ? 'yaml' : 'json';
  const response = await client.request('GET', query(options, asked));
  if (response.status !== 200) {
    output.err(describeError(response));
    return false;
  }
  if (options.format === 'yaml') {
    output.out(String(response.body).trimEnd());
    return true;
  }
  const body = response.body as Diagnostics & { clusters: ClusterView[] };
  if (options.format === 'json') output.out(JSON.stringify(body, null, 2));
  else {
    const objects = body.clusters.flatMap((cluster) =>
      cluster.resources.map((object) => ({ cluster: `${cluster.clusterProvider}/${cluster.cluster}`, object })),
    );
    printResources(objects, options.format, objectView, output);
  }
  return !(body.diagnostics ?? []).some((diagnostic) => diagnostic.severity === 'error');
}
