/**
 * The side panel: an edge's verdict, hop and reason with its `check route` trace and the
 * Istio objects that make it; a cluster's rendered objects (secrets redacted by the server)
 * and diagnostics. Everything shown as YAML is text, never HTML.
 */
import { dump } from 'js-yaml';
import { getJson } from './api.js';
import { h } from './dom.js';
import type { Diagnostic, MapData, MapEdge } from './map-data.js';

const yaml = (value: unknown) => (typeof value === 'string' ? value : dump(value, { noRefs: true, lineWidth: 120 }));

interface ObjectsAnswer {
  clusters?: { clusterProvider: string; cluster: string; resources: unknown[] }[];
}

/** An objects answer (`{clusters: [{clusterProvider, cluster, resources}], diagnostics}`) as YAML documents, a comment line before each cluster's. */
export function objectsText(answer: unknown): string {
  const clusters = (answer as ObjectsAnswer | null)?.clusters;
  if (!Array.isArray(clusters)) return yaml(answer);
  const parts: string[] = [];
  for (const cluster of clusters) {
    parts.push(`# cluster ${cluster.clusterProvider}/${cluster.cluster}: ${cluster.resources.length} objects\n`);
    for (const resource of cluster.resources) parts.push(`---\n${yaml(resource)}`);
  }
  return parts.length === 0 ? '# no objects' : parts.join('');
}

function diagnosticsOf(answer: unknown): Diagnostic[] {
  const list = (answer as { diagnostics?: unknown } | null)?.diagnostics;
  return Array.isArray(list) ? (list as Diagnostic[]) : [];
}

function diagnosticList(diagnostics: Diagnostic[]): HTMLElement {
  if (diagnostics.length === 0) return h('p', {}, 'No diagnostics.');
  return h(
    'ul',
    { class: 'diagnostics' },
    ...diagnostics.map((one) =>
      h(
        'li',
        { class: `severity-${one.severity}` },
        h('strong', {}, `${one.severity} ${one.code}`),
        ` ${one.message}`,
        h('br'),
        h('small', {}, [one.cluster, one.resource].filter(Boolean).join(' · ')),
      ),
    ),
  );
}

function section(title: string, id: string): { element: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'loading', id }, 'Loading…');
  return { element: h('section', {}, h('h3', {}, title), body), body };
}

async function fill(body: HTMLElement, load: () => Promise<Node[]>): Promise<void> {
  try {
    body.replaceChildren(...(await load()));
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
  }
  body.classList.remove('loading');
}

function facts(rows: [string, string | number | null][]): HTMLElement {
  const list = h('dl');
  for (const [name, value] of rows)
    if (value !== null && value !== '') list.append(h('dt', {}, name), h('dd', {}, String(value)));
  return list;
}

export class Panel {
  constructor(
    private readonly element: HTMLElement,
    private readonly map: () => MapData,
  ) {}

  private open(title: string, ...children: Node[]): void {
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the panel' }, '×');
    close.addEventListener('click', () => this.close());
    const heading = h('h2', { tabindex: '-1' }, title);
    this.element.replaceChildren(close, heading, ...children);
    this.element.hidden = false;
    heading.focus();
  }

  close(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  /** One map edge, or a choice among the map edges an aggregated graph edge stands for. */
  showEdges(edgeIds: string[]): void {
    const edges = this.map().edges.filter((edge) => edgeIds.includes(edge.id));
    if (edges.length === 1) return this.showEdge(edges[0] as MapEdge);
    const items = edges.map((edge) => {
      const button = h(
        'button',
        { type: 'button', class: `link verdict ${edge.verdict}` },
        `${this.describe(edge)} — ${edge.verdict}`,
      );
      button.addEventListener('click', () => this.showEdge(edge));
      return h('li', {}, button);
    });
    this.open(`${edges.length} edges`, h('ul', { class: 'edge-choice' }, ...items));
  }

  private describe(edge: MapEdge): string {
    const caller = this.map().callers.find((one) => one.id === edge.from);
    const service = this.map().services.find((one) => one.id === edge.to);
    return `${caller?.app ?? edge.from} → ${service?.name ?? edge.to} (${edge.host}:${edge.port})`;
  }

  showEdge(edge: MapEdge): void {
    const verdict = h(
      'p',
      { class: `verdict ${edge.verdict}`, 'data-verdict': edge.verdict },
      edge.verdict === 'refused' ? '✕ refused' : '✓ delivered',
    );
    const details = facts([
      ['Hop', edge.hop === null ? null : `${edge.hop}${edge.hopCluster ? ` (${edge.hopCluster})` : ''}`],
      ['Reason', edge.reason],
      ['Host', `${edge.host}:${edge.port}`],
      ['Call', edge.request ? `${edge.request.method} ${edge.request.path}` : null],
      ['Mode', edge.mode],
      ['Gateway', edge.gateway],
      ['Share', edge.share === null ? null : `${edge.share}%`],
      ['Intent', edge.intent],
      ['Client intent', edge.client ?? null],
    ]);
    const trace = section('check route trace', 'edge-trace');
    const objects = section('Istio objects', 'edge-objects');
    this.open(this.describe(edge), verdict, details, trace.element, objects.element);
    const path = `/v2/map/edges/${encodeURIComponent(edge.id)}`;
    void fill(trace.body, async () => [h('pre', {}, yaml(await getJson(`${path}/trace`)))]);
    void fill(objects.body, async () => {
      const answer = await getJson(`${path}/objects`);
      return [h('pre', {}, objectsText(answer)), diagnosticList(diagnosticsOf(answer))];
    });
  }

  showCluster(key: string): void {
    const cluster = this.map().clusters.find((one) => one.key === key);
    const details = facts([
      ['Locality', cluster?.locality ?? null],
      ['Gateway', cluster?.gateway.address ? `${cluster.gateway.address}:${cluster.gateway.port ?? ''}` : null],
      [
        'Labels',
        cluster
          ? Object.entries(cluster.labels)
              .map(([name, value]) => `${name}=${value}`)
              .join(', ')
          : null,
      ],
    ]);
    const diagnostics = section('Diagnostics', 'cluster-diagnostics');
    const objects = section('Rendered objects (secrets redacted)', 'cluster-objects');
    this.open(`Cluster ${key}`, details, diagnostics.element, objects.element);
    const path = key.split('/').map(encodeURIComponent).join('/');
    const answer = getJson(`/v2/map/clusters/${path}/objects`);
    void fill(diagnostics.body, async () => [diagnosticList(diagnosticsOf(await answer))]);
    void fill(objects.body, async () => [h('pre', {}, objectsText(await answer))]);
  }
}
