/**
 * meshbridge's web page: the map, the edge table and the deploy view over the same API the
 * CLI uses. Loaded by index.html as the page's only script (the Content-Security-Policy
 * allows no inline script).
 */
import { getJson } from './api.js';
import { DeployView } from './deploy-view.js';
import { byId, h } from './dom.js';
import { edgeRows, renderEdgeTable } from './edge-table.js';
import { filterChoices, filterMap, NO_FILTERS } from './filter-map.js';
import { graphElements } from './graph-model.js';
import { FILTER_NAMES, type MapData, type MapFilters } from './map-data.js';
import { MapView } from './map-view.js';
import { Panel } from './panel.js';

const EMPTY: MapData = { clusters: [], services: [], callers: [], edges: [], diagnostics: [] };

let full: MapData = EMPTY;
let shown: MapData = EMPTY;
const filters: MapFilters = { ...NO_FILTERS };

const panel = new Panel(byId('panel'), () => shown);
const mapView = new MapView(byId('map'), {
  edge: (edgeIds) => panel.showEdges(edgeIds),
  cluster: (key) => panel.showCluster(key),
});
const deployView = new DeployView(byId('deploy-groups'), () => [...full.services, ...full.callers]);

function status(text: string, error = false): void {
  const line = byId('status');
  line.textContent = text;
  line.classList.toggle('error', error);
}

function fillSelects(): void {
  const choices = filterChoices(full);
  for (const name of FILTER_NAMES) {
    const select = byId<HTMLSelectElement>(`filter-${name}`);
    const keep = filters[name];
    select.replaceChildren(
      h('option', { value: '' }, 'all'),
      ...choices[name].map((value) => h('option', { value }, value)),
    );
    select.value = choices[name].includes(keep) ? keep : '';
    filters[name] = select.value;
  }
}

function draw(): Promise<void> {
  shown = filterMap(full, filters);
  const elements = graphElements(shown);
  const painted = mapView.show(elements);
  renderEdgeTable(byId<HTMLTableElement>('edge-table'), edgeRows(shown), (id) => panel.showEdges([id]));
  const refused = shown.edges.filter((edge) => edge.verdict === 'refused').length;
  const folded = elements.collapsed ? '; clusters collapsed (use the filters or search to narrow)' : '';
  status(
    `${shown.clusters.length} clusters, ${shown.services.length} services, ${shown.edges.length} edges (${refused} refused), ${shown.diagnostics.length} diagnostics${folded}`,
  );
  byId('map').setAttribute(
    'aria-label',
    `Map of ${shown.clusters.length} clusters and ${shown.edges.length} edges, ${refused} refused. The Edges tab lists every edge.`,
  );
  return painted;
}

async function load(): Promise<void> {
  status('Loading the map…');
  try {
    full = await getJson<MapData>('/v2/map');
    // How much of the first render is the server's answer (bench/web.ts reports both).
    document.body.dataset.mapFetchedMs ??= performance.now().toFixed(1);
  } catch (error) {
    status((error as Error).message, true);
    return;
  }
  fillSelects();
  await draw();
  // From navigation start to the map painted (bench/web.ts reads it).
  if (performance.getEntriesByName('meshbridge:map-rendered').length === 0) {
    performance.mark('meshbridge:map-rendered');
    const measure = performance.measure('meshbridge:first-render', { start: 0, end: 'meshbridge:map-rendered' });
    document.body.dataset.firstRenderMs = measure.duration.toFixed(1);
  }
  document.body.dataset.mapReady = String(Number(document.body.dataset.mapReady ?? 0) + 1);
}

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLElement>('[role="tab"]')) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    byId(`view-${tab.dataset.tab}`).hidden = !selected;
  }
  if (name === 'deploy') deployView.start();
  else deployView.stop();
  if (name === 'map') mapView.resize();
}

function wire(): void {
  for (const name of FILTER_NAMES) {
    byId<HTMLSelectElement>(`filter-${name}`).addEventListener('change', (event) => {
      filters[name] = (event.target as HTMLSelectElement).value;
      void draw();
    });
  }
  byId<HTMLInputElement>('search').addEventListener('input', (event) => {
    const text = (event.target as HTMLInputElement).value;
    const count = mapView.search(text);
    if (text.trim() !== '') status(`${count} nodes match “${text.trim()}”`);
  });
  byId('refresh').addEventListener('click', () => void load());
  const tabs = [...document.querySelectorAll<HTMLElement>('[role="tab"]')];
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => selectTab(tab.dataset.tab as string));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      const next = tabs[(index + step + tabs.length) % tabs.length] as HTMLElement;
      selectTab(next.dataset.tab as string);
      next.focus();
    });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') panel.close();
  });
}

/** For the browser tests: what the canvas shows, and where an edge is. */
declare global {
  interface Window {
    meshbridge: {
      map: () => MapData;
      drawn: () => ReturnType<MapView['drawn']>;
      edgeMidpoint: (id: string) => { x: number; y: number } | undefined;
      nodeSpot: (id: string) => { x: number; y: number } | undefined;
    };
  }
}
window.meshbridge = {
  map: () => shown,
  drawn: () => mapView.drawn(),
  edgeMidpoint: (id) => mapView.edgeMidpoint(id),
  nodeSpot: (id) => mapView.nodeSpot(id),
};

wire();
selectTab('map');
void load();
