/** The rendered output as users see it: JSON or multi-document YAML, Secret data redacted unless asked for. */
import { toYaml } from '../yaml/output.js';
import type { Diagnostic } from './diagnostics.js';
import type { RenderedObject } from './objects.js';
import type { RenderResult } from './render.js';

export const REDACTED_DATA = '<redacted>';

export interface RenderView {
  clusters: { clusterProvider: string; cluster: string; resources: RenderedObject[] }[];
  diagnostics: Diagnostic[];
}

function redactSecrets(object: RenderedObject): RenderedObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  return { ...object, data: Object.fromEntries(Object.keys(object.data).map((key) => [key, REDACTED_DATA])) };
}

export function renderView(result: RenderResult, options: { showSecrets?: boolean } = {}): RenderView {
  return {
    clusters: result.clusters.map((entry) => ({
      clusterProvider: entry.cluster.provider,
      cluster: entry.cluster.name,
      resources: options.showSecrets ? entry.resources : entry.resources.map(redactSecrets),
    })),
    diagnostics: result.diagnostics,
  };
}

/** Multi-document YAML, a comment line before each cluster's objects, diagnostics as comments at the end. */
export function renderYaml(view: RenderView): string {
  const parts: string[] = [];
  for (const cluster of view.clusters) {
    parts.push(`# cluster ${cluster.clusterProvider}/${cluster.cluster}: ${cluster.resources.length} objects`);
    for (const resource of cluster.resources) parts.push(`---\n${toYaml(resource).trimEnd()}`);
  }
  for (const diagnostic of view.diagnostics) {
    parts.push(
      `# ${diagnostic.severity} ${diagnostic.code}${diagnostic.cluster ? ` [${diagnostic.cluster}]` : ''}: ${diagnostic.message}`,
    );
  }
  return `${parts.join('\n')}\n`;
}
