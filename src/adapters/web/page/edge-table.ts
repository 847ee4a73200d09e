/**
 * Every edge and its verdict as a real table: the page's route without the map (keyboard,
 * screen readers). Rows are focusable; Enter or a click opens the same panel as the map.
 */
import { h } from './dom.js';
import type { MapData, MapEdge } from './map-data.js';

export interface EdgeRow {
  id: string;
  caller: string;
  service: string;
  target: string;
  mode: string;
  gateway: string;
  share: string;
  verdict: MapEdge['verdict'];
  why: string;
}

/** The table's rows, refused first, then by caller and service. */
export function edgeRows(map: MapData): EdgeRow[] {
  const callers = new Map(map.callers.map((caller) => [caller.id, caller]));
  const services = new Map(map.services.map((service) => [service.id, service]));
  return map.edges
    .map((edge) => {
      const caller = callers.get(edge.from);
      const service = services.get(edge.to);
      return {
        id: edge.id,
        caller: caller ? `${caller.app} (${caller.cluster}, ${caller.namespace})` : edge.from,
        service: service ? `${service.name} (${service.cluster}, ${service.namespace})` : edge.to,
        target: `${edge.host}:${edge.port}`,
        mode: edge.mode,
        gateway: edge.gateway ?? '',
        share: edge.share === null ? '' : `${edge.share}%`,
        verdict: edge.verdict,
        why: [edge.hop, edge.reason].filter((part) => part).join(': '),
      };
    })
    .sort(
      (a, b) =>
        Number(b.verdict === 'refused') - Number(a.verdict === 'refused') ||
        a.caller.localeCompare(b.caller) ||
        a.service.localeCompare(b.service),
    );
}

const COLUMNS: [keyof EdgeRow, string][] = [
  ['caller', 'Caller'],
  ['service', 'Service'],
  ['target', 'Host:port'],
  ['mode', 'Mode'],
  ['gateway', 'Gateway'],
  ['share', 'Share'],
  ['verdict', 'Verdict'],
  ['why', 'Hop and reason'],
];

export function renderEdgeTable(table: HTMLTableElement, rows: EdgeRow[], open: (edgeId: string) => void): void {
  const head = h('thead', {}, h('tr', {}, ...COLUMNS.map(([, title]) => h('th', { scope: 'col' }, title))));
  const body = h('tbody');
  for (const row of rows) {
    const cells = COLUMNS.map(([key]) =>
      key === 'verdict'
        ? h(
            'td',
            {},
            h('span', { class: `verdict ${row.verdict}` }, row.verdict === 'refused' ? '✕ refused' : '✓ delivered'),
          )
        : h('td', {}, row[key]),
    );
    const tr = h(
      'tr',
      { tabindex: '0', 'data-edge': row.id, 'aria-label': `${row.caller} to ${row.service}: ${row.verdict}` },
      ...cells,
    );
    tr.addEventListener('click', () => open(row.id));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open(row.id);
      }
    });
    body.append(tr);
  }
  table.replaceChildren(h('caption', {}, `${rows.length} edges`), head, body);
}
