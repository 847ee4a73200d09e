/** A GitOps repository is refused when written unless the operator's allow-list holds it; the refusal says nothing about the host. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openSqliteDatabase } from '../../adapters/storage/sqlite.js';
import { buildApp } from '../../compose.js';
import { NOT_ALLOWED } from '../../core/model/gitops-allow.js';
import { injectRequest, type ApiResponse } from '../../test-support/api.js';

let root: string;
let request: (method: string, url: string, body?: unknown) => Promise<ApiResponse>;
let close: () => Promise<void>;

async function serve(gitopsAllow: string[] | undefined) {
  const app = await buildApp(await openSqliteDatabase(':memory:'), false, {
    reconcileSeconds: 0,
    ...(gitopsAllow ? { gitopsAllow } : {}),
  });
  request = (method, url, body) => injectRequest(app, method, url, body);
  close = () => app.close();
  expect((await request('POST', '/v2/cluster-providers', { metadata: { name: 'edge' } })).status).toBe(201);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'meshbridge-allowed-'));
});
afterEach(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

const post = (name: string, repository: string) =>
  request('POST', '/v2/cluster-providers/edge/clusters', {
    metadata: { name },
    spec: { deploy: { target: 'gitops', gitops: { repository } } },
  });

test('outside the allowed roots: a 400 naming the field, the same for a folder that exists and one that does not', async () => {
  await serve([root]);
  const existing = await post('c1', tmpdir());
  const missing = await post('c2', join(tmpdir(), 'meshbridge-no-such-folder-4711'));
  for (const response of [existing, missing]) {
    expect(response.status).toBe(400);
    expect(response.json.details).toEqual([{ path: 'spec.deploy.gitops.repository', message: NOT_ALLOWED }]);
  }
  expect(String(existing.body).replace('c1', 'cX')).toBe(String(missing.body).replace('c2', 'cX'));
  expect(String(existing.body)).not.toContain(tmpdir());
});

test.each([
  ['a sibling of the root', (dir: string) => `${dir}-evil/repo.git`],
  ['.. out of the root', (dir: string) => `${dir}/../etc`],
  ['a relative path', () => 'repo.git'],
  ['ext::', () => 'ext::sh -c touch% /tmp/pwned'],
  ['a URL nobody allowed', () => 'https://git.example.com/org/x.git'],
])('%s is refused', async (_what, repository) => {
  await serve([root]);
  const response = await post('c1', repository(root));
  expect(response.status).toBe(400);
  expect(response.json.details).toEqual([{ path: 'spec.deploy.gitops.repository', message: NOT_ALLOWED }]);
});

test('inside an allowed root, or under an allowed URL prefix: stored', async () => {
  await serve([root, 'https://git.example.com/org/']);
  expect((await post('c1', join(root, 'fleet.git'))).status).toBe(201);
  expect((await post('c2', 'https://git.example.com/org/fleet.git')).status).toBe(201);
});

test('with no allow-list configured, no GitOps repository is accepted', async () => {
  await serve(undefined);
  expect((await post('c1', join(root, 'fleet.git'))).status).toBe(400);
});

test('an allow-list entry that is not a plain prefix stops the server from starting', async () => {
  await expect(buildApp(await openSqliteDatabase(':memory:'), false, { gitopsAllow: ['/srv/../etc'] })).rejects.toThrow(
    '--gitops-allow /srv/../etc',
  );
  await serve([root]);
});
