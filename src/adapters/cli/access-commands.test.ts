/** `meshbridge token ...` and `meshbridge audit` against a real server with authentication on. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, startLiveServer, type LiveServer } from '../../test-support/cli.js';

const ADMIN_TOKEN = 'cli-admin-token-0123456789abcdef';
let server: LiveServer;
let admin: Record<string, string>;
beforeAll(async () => {
  server = await startLiveServer({ reconcileSeconds: 0 }, { adminToken: ADMIN_TOKEN });
  admin = { MESHBRIDGE_SERVER: server.url, MESHBRIDGE_TOKEN: ADMIN_TOKEN };
});
afterAll(() => server.close());

test('an admin creates a token, its bearer works within its grants, and revoking it ends that', async () => {
  const created = await cli(
    ['token', 'create', 'ci deployer', '--role', 'viewer', '--role', 'deployer:p1', '--expires-in-days', '30'],
    admin,
  );
  expect(created.code).toBe(0);
  const [summary, token] = created.stdout.split('\n');
  expect(summary).toMatch(/^token [0-9a-f]{16} \(ci deployer\) created; it expires 20\d\d-/);
  expect(token).toMatch(/^mb_[0-9a-f]{16}_[\w-]{43}$/);
  expect(created.stderr).toContain('only time the token is shown');
  const id = token!.split('_')[1]!;

  const asRobot = { MESHBRIDGE_SERVER: server.url, MESHBRIDGE_TOKEN: token! };
  expect((await cli(['get', 'projects'], asRobot)).code).toBe(0);
  const denied = await cli(['token', 'list'], asRobot);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain('403');

  const listed = await cli(['token', 'list'], admin);
  expect(listed.stdout).toContain(`${id}  ci deployer  viewer,deployer:p1  -        active`);
  expect(listed.stdout).not.toContain(token!.split('_')[2]);

  expect((await cli(['token', 'revoke', id], admin)).stdout).toBe(`token ${id} (ci deployer) revoked`);
  const refused = await cli(['get', 'projects'], asRobot);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('401');
});

test('bad roles are named, and nothing is created', async () => {
  const bad = await cli(['token', 'create', 'x', '--role', 'owner'], admin);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('grants[0]');
  const json = await cli(['token', 'list', '-o', 'json'], admin);
  expect((JSON.parse(json.stdout) as { name: string }[]).map((token) => token.name)).not.toContain('x');
});

test('meshbridge audit shows the writes, filters them, and prints JSON for scripts', async () => {
  await server.fetchJson('/v2/projects', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'audited' } }),
  });
  const shown = await cli(['audit', '--action', 'create', '--path', '/v2/projects'], admin);
  expect(shown.code).toBe(0);
  const lines = shown.stdout.split('\n');
  expect(lines[0]).toMatch(/^TIME\s+ACTOR\s+ACTION\s+STATUS\s+OUTCOME\s+PATH$/);
  expect(lines[1]).toMatch(/Z\s+admin\s+create\s+201\s+succeeded\s+POST \/v2\/projects$/);
  const json = JSON.parse((await cli(['audit', '--outcome', 'denied', '-o', 'json'], admin)).stdout) as {
    actor: string;
  }[];
  expect(json.length).toBeGreaterThan(0);
  expect(json.every((event) => event.actor.startsWith('token:'))).toBe(true);
  const bad = await cli(['audit', '--since', 'last tuesday'], admin);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('since');
});
