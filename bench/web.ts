/**
 * `npm run bench:web [-- --runs 5]`
 *
 * The web page's first render: from navigation start to the map painted (the page's own
 * `meshbridge:first-render` performance measure; `mapAnsweredMedianMs`: navigation to the
 * `/v2/map` answer, the server's share), in Debian's Chromium, median of `--runs`
 * fresh page loads. Two cases: both seed examples on a real server (goal: under one second),
 * and a fleet of 100 clusters and 2,000 services served by a stand-in API (reported, no
 * goal). Builds the page into dist/web/ first. Prints one JSON object.
 */
import { parseArgs } from 'node:util';
import { buildWebPage, closeBrowser, mapDrawn, openPage } from '../src/test-support/browser.js';
import { startSeededServer } from '../src/test-support/seeded-server.js';
import { startStandIn } from '../src/test-support/web-stand-in.js';
import { fleetMap } from '../src/adapters/web/page/test-support/map-fixture.js';
import { median } from './figures.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const GOAL_MS = 1000;

/** Per load: [navigation → map painted, navigation → /v2/map answered]. */
async function firstRenders(url: string, count = runs): Promise<[number, number][]> {
  const times: [number, number][] = [];
  for (let run = 0; run < count; run++) {
    const session = await openPage(url);
    await mapDrawn(session.page, 1, 120_000);
    const [painted, fetched] = (await session.page.evaluate(
      '[document.body.dataset.firstRenderMs, document.body.dataset.mapFetchedMs]',
    )) as [string, string];
    times.push([Number(painted), Number(fetched)]);
    await session.close();
  }
  return times;
}

buildWebPage();
const seeded = await startSeededServer(['seed-two-clouds.yaml', 'seed-replication.yaml']);
const fleet = await startStandIn(fleetMap(100, 2000));
try {
  // One load not counted: Chromium's own start-up.
  await firstRenders(seeded.server.url, 1);
  const seeds = await firstRenders(seeded.server.url);
  const large = await firstRenders(fleet.url);
  const figure = (loads: [number, number][]) => ({
    medianMs: median(loads.map(([painted]) => painted)),
    mapAnsweredMedianMs: median(loads.map(([, fetched]) => fetched)),
    runsMs: loads.map(([painted]) => painted),
  });
  const seedFigure = figure(seeds);
  const figures = {
    runs,
    seedExamples: { ...seedFigure, goalMs: GOAL_MS, met: seedFigure.medianMs < GOAL_MS },
    fleet100x2000: figure(large),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
} finally {
  await closeBrowser();
  await fleet.close();
  await seeded.server.close();
  await Promise.all([...seeded.fleet.values()].map((fake) => fake.close()));
}
