/** Tokens per person, roles per project, secrets as their own permission, and the audit log, over HTTP. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../compose.js';
import { openSqliteDatabase } from '../storage/sqlite.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const admin = `Bearer ${ADMIN_TOKEN}`;
let app: FastifyInstance;
beforeEach(async () => {
  app = await buildApp(
    await openSqliteDatabase(':memory:'),
    false,
    { reconcileSeconds: 0 },
    { adminToken: ADMIN_TOKEN },
  );
});
afterEach(() => app.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, authorization?: string, payload?: object) =>
  app.inject({ method, url, headers: authorization ? { authorization } : {}, ...(payload ? { payload } : {}) });

async function tokenFor(grants: string[], extra: object = {}): Promise<string> {
  const created = await call('POST', '/v2/tokens', admin, { name: `robot ${grants.join(' ')}`, grants, ...extra });
  expect(created.statusCode).toBe(201);
  return `Bearer ${created.json<{ token: string }>().token}`;
}

const project = (name: string) => ({ metadata: { name } });
const GROUP = '/v2/projects/p1/composite-apps/ca/v1/deployment-intent-groups/g';

test('a token is shown once, listed without its secret, and works until revoked', async () => {
  const created = await call('POST', '/v2/tokens', admin, { name: 'ci', grants: ['editor:p1'], expiresInDays: 7 });
  const body = created.json<{ id: string; token: string; state: string; expiresAt: string }>();
  expect(body.token).toMatch(/^mb_[0-9a-f]{16}_[\w-]{43}$/);
  expect(body).toMatchObject({
    name: 'ci',
    grants: ['editor:p1'],
    readSecrets: false,
    state: 'active',
    createdBy: 'admin',
  });
  expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  const listed = await call('GET', '/v2/tokens', admin);
  // The secret is everything after the id; it may itself hold '_', so it is not split out.
  expect(listed.body).not.toContain(body.token.slice('mb_'.length + 16 + 1));
  expect(listed.json()).toEqual([expect.objectContaining({ id: body.id, state: 'active' })]);

  const bearer = `Bearer ${body.token}`;
  await call('POST', '/v2/projects', admin, project('p1'));
  expect((await call('GET', '/v2/projects/p1', bearer)).statusCode).toBe(200);
  expect((await call('DELETE', `/v2/tokens/${body.id}`, admin)).json()).toMatchObject({ state: 'revoked' });
  const refused = await call('GET', '/v2/projects/p1', bearer);
  expect(refused.statusCode).toBe(401);
  expect(refused.json()).toMatchObject({ message: 'the bearer token is not accepted' });
});

test('a token with a wrong secret, or one that is not ours, is refused alike', async () => {
  const good = await tokenFor(['viewer']);
  const wrongSecret = `${good.slice(0, -4)}AAAA`;
  for (const bearer of [wrongSecret, 'Bearer mb_0123456789abcdef_' + 'x'.repeat(43), 'Bearer mb_nothing']) {
    const response = await call('GET', '/v2/projects', bearer);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ message: 'the bearer token is not accepted' });
  }
});

test('roles per project: a viewer reads, an editor writes, a deployer deploys, each in its project only', async () => {
  for (const name of ['p1', 'p2']) await call('POST', '/v2/projects', admin, project(name));
  const viewer = await tokenFor(['viewer:p1']);
  const editor = await tokenFor(['editor:p1']);
  const deployer = await tokenFor(['deployer:p1']);
  expect((await call('GET', '/v2/projects/p1', viewer)).statusCode).toBe(200);
  expect((await call('GET', '/v2/projects/p2', viewer)).statusCode).toBe(403);
  expect(
    (
      await call('POST', '/v2/projects/p1/composite-apps', viewer, {
        metadata: { name: 'ca' },
        spec: { compositeAppVersion: 'v1' },
      })
    ).statusCode,
  ).toBe(403);
  const write = await call('POST', '/v2/projects/p1/composite-apps', editor, {
    metadata: { name: 'ca' },
    spec: { compositeAppVersion: 'v1' },
  });
  expect(write.statusCode).toBe(201);
  const denied = await call('POST', `${GROUP}/instantiate`, editor);
  expect(denied.statusCode).toBe(403);
  expect(denied.json()).toMatchObject({
    error: 'Forbidden',
    message: expect.stringContaining('deployer or admin in project p1'),
  });
  // The deployer passes the policy; the group does not exist, so the service says so.
  expect((await call('POST', `${GROUP}/instantiate`, deployer)).statusCode).toBe(404);
  expect((await call('DELETE', '/v2/projects/p1/composite-apps/ca/v1', deployer)).statusCode).toBe(403);
});

test('cluster providers and clusters are written by a global admin only, and read by anyone with a grant', async () => {
  const projectAdmin = await tokenFor(['admin:p1']);
  const globalEditor = await tokenFor(['editor']);
  const provider = { metadata: { name: 'prov' } };
  expect((await call('POST', '/v2/cluster-providers', projectAdmin, provider)).statusCode).toBe(403);
  expect((await call('POST', '/v2/cluster-providers', globalEditor, provider)).statusCode).toBe(403);
  expect((await call('POST', '/v2/cluster-providers', admin, provider)).statusCode).toBe(201);
  expect((await call('GET', '/v2/cluster-providers/prov', projectAdmin)).statusCode).toBe(200);
});

test('showing secrets needs read-secrets, is audited, and is refused (and audited) without it', async () => {
  const viewer = await tokenFor(['viewer']);
  const reader = await tokenFor(['viewer'], { readSecrets: true });
  expect((await call('GET', '/v2/render?showSecrets=true', viewer)).statusCode).toBe(403);
  expect((await call('GET', '/v2/render?showSecrets=true', reader)).statusCode).toBe(200);
  expect((await call('GET', '/v2/render', viewer)).statusCode).toBe(200);
  const events = (await call('GET', '/v2/audit?action=secrets.read', admin)).json<
    { actor: string; outcome: string }[]
  >();
  expect(events.map((event) => event.outcome)).toEqual(['succeeded', 'denied']);
  expect(events[0]!.actor).toMatch(/^token:[0-9a-f]{16} \(robot viewer\)$/);
});

test('tokens and the audit log are a global admin’s', async () => {
  const projectAdmin = await tokenFor(['admin:p1']);
  const globalAdmin = await tokenFor(['admin']);
  expect((await call('GET', '/v2/tokens', projectAdmin)).statusCode).toBe(403);
  expect((await call('GET', '/v2/audit', projectAdmin)).statusCode).toBe(403);
  expect((await call('POST', '/v2/tokens', globalAdmin, { name: 'x', grants: ['viewer'] })).statusCode).toBe(201);
});

test('every write, lifecycle action and token change is on record, with who and how it ended', async () => {
  const editor = await tokenFor(['editor:p1']);
  await call('POST', '/v2/projects', admin, project('p1'));
  await call('POST', '/v2/projects', admin, project('p1'));
  await call('POST', '/v2/projects/p1/composite-apps', editor, {
    metadata: { name: 'ca' },
    spec: { compositeAppVersion: 'v1' },
  });
  await call('POST', `${GROUP}/approve`, editor);
  await call('GET', '/v2/projects', admin);
  const events = (await call('GET', '/v2/audit', admin)).json<
    { action: string; actor: string; status: number; outcome: string; path: string }[]
  >();
  expect(events.map(({ action, status, outcome }) => `${action} ${status} ${outcome}`)).toEqual([
    'approve 403 denied',
    'create 201 succeeded',
    'create 409 failed',
    'create 201 succeeded',
    'token.create 201 succeeded',
  ]);
  expect(events[1]).toMatchObject({
    path: '/v2/projects/p1/composite-apps',
    actor: expect.stringContaining('robot editor:p1'),
  });
  expect(JSON.stringify(events)).not.toMatch(/mb_[0-9a-f]{16}_/);
  const byPath = (await call('GET', '/v2/audit?path=/v2/projects/p1/&outcome=succeeded', admin)).json<unknown[]>();
  expect(byPath).toHaveLength(1);
  const page = (await call('GET', '/v2/audit?limit=2', admin)).json<{ sequence: number }[]>();
  const next = (await call('GET', `/v2/audit?limit=2&before=${page[1]!.sequence}`, admin)).json();
  expect(next).toEqual(events.slice(2, 4).map((event) => expect.objectContaining(event)));
});

test('bad token requests and audit filters name every bad field, and change nothing', async () => {
  const response = await call('POST', '/v2/tokens', admin, {
    name: '',
    grants: ['owner', 'viewer:p1'],
    expiresInDays: 9999,
    extra: 1,
  });
  expect(response.statusCode).toBe(400);
  expect(
    response
      .json<{ details: { path: string }[] }>()
      .details.map((detail) => detail.path)
      .sort(),
  ).toEqual(['expiresInDays', 'extra', 'grants[0]', 'name']);
  expect((await call('GET', '/v2/tokens', admin)).json()).toEqual([]);
  const filters = await call('GET', '/v2/audit?limit=0&since=yesterday&outcome=maybe&who=me', admin);
  expect(filters.statusCode).toBe(400);
  expect(
    filters
      .json<{ details: { path: string }[] }>()
      .details.map((detail) => detail.path)
      .sort(),
  ).toEqual(['limit', 'outcome', 'since', 'who']);
  expect((await call('DELETE', '/v2/tokens/0123456789abcdef', admin)).statusCode).toBe(404);
});

test('without authentication, the local operator’s writes are on record too', async () => {
  const local = await buildApp(await openSqliteDatabase(':memory:'), false, { reconcileSeconds: 0 });
  try {
    await local.inject({ method: 'POST', url: '/v2/projects', payload: project('p1') });
    const events = (await local.inject({ method: 'GET', url: '/v2/audit' })).json<{ actor: string }[]>();
    expect(events).toEqual([expect.objectContaining({ actor: 'local (authentication off)', action: 'create' })]);
  } finally {
    await local.close();
  }
});
