/**
 * The reviewer's bypasses, on a real socket: request lines the router normalizes its own way
 * (absolute form, a `#`) and resources named like lifecycle verbs must meet the same policy as
 * the plain request; with authentication off, other sites and rebound host names get nothing.
 */
import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../compose.js';
import { openSqliteDatabase } from '../storage/sqlite.js';

const ADMIN_TOKEN = 'bypass-admin-token-0123456789abcdef';
const GROUP = '/v2/projects/p1/composite-apps/ca/v1/deployment-intent-groups/g';

async function listening(access: { adminToken?: string }): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildApp(await openSqliteDatabase(':memory:'), false, { reconcileSeconds: 0 }, access);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** One raw HTTP/1.1 exchange: the request line exactly as given. Resolves with the status and body. */
function raw(
  port: number,
  line: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = [line, 'Connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
      if (body !== undefined)
        lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`);
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () =>
      resolve({ status: Number(answer.split(' ')[1]), body: answer.split('\r\n\r\n').slice(1).join('\r\n\r\n') }),
    );
  });
}

describe('with authentication on', () => {
  let app: FastifyInstance;
  let port: number;
  const bearer: Record<string, string> = {};
  const as = (who: string) => ({ Host: 'meshbridge.example.com', Authorization: `Bearer ${bearer[who]}` });

  beforeAll(async () => {
    ({ app, port } = await listening({ adminToken: ADMIN_TOKEN }));
    bearer.admin = ADMIN_TOKEN;
    const make = async (name: string, grants: string[], readSecrets = false) => {
      const created = await app.inject({
        method: 'POST',
        url: '/v2/tokens',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { name, grants, readSecrets },
      });
      bearer[name] = created.json<{ token: string }>().token;
    };
    await make('viewer-other', ['viewer:other']);
    await make('viewer-p1', ['viewer:p1']);
    await make('viewer', ['viewer']);
    await make('editor-p1', ['editor:p1']);
    await make('deployer-p1', ['deployer:p1']);
    await make('admin-no-secrets', ['admin']);
  });
  afterAll(() => app.close());

  test.each([
    ['viewer-other', 'GET http://x/v2/render?showSecrets=true HTTP/1.1'],
    ['viewer-p1', 'GET http://x/v2/tokens HTTP/1.1'],
    ['viewer-p1', 'GET http://x/v2/audit HTTP/1.1'],
    ['viewer-p1', 'GET http://x/v2/projects/other/composite-apps HTTP/1.1'],
    ['editor-p1', `POST ${GROUP}/instantiate# HTTP/1.1`],
    ['editor-p1', `POST ${GROUP}/approve# HTTP/1.1`],
    ['viewer-other', 'GET /v2/cluster-providers/edge/clusters/c1/render#&showSecrets=true HTTP/1.1'],
    ['viewer', 'GET /v2/tokens# HTTP/1.1'],
    ['viewer', 'GET /v2/audit#&limit=2 HTTP/1.1'],
    ['viewer-p1', 'GET /v2/projects/other# HTTP/1.1'],
  ])('%s: %s is refused', async (who, line) => {
    const answer = await raw(port, line, as(who));
    expect(answer.status).toBe(403);
  });

  test('a resource named like a verb is written by an editor, never by a deployer', async () => {
    const path = `${GROUP}/generic-placement-intents/update`;
    const body = JSON.stringify({ metadata: { name: 'update' } });
    expect((await raw(port, `PUT ${path} HTTP/1.1`, as('deployer-p1'), body)).status).toBe(403);
    expect((await raw(port, `DELETE ${path} HTTP/1.1`, as('deployer-p1'))).status).toBe(403);
    expect((await raw(port, `PUT ${path} HTTP/1.1`, as('editor-p1'), body)).status).not.toBe(403);
  });

  test('the audit log records the path the router saw', async () => {
    await raw(port, `POST http://x${GROUP}/instantiate# HTTP/1.1`, as('editor-p1'));
    const events = await app.inject({
      method: 'GET',
      url: '/v2/audit?outcome=denied&action=instantiate',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(events.json()).toContainEqual(expect.objectContaining({ path: `${GROUP}/instantiate` }));
  });

  test('an admin without read-secrets cannot mint a token that has it', async () => {
    const body = JSON.stringify({ name: 'escalate', grants: ['viewer'], readSecrets: true });
    expect((await raw(port, 'POST /v2/tokens HTTP/1.1', as('admin-no-secrets'), body)).status).toBe(403);
    expect((await raw(port, 'POST /v2/tokens HTTP/1.1', as('admin'), body)).status).toBe(201);
  });

  test('a probe with a trailing slash is still a probe', async () => {
    expect((await raw(port, 'GET /healthz/ HTTP/1.1', { Host: 'x' })).status).toBe(200);
  });
});

describe('with authentication off', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => ({ app, port } = await listening({})));
  afterAll(() => app.close());

  const project = JSON.stringify({ metadata: { name: 'from-a-page' } });

  test.each([
    ['another site’s form', { Host: '127.0.0.1', Origin: 'https://evil.example' }],
    ['a rebound host name', { Host: 'evil.example:9015' }],
    ['an origin that is not a URL', { Host: 'localhost', Origin: 'null' }],
  ])('%s is refused before anything runs', async (_what, headers) => {
    const answer = await raw(port, 'POST /v2/projects HTTP/1.1', headers, project);
    expect(answer.status).toBe(403);
    const listed = await app.inject({ method: 'GET', url: '/v2/projects' });
    expect(listed.json()).toEqual([]);
  });

  test('the CLI (no Origin) and a page of this host are served', async () => {
    expect((await raw(port, 'GET /v2/projects HTTP/1.1', { Host: `127.0.0.1:${port}` })).status).toBe(200);
    const sameOrigin = { Host: `localhost:${port}`, Origin: `http://localhost:${port}` };
    expect((await raw(port, 'POST /v2/projects HTTP/1.1', sameOrigin, project)).status).toBe(201);
  });
});
