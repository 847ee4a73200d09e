/**
 * `meshbridge render`: the Istio objects of every cluster. With `-f FILE...` it works
 * offline: the files are applied to a throwaway in-memory server (no server needs
 * to run); without, it asks `--server`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiClient } from './api-client.js';
import { describeError } from './api-client.js';
import { applyDocuments } from './apply.js';
import { processStdin, readFileArguments } from './file-sources.js';
import type { Output } from './output.js';

export interface RenderOptions {
  /** `-f` arguments: files, folders, `-` for standard input. */
  files: string[];
  stdin?: () => Promise<string>;
  cluster?: string;
  out?: string;
  format: 'yaml' | 'json';
  showSecrets: boolean;
}

interface ClusterView {
  clusterProvider: string;
  cluster: string;
  resources: unknown[];
}

async function applyAll(client: ApiClient, options: RenderOptions, output: Output): Promise<boolean> {
  const documents = await readFileArguments(options.files, undefined, options.stdin ?? processStdin);
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
async function writeClusters(client: ApiClient, options: RenderOptions, out: string, output: Output): Promise<boolean> {
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

export async function renderWith(client: ApiClient, options: RenderOptions, output: Output): Promise<boolean> {
  if (options.files.length > 0 && !(await applyAll(client, options, output))) return false;
  if (options.out) return writeClusters(client, options, options.out, output);
  const response = await client.request('GET', query(options, options.format));
  if (response.status !== 200) {
    output.err(describeError(response));
    return false;
  }
  output.out(options.format === 'json' ? JSON.stringify(response.body, null, 2) : String(response.body).trimEnd());
  const diagnostics =
    (options.format === 'json' ? (response.body as { diagnostics: { severity: string }[] }).diagnostics : []) ?? [];
  return !diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}
