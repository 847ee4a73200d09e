/** With an admin token, the API answers only its bearers (401 otherwise); the probes answer everyone. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, isLoopback, startServer, UnsafeListenError } from '../../compose.js';
import { openSqliteDatabase } from '../storage/sqlite.js';

const TOKEN = 'test-admin-token-0123456789abcdef';
let app: FastifyInstance;
beforeEach(async () => {
  app = await buildApp(await openSqliteDatabase(':memory:'), false, { reconcileSeconds: 0 }, { adminToken: TOKEN });
});
afterEach(() => app.close());

const get = (url: string, authorization?: string) =>
  app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

test.each([
  ['no token', undefined],
  ['a wrong token', 'Bearer not-the-token'],
  ['another scheme', `Basic ${TOKEN}`],
])('%s: 401 with a Bearer challenge, and nothing is served', async (_name, authorization) => {
  const response = await get('/v2/projects', authorization);
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer realm="meshbridge"');
  expect(response.json()).toMatchObject({ error: 'Unauthenticated' });
  expect(response.body).not.toContain(TOKEN);
});

test('writes without a token change nothing', async () => {
  const created = await app.inject({ method: 'POST', url: '/v2/projects', payload: { metadata: { name: 'p' } } });
  expect(created.statusCode).toBe(401);
  expect((await get('/v2/projects', `Bearer ${TOKEN}`)).json()).toEqual([]);
});

test('the admin token is accepted', async () => {
  expect((await get('/v2/projects', `Bearer ${TOKEN}`)).statusCode).toBe(200);
});

test('the probes need no token', async () => {
  expect((await get('/healthz')).statusCode).toBe(200);
  expect((await get('/readyz')).statusCode).toBe(200);
});

test('without a token the server will not listen beyond loopback', async () => {
  await expect(
    startServer({ port: 0, host: '0.0.0.0', dataDir: ':memory:', inMemory: true, logLevel: 'silent' }),
  ).rejects.toBeInstanceOf(UnsafeListenError);
  const local = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: ':memory:',
    inMemory: true,
    logLevel: 'silent',
  });
  await local.close();
  const open = await startServer({
    port: 0,
    host: '0.0.0.0',
    dataDir: ':memory:',
    inMemory: true,
    logLevel: 'silent',
    adminToken: TOKEN,
  });
  expect((await fetch(`${open.url.replace('0.0.0.0', '127.0.0.1')}/v2/projects`)).status).toBe(401);
  await open.close();
});

test.each([
  ['127.0.0.1', true],
  ['127.3.4.5', true],
  ['::1', true],
  ['localhost', true],
  ['0.0.0.0', false],
  ['::', false],
  ['10.0.0.5', false],
  ['127.0.0.1.example.com', false],
])('%s is loopback: %s', (host, loopback) => {
  expect(isLoopback(host)).toBe(loopback);
});
