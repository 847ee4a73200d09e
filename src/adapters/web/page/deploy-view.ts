/**
 * The deploy view: a table per deployment intent group, one row per cluster with the state
 * `status` gives (applied / pending / failed with its reason / drift), polled every second
 * while anything is pending or running and every five otherwise, only while the view is shown;
 * and, on demand, the diff of what `update` would change.
 */
import { ApiError, getJson, getText } from './api.js';
import { h } from './dom.js';
import {
  fromStatus,
  groupPath,
  groupsOf,
  pollDelay,
  type DeployData,
  type DeployGroup,
  type GroupKey,
  type GroupStatusAnswer,
} from './deploy-data.js';

const SYMBOL: Record<string, string> = { applied: '✓', pending: '…', failed: '✕', drift: '≠' };

function groupTable(group: DeployGroup): HTMLElement {
  const rows = group.clusters.map((cluster) =>
    h(
      'tr',
      { 'data-cluster': cluster.cluster },
      h('th', { scope: 'row' }, cluster.cluster),
      h(
        'td',
        {},
        h(
          'span',
          { class: `state ${cluster.state}`, 'data-state': cluster.state },
          `${SYMBOL[cluster.state] ?? ''} ${cluster.state}`,
        ),
      ),
      h('td', {}, cluster.reason ?? ''),
    ),
  );
  const diff = h('pre', { class: 'diff', hidden: '' });
  const button = h('button', { type: 'button' }, 'What would update change?');
  button.addEventListener('click', async () => {
    diff.hidden = false;
    diff.textContent = 'Loading…';
    try {
      const text = await getText(`${groupPath(group)}/diff?format=text`);
      diff.textContent = text === '' ? 'update would change nothing' : text;
    } catch (error) {
      diff.textContent = (error as Error).message;
    }
  });
  const name = `${group.project} / ${group.compositeApp} ${group.version} / ${group.group}`;
  const operation = group.operation ? ` — ${group.operation.kind ?? ''} ${group.operation.state ?? ''}` : '';
  return h(
    'section',
    { class: 'group', 'data-group': group.group },
    h('h3', {}, name, h('small', {}, `${group.state ? ` ${group.state}` : ''}${operation}`)),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Cluster'),
          h('th', { scope: 'col' }, 'State'),
          h('th', { scope: 'col' }, 'Reason'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    button,
    diff,
  );
}

export class DeployView {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown = false;
  /** Open diffs survive a refresh: groups are redrawn only when their states change. */
  private last = '';

  /** `groups`: the groups of the map, for a server without `GET /v2/map/deploy` (each group's status is read instead). */
  constructor(
    private readonly element: HTMLElement,
    private readonly groups: () => GroupKey[],
  ) {}

  /** False once the server answered 404: it is not asked again. */
  private deployRoute = true;

  private async read(): Promise<DeployData> {
    if (this.deployRoute) {
      try {
        // Each group as `status` gives it, with its place: the same reading as the fallback below.
        const feed = await getJson<{ groups: (GroupKey & GroupStatusAnswer)[] }>('/v2/map/deploy');
        return { groups: feed.groups.map((group) => fromStatus(group, group)) };
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
        this.deployRoute = false;
      }
    }
    const keys = groupsOf(this.groups());
    const statuses = await Promise.all(
      keys.map((key) => getJson<GroupStatusAnswer>(`${groupPath(key)}/status?changes=false`)),
    );
    return { groups: keys.map((key, index) => fromStatus(key, statuses[index] as GroupStatusAnswer)) };
  }

  start(): void {
    this.shown = true;
    void this.poll();
  }

  stop(): void {
    this.shown = false;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    let delay = 5_000;
    try {
      const data = await this.read();
      this.render(data);
      delay = pollDelay(data);
    } catch (error) {
      this.element.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
      this.last = '';
    }
    if (this.shown) this.timer = setTimeout(() => void this.poll(), delay);
  }

  private render(data: DeployData): void {
    const text = JSON.stringify(data);
    if (text === this.last) return;
    this.last = text;
    if (data.groups.length === 0) {
      this.element.replaceChildren(h('p', {}, 'No deployment intent groups.'));
      return;
    }
    this.element.replaceChildren(...data.groups.map(groupTable));
  }
}
