/**
 * Issue 9's stall measurement: several clients send maximal valid-looking documents at once (at
 * and past every limit, up to the 4 MB body limit) while `/healthz` is polled; the event loop's
 * longest delay is measured in the server's process (this one: the server runs in-process) with
 * `monitorEventLoopDelay`; the clients are curl processes, so their work is not counted. Run it with `npx tsx scripts/measure-stall.ts`; it exits 1 when the
 * loop was held 100 ms or more, or /healthz took that long. Not part of `npm test`: on a shared,
 * loaded 2-core machine its wall-clock numbers vary several-fold from run to run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { startServer, type RunningServer } from '../src/compose.js';
import { KUBECONFIG_MARKS } from '../src/core/model/kubeconfig.js';
import { LIMITS } from '../src/core/validation/limits.js';

const BODY_LIMIT = 4 * 1024 * 1024;
const BUDGET_MS = 100;

const server: RunningServer = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: ':memory:',
  inMemory: true,
  logLevel: 'silent',
});

function post(path: string, body: string | Buffer) {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

/** `open`, then as many items as fit in the body limit, comma-separated, then `close`. */
function fill(item: (index: number) => string, open: string, close: string): string {
  const items: string[] = [];
  let size = open.length + close.length;
  for (let index = 0; size + item(index).length + 1 < BODY_LIMIT; index++) {
    items.push(item(index));
    size += item(index).length + 1;
  }
  return `${open}${items.join(',')}${close}`;
}

const kvPath = '/v2/cluster-providers/edge/clusters/c1/kv-pairs';

/** Within every limit, as costly as the limits allow: the most values, key names and text. */
function atTheLimits(): string {
  const perObject = Math.floor((LIMITS.keyNames - 10) / 10);
  const objects = Array.from({ length: 10 }, (_, i) =>
    Object.fromEntries(
      Array.from({ length: perObject }, (_, j) => [`key-${i}-${j}-${'k'.repeat(40)}`, 'v'.repeat(60)]),
    ),
  );
  const lists = Array.from({ length: 7 }, () => Array<string>(1000).fill('x'.repeat(30)));
  return JSON.stringify({ metadata: { name: 'limits' }, spec: { kv: objects, more: lists } });
}

/** A kubeconfig of `users` one-line users, each with a token of `token` characters. */
function kubeconfig(name: string, users: number, token: number): string {
  const list = Array.from({ length: users }, (_, i) => ({ name: `u${i}`, user: { token: 't'.repeat(token) } }));
  const text = stringify({ apiVersion: 'v1', kind: 'Config', users: list }).slice(0, LIMITS.stringLength - 10);
  return JSON.stringify({ metadata: { name }, spec: { kubeconfig: text } });
}

const HOSTILE: [string, string][] = [
  ['a list far past its limit', fill((i) => `{"k${i}":"v"}`, '{"metadata":{"name":"big"},"spec":{"kv":[', ']}}')],
  ['an object of 400,000 keys', fill((i) => `"x${i}":1`, '{"metadata":{"name":"p"},"spec":{', '}}')],
  [
    'nesting 1,000,000 deep',
    `{"metadata":{"name":"d"},"spec":${'['.repeat(BODY_LIMIT / 2 - 100)}${']'.repeat(BODY_LIMIT / 2 - 100)}}`,
  ],
  ['a 4 MB text', JSON.stringify({ metadata: { name: 'c', description: 'x'.repeat(BODY_LIMIT - 100) } })],
  ['a document at every limit', atTheLimits()],
  ['a kubeconfig of 40,000 users', kubeconfig('kc1', 40_000, 1)],
  ['a kubeconfig as intricate as allowed', kubeconfig('kc2', Math.floor(KUBECONFIG_MARKS / 5), 2000)],
];

/** curl in a child process: the clients' own work stays out of the server's event loop. */
function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-s', '-o', '/dev/null', ...args], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}

async function measure(): Promise<{ maxDelayMs: number; slowestHealthzMs: number; statuses: number[] }> {
  const folder = await mkdtemp(join(tmpdir(), 'meshbridge-stall-'));
  const sends = await Promise.all(
    [...HOSTILE, ...HOSTILE].map(async ([what, body], index) => {
      const file = join(folder, `${index}.json`);
      await writeFile(file, body);
      return [what, file] as const;
    }),
  );
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const latencies: number[] = [];
  let sending = true;
  const poll = (async () => {
    while (sending) {
      const seconds = await curl(['-w', '%{time_total}', `${server.url}/healthz`]);
      latencies.push(Number(seconds) * 1000);
    }
  })();
  delay.enable();
  const statuses = await Promise.all(
    sends.map(async ([what, file]) => {
      const path = what.startsWith('a kubeconfig') ? '/v2/cluster-providers/edge/clusters' : kvPath;
      const type = ['-H', 'content-type: application/json', '-w', '%{http_code}'];
      return Number(await curl([...type, '--data-binary', `@${file}`, `${server.url}${path}`]));
    }),
  );
  delay.disable();
  sending = false;
  await poll;
  await rm(folder, { recursive: true, force: true });
  return { maxDelayMs: delay.max / 1e6, slowestHealthzMs: Math.max(...latencies), statuses };
}

await post('/v2/cluster-providers', JSON.stringify({ metadata: { name: 'edge' } }));
await post('/v2/cluster-providers/edge/clusters', JSON.stringify({ metadata: { name: 'c1' } }));
const result = await measure();
await server.close();
console.log(JSON.stringify(result));
const failed =
  result.statuses.some((status) => status >= 500) ||
  result.maxDelayMs >= BUDGET_MS ||
  result.slowestHealthzMs >= BUDGET_MS;
process.exit(failed ? 1 : 0);
