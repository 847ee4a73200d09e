/**
 * The web page against a real meshbridge server (real HTTP, in-memory SQLite) holding both
 * seed examples, each cluster backed by a fake Kubernetes API server: the map shows every
 * cluster and every declared edge with the verdict the API gives; clicking an edge shows its
 * `check route` trace; editing an intent so that the AuthorizationPolicy no longer names a
 * caller turns its edge refused; the deploy view follows an instantiate to `applied`.
 * Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeKube } from '../../test-support/fake-kube/index.js';
import type { LiveServer } from '../../test-support/cli.js';
import {
  buildWebPage,
  closeBrowser,
  drawn,
  edgeSpot,
  mapDrawn,
  openPage,
  type BrowserSession,
} from '../../test-support/browser.js';
import { startSeededServer } from '../../test-support/seeded-server.js';
import type { MapData } from './page/map-data.js';

let server: LiveServer;
let fleet: Map<string, FakeKube>;

beforeAll(async () => {
  buildWebPage();
  ({ server, fleet } = await startSeededServer(['seed-two-clouds.yaml', 'seed-replication.yaml']));
}, 180_000);
afterAll(async () => {
  await closeBrowser();
  await server?.close();
  await Promise.all([...(fleet?.values() ?? [])].map((fake) => fake.close()));
});

const apiMap = async (): Promise<MapData> => (await server.fetchJson('/v2/map')).body as MapData;

/** `allowed`: console errors expected (a 404 the page handles). */
async function withPage(run: (session: BrowserSession) => Promise<void>, allowed?: RegExp): Promise<void> {
  const session = await openPage(server.url);
  try {
    await mapDrawn(session.page);
    await run(session);
    expect(session.errors.filter((error) => !allowed?.test(error))).toEqual([]);
  } finally {
    await session.close();
  }
}

const SLEEP_CLIENT =
  '/v2/projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group/traffic-group-intents/replication/inbound-intents/serviceserver02/clients/sleep';
const GROUP = '/v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc01-group';

