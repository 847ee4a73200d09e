/**
 * Issue 9's reproductions: valid-looking but enormous bodies are refused at once, with a small
 * error naming the field, and store nothing; they are measured on the text, before JSON.parse
 * (bench/stall.ts measures /healthz meanwhile).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../compose.js';
import { LIMITS } from '../../core/validation/limits.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: ':memory:', inMemory: true, logLevel: 'silent' });
  await post('/v2/cluster-providers', { metadata: { name: 'edge' } });
  await post('/v2/cluster-providers/edge/clusters', { metadata: { name: 'c1' } });
});
afterAll(() => server.close());

function post(path: string, body: unknown) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const kvPath = '/v2/cluster-providers/edge/clusters/c1/kv-pairs';
const hugeKv = {
  metadata: { name: 'big' },
  spec: { kv: Array.from({ length: 200_000 }, (_, i) => ({ [`k${i}`]: 'v' })) },
};
const unknownKeys = {
  metadata: { name: 'p2' },
  spec: Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`x${i}`, 1])),
};

test('200,000 kv entries: 400 naming spec.kv, nothing stored', async () => {
  const response = await post(kvPath, hugeKv);
  expect(response.status).toBe(400);
  const body = (await response.json()) as { details: { path: string; message: string }[] };
  expect(body.details).toEqual([
    { path: 'spec.kv', message: `has more than ${LIMITS.listItems} entries; at most ${LIMITS.listItems} are accepted` },
  ]);
  expect((await fetch(`${server.url}${kvPath}`)).status).toBe(200);
  expect(await (await fetch(`${server.url}${kvPath}`)).json()).toEqual([]);
});

test('150,000 unknown keys: a small 400, not an 8 MB one', async () => {
  const response = await post('/v2/projects', unknownKeys);
  expect(response.status).toBe(400);
  const text = await response.text();
  expect(text.length).toBeLessThan(2000);
  expect(JSON.parse(text).details[0].path).toBe('spec');
});

test('an error with more than 100 details sends 100 and counts the rest', async () => {
  const spec = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`unknown${i}`, 1]));
  const response = await post('/v2/projects', { metadata: { name: 'p3' }, spec });
  expect(response.status).toBe(400);
  const details = ((await response.json()) as { details: { path: string; message: string }[] }).details;
  expect(details).toHaveLength(101);
  expect(details[100]).toEqual({ path: '', message: 'and 50 more' });
});
