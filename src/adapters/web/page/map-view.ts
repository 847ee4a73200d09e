/**
 * The map, drawn by Cytoscape.js (bundled into the page at build time) from the elements
 * `graph-model.ts` computes, with their preset positions. Refused edges are red *and*
 * dashed with a cross at the target, so the verdict does not rest on colour alone.
 */
import cytoscape, { type Core, type EdgeSingular, type StylesheetJson } from 'cytoscape';
import type { GraphElements } from './graph-model.js';

export interface MapHandlers {
  /** A graph edge was chosen: the map edges it stands for. */
  edge(edgeIds: string[]): void;
  /** A cluster (or something in it) was chosen. */
  cluster(key: string): void;
}

const DELIVERED = '#1b7f3b';
const REFUSED = '#c0162d';

const STYLE: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 11,
      'text-wrap': 'wrap',
      'text-valign': 'center',
      'text-halign': 'center',
      color: '#111',
      'background-color': '#fff',
      'border-width': 1,
      'border-color': '#555',
      shape: 'round-rectangle',
      width: 130,
      height: 28,
    },
  },
  {
    selector: 'node[kind = "provider"]',
    style: {
      'background-color': '#f3f5f8',
      'border-color': '#8a94a6',
      'text-valign': 'top',
      'font-weight': 'bold',
      padding: '18px',
    },
  },
  {
    selector: 'node[kind = "cluster"]',
    style: {
      'background-color': '#e6eefb',
      'border-color': '#2c5aa0',
      'border-width': 2,
      'text-valign': 'top',
      'text-margin-y': -2,
      padding: '14px',
      width: 150,
      height: 60,
    },
  },
  { selector: 'node[kind = "caller"]', style: { shape: 'ellipse', 'background-color': '#fff8e1' } },
  {
    selector: 'node[kind = "gateway"]',
    style: { shape: 'diamond', width: 190, height: 36, 'background-color': '#ede7f6' },
  },
  {
    selector: 'edge',
    style: {
      width: 2,
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'line-color': DELIVERED,
      'target-arrow-color': DELIVERED,
      label: 'data(label)',
      'font-size': 11,
      'text-background-color': '#fff',
      'text-background-opacity': 1,
      'text-background-padding': '2px',
    },
  },
  {
    selector: 'edge[verdict = "refused"]',
    style: {
      'line-color': REFUSED,
      'target-arrow-color': REFUSED,
      'line-style': 'dashed',
      'target-arrow-shape': 'tee',
    },
  },
  { selector: '.faded', style: { opacity: 0.15 } },
  { selector: '.match', style: { 'border-width': 4, 'border-color': '#d97706' } },
  { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.2, 'overlay-padding': 4 } },
];

export class MapView {
  private cy: Core | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly handlers: MapHandlers,
  ) {}

  /** Draws `elements`; resolves once the canvas has been painted with them. */
  show(elements: GraphElements): Promise<void> {
    this.cy?.destroy();
    const cy = cytoscape({
      container: this.container,
      elements: [...elements.nodes, ...elements.edges],
      style: STYLE,
      layout: { name: 'preset', fit: true, padding: 30 },
      minZoom: 0.05,
      maxZoom: 3,
      textureOnViewport: elements.nodes.length > 500,
      hideEdgesOnViewport: elements.edges.length > 2000,
    });
    cy.on('tap', 'edge', (event) => this.handlers.edge(event.target.data('edgeIds') as string[]));
    cy.on('tap', 'node', (event) => {
      const key = event.target.data('cluster') as string | undefined;
      if (key !== undefined) this.handlers.cluster(key);
    });
    this.cy = cy;
    // An empty graph may never paint: do not wait for it beyond a moment.
    return new Promise((resolve) => {
      cy.one('render', () => requestAnimationFrame(() => resolve()));
      setTimeout(resolve, elements.nodes.length === 0 ? 50 : 10_000);
    });
  }

  /** Marks the nodes whose names contain `text` and fades the rest; empty clears. */
  search(text: string): number {
    const cy = this.cy;
    if (cy === undefined) return 0;
    const wanted = text.trim().toLowerCase();
    cy.elements().removeClass('faded match');
    if (wanted === '') return 0;
    const found = cy
      .nodes()
      .filter((node) => node.data('kind') !== 'provider' && String(node.data('search')).includes(wanted));
    const keep = found.union(found.ancestors()).union(found.connectedEdges());
    cy.elements().not(keep).addClass('faded');
    found.addClass('match');
    if (found.nonempty()) cy.fit(found, 60);
    return found.length;
  }

  /** For tests and the panel: where a graph edge's middle is on the page. */
  edgeMidpoint(edgeId: string): { x: number; y: number } | undefined {
    const found = this.cy?.edges().filter((one) => (one.data('edgeIds') as string[]).includes(edgeId));
    if (found === undefined || found.empty()) return undefined;
    const edge = found.first() as EdgeSingular;
    const box = this.container.getBoundingClientRect();
    const point = edge.renderedMidpoint();
    return { x: box.left + point.x, y: box.top + point.y };
  }

  /** For tests: a point inside a node's box near its bottom-left corner (a cluster's padding, clear of what is in it). */
  nodeSpot(id: string): { x: number; y: number } | undefined {
    const node = this.cy?.getElementById(id);
    if (node === undefined || node.empty()) return undefined;
    const box = this.container.getBoundingClientRect();
    const bounds = node.renderedBoundingBox({ includeLabels: false });
    return { x: box.left + bounds.x1 + 5, y: box.top + bounds.y2 - 5 };
  }

  /** What the canvas shows, for the browser tests (a canvas has no DOM to query). */
  drawn(): { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] } {
    const cy = this.cy;
    if (cy === undefined) return { nodes: [], edges: [] };
    return { nodes: cy.nodes().map((node) => node.data()), edges: cy.edges().map((edge) => edge.data()) };
  }

  resize(): void {
    this.cy?.resize();
    this.cy?.fit(undefined, 30);
  }
}
