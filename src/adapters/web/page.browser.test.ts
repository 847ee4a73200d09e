/**
 * The page itself in Chromium, against a stand-in API answering fixed maps: what the canvas
 * draws, the edge table, the panel, a fleet too large to draw in full, and the token prompt.
 * (`meshbridge.browser.test.ts` runs it against a real server.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildWebPage,
  closeBrowser,
  drawn,
  edgeSpot,
  inPage,
  mapDrawn,
  nodeSpot,
  openPage,
} from '../../test-support/browser.js';
import { startStandIn, type StandIn } from '../../test-support/web-stand-in.js';
import { fleetMap, twoCloudsMap } from './page/test-support/map-fixture.js';

const TOKEN = 'page-test-token';
let api: StandIn;

beforeAll(async () => {
  buildWebPage();
  api = await startStandIn(twoCloudsMap());
});
afterAll(async () => {
  await closeBrowser();
  await api?.close();
});

describe('the page against fixed maps', { timeout: 120_000 }, () => {
  test('draws both clusters and every edge with its verdict, under the CSP without a violation', async () => {
    api.map = twoCloudsMap();
    const session = await openPage(api.url);
    const { page } = session;
    try {
      await mapDrawn(page);
      const graph = await drawn(page);
      expect(graph.nodes.filter((node) => node.kind === 'cluster').map((node) => node.id)).toEqual([
        'c:edge/cluster01',
        'c:edge/cluster02',
      ]);
      for (const edge of api.map.edges) {
        const segments = graph.edges.filter((one) => one.edgeIds.includes(edge.id));
        expect(segments.length, edge.id).toBeGreaterThan(0);
        for (const segment of segments) expect(segment.verdict).toBe(edge.verdict);
      }
      await expect.poll(() => page.locator('#status').textContent()).toContain('3 edges (1 refused)');
      await session.screenshot('page-fixture-map');
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  test('clicking an edge on the map opens its verdict, trace and objects; a cluster its objects', async () => {
    api.map = twoCloudsMap();
    const session = await openPage(api.url);
    const { page } = session;
    try {
      await mapDrawn(page);
      const point = await edgeSpot(page, 'e2');
      expect(point).toBeDefined();
      await page.mouse.click(point!.x, point!.y);
      const panel = page.locator('#panel');
      await expect.poll(() => panel.locator('h2').textContent()).toContain('sleep → productpage');
      await expect.poll(() => panel.locator('#edge-trace').textContent()).toContain('edge: e2');
      await expect.poll(() => panel.locator('#edge-objects').textContent()).toContain('kind: ServiceEntry');
      await session.screenshot('page-fixture-edge');
      await page.keyboard.press('Escape');
      expect(await panel.isHidden()).toBe(true);
      const label = await nodeSpot(page, 'c:edge/cluster02');
      await page.mouse.click(label!.x, label!.y);
      await expect.poll(() => panel.locator('h2').textContent()).toBe('Cluster edge/cluster02');
      await expect.poll(() => panel.locator('#cluster-objects').textContent()).toContain('name: for edge/cluster02');
      expect(await panel.locator('#cluster-diagnostics').textContent()).toContain('warning W1 a warning');
    } finally {
      await session.close();
    }
  });

  test('the edge table lists every edge; Enter on a row opens the same panel', async () => {
    api.map = twoCloudsMap();
    const session = await openPage(api.url);
    const { page } = session;
    try {
      await page.getByRole('tab', { name: 'Edges' }).click();
      const rows = page.locator('#edge-table tbody tr');
      await expect.poll(() => rows.count()).toBe(3);
      expect(await rows.first().getAttribute('data-edge')).toBe('e3');
      expect(await rows.first().textContent()).toContain('✕ refused');
      await rows.first().focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#panel [data-verdict]').getAttribute('data-verdict')).toBe('refused');
      expect(await page.locator('#panel').textContent()).toContain('no rule allows bookinfo-user');
    } finally {
      await session.close();
    }
  });

  test('a fleet of 100 clusters and 2,000 services collapses; search and filters narrow it', async () => {
    api.map = fleetMap(100, 2000);
    const session = await openPage(api.url);
    const { page } = session;
    try {
      await mapDrawn(page);
      const graph = await drawn(page);
      expect(graph.nodes.filter((node) => node.kind === 'cluster')).toHaveLength(100);
      expect(graph.nodes.some((node) => node.kind === 'service')).toBe(false);
      expect(await page.locator('#status').textContent()).toContain('collapsed');
      await page.locator('#search').fill('svc1234');
      await expect.poll(() => page.locator('#status').textContent()).toContain('1 nodes match');
      await session.screenshot('page-fleet-search');
      await page.locator('#filter-service').selectOption('svc1234');
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^\d+ clusters, 1 services, 2 edges/);
      const narrowed = await drawn(page);
      expect(narrowed.nodes.some((node) => node.id === 's:s1234')).toBe(true);
    } finally {
      await session.close();
    }
  });

  test('with authentication on, a 401 asks for a token, kept for the session', async () => {
    api.map = twoCloudsMap();
    api.token = TOKEN;
    api.asked.length = 0;
    const session = await openPage(api.url);
    const { page } = session;
    try {
      const dialog = page.getByRole('dialog');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.textContent()).toContain('authentication is on');
      await dialog.getByLabel(/Token/).fill(TOKEN);
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await mapDrawn(page);
      expect(await inPage(page, "sessionStorage.getItem('meshbridge.token')")).toBe(TOKEN);
      expect(api.asked.at(-1)).toBe(`/v2/map Bearer ${TOKEN}`);
    } finally {
      api.token = undefined;
      await session.close();
    }
  });
});