describe('the page on a server holding both seed examples', { timeout: 180_000 }, () => {
  test('the map shows both clusters of each example and every declared edge with its verdict', async () => {
    const map = await apiMap();
    expect(map.edges.length).toBeGreaterThanOrEqual(6);
    await withPage(async (session) => {
      const graph = await drawn(session.page);
      const clusters = graph.nodes.filter((node) => node.kind === 'cluster').map((node) => node.id);
      expect(clusters.sort()).toEqual(['c:edge/cluster01', 'c:edge/cluster02', 'c:metro/cluster1', 'c:metro/cluster2']);
      for (const edge of map.edges) {
        const segments = graph.edges.filter((one) => one.edgeIds.includes(edge.id));
        expect(segments.length, `edge ${edge.id} is drawn`).toBeGreaterThan(0);
        for (const segment of segments) expect(segment.verdict).toBe(edge.verdict);
      }
      // Weighted routes carry their shares.
      const shares = map.edges.filter((edge) => edge.share !== null);
      expect(shares.length).toBeGreaterThan(0);
      for (const edge of shares) {
        const labels = graph.edges.filter((one) => one.edgeIds.includes(edge.id)).map((one) => one.label);
        expect(labels.some((label) => label.split(' ').includes(`${edge.share}%`))).toBe(true);
      }
      // The table too: a row per edge with its verdict.
      await session.page.getByRole('tab', { name: 'Edges' }).click();
      for (const edge of map.edges) {
        const row = session.page.locator(`#edge-table tr[data-edge="${edge.id}"]`);
        expect(await row.locator('.verdict').textContent()).toContain(edge.verdict);
      }
      await session.page.getByRole('tab', { name: 'Map' }).click();
      await session.screenshot('web-map');
    });
  });

  test('clicking an edge shows its verdict and its check route trace', async () => {
    const map = await apiMap();
    const edge = map.edges.find((one) => one.share === null && one.mode === 'federated') as MapData['edges'][number];
    const trace = (await server.fetchJson(`/v2/map/edges/${encodeURIComponent(edge.id)}/trace`)).body;
    await withPage(async (session) => {
      const { page } = session;
      const point = await edgeSpot(page, edge.id);
      expect(point).toBeDefined();
      await page.mouse.click(point!.x, point!.y);
      const panel = page.locator('#panel');
      await expect.poll(() => panel.locator('[data-verdict]').getAttribute('data-verdict')).toBe(edge.verdict);
      await expect
        .poll(() => panel.locator('#edge-trace').textContent(), { timeout: 30_000 })
        .toContain(`id: ${edge.id}`);
      const text = (await panel.locator('#edge-trace').textContent()) ?? '';
      expect(text).toContain(edge.host);
      expect(JSON.stringify(trace)).toContain(edge.host);
      await expect.poll(() => panel.locator('#edge-objects').textContent(), { timeout: 30_000 }).toContain('kind:');
      await session.screenshot('web-edge-trace');
    });
  });

  test('a caller removed from the AuthorizationPolicy by editing its intents turns its edge refused', async () => {
    // sleep stays in service01's weighted route, which still sends a quarter of its calls to serviceserver02.
    const before = await apiMap();
    const routed = (map: MapData) => {
      const service = map.services.find((one) => one.name === 'serviceserver02');
      return map.edges.filter((edge) => edge.to === service?.id && edge.share !== null);
    };
    expect(routed(before).map((edge) => edge.verdict)).toEqual(['delivered']);
    const client = (await server.fetchJson(SLEEP_CLIENT)).body as { metadata: object; spec: object };
    expect((await server.fetchJson(SLEEP_CLIENT, { method: 'DELETE' })).status).toBeLessThan(300);
    try {
      const [edge] = routed(await apiMap());
      expect(edge?.verdict).toBe('refused');
      await withPage(async (session) => {
        const graph = await drawn(session.page);
        const segments = graph.edges.filter((one) => one.edgeIds.includes(edge!.id));
        expect(segments.length).toBeGreaterThan(0);
        for (const segment of segments) expect(segment.verdict).toBe('refused');
        const point = await edgeSpot(session.page, edge!.id);
        await session.page.mouse.click(point!.x, point!.y);
        const panel = session.page.locator('#panel');
        await expect.poll(() => panel.locator('[data-verdict]').getAttribute('data-verdict')).toBe('refused');
        expect(await panel.textContent()).toContain(edge!.reason ?? 'no reason');
        await session.screenshot('web-refused');
      });
    } finally {
      await server.fetchJson(SLEEP_CLIENT.replace(/\/sleep$/, ''), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(client),
      });
    }
  });

  test('the deploy view follows an instantiate into the fake clusters to applied', async () => {
    await withPage(async (session) => {
      const { page } = session;
      await page.getByRole('tab', { name: 'Deploy' }).click();
      const group = page.locator('section.group[data-group="lc01-group"]');
      await expect.poll(() => group.count(), { timeout: 30_000 }).toBe(1);
      expect((await server.fetchJson(`${GROUP}/approve`, { method: 'POST' })).status).toBe(202);
      expect((await server.fetchJson(`${GROUP}/instantiate`, { method: 'POST' })).status).toBe(202);
      const states = group.locator('[data-state]');
      await expect
        .poll(
          async () =>
            (await states.count()) > 0 &&
            (await states.evaluateAll((all) => all.map((one) => one.getAttribute('data-state')))).every(
              (state) => state === 'applied',
            ),
          { timeout: 90_000 },
        )
        .toBe(true);
      const clusters = await group
        .locator('tr[data-cluster]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-cluster')));
      expect(clusters.sort()).toEqual(['edge/cluster01', 'edge/cluster02']);
      await group.getByRole('button', { name: 'What would update change?' }).click();
      await expect.poll(() => group.locator('pre.diff').textContent(), { timeout: 30_000 }).not.toBe('Loading…');
      await session.screenshot('web-deploy');
      // Allowed: a server without GET /v2/map/deploy answers 404 once; the page then reads each group's status.
    }, /status of 404/);
  });
});
