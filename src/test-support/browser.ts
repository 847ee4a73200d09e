/**
 * Debian's Chromium driven by playwright-core for the web page's tests: headless, no
 * sandbox (containers), nothing fetched from the network, a fresh profile each launch.
 * `.ci/run` installs Chromium where /usr/bin/chromium is missing. Screenshots go to
 * test-artifacts/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.MESHBRIDGE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (a CSP violation is one). */
  errors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the page into dist/web/ (what the server serves), as `npm run build` does. */
export function buildWebPage(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-web.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

let shared: Browser | undefined;

/** One Chromium per test file; Playwright gives it a fresh temporary profile (user-data-dir). */
async function browser(): Promise<Browser> {
  if (shared?.isConnected()) return shared;
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  shared = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  return shared;
}

/** A page in a fresh browser context (its own storage), 1400×900. */
export async function openPage(url: string): Promise<BrowserSession> {
  const context = await (await browser()).newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => context.close(),
  };
}

export async function closeBrowser(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

/** Runs `expression` in the page (a string: this side has no DOM types) and returns its value. */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Waits until the page has drawn its map `times` times (each load of /v2/map counts once). */
export async function mapDrawn(page: Page, times = 1, timeout = 60_000): Promise<void> {
  // A function, not a string: polling a string would need eval, which the page's CSP forbids.
  const ready = (wanted: number) =>
    Number(
      (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset
        .mapReady ?? 0,
    ) >= wanted;
  await page.waitForFunction(ready, times, { timeout });
}

export interface Drawn {
  nodes: { id: string; kind: string; label: string; cluster?: string }[];
  edges: { id: string; verdict: string; edgeIds: string[]; label: string }[];
}

/** What the canvas shows (a canvas has no DOM to query): the page's own account of its Cytoscape elements. */
export const drawn = (page: Page) => inPage<Drawn>(page, 'window.meshbridge.drawn()');

/** Where to click an edge or a node: the page's own account of where Cytoscape drew it. */
export const edgeSpot = (page: Page, id: string) =>
  inPage<{ x: number; y: number } | undefined>(page, `window.meshbridge.edgeMidpoint(${JSON.stringify(id)})`);
export const nodeSpot = (page: Page, id: string) =>
  inPage<{ x: number; y: number } | undefined>(page, `window.meshbridge.nodeSpot(${JSON.stringify(id)})`);
