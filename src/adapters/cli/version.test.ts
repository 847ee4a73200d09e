/** `meshbridge version`: the client's and the server's version; `--client` asks no server. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { VERSION } from '../../compose.js';
import { cli, freePort, startLiveServer, type LiveServer } from '../../test-support/cli.js';

let server: LiveServer;
beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(() => server.close());

test('prints the client version and the one GET /v2/version answers', async () => {
  expect((await server.fetchJson('/v2/version')).body).toEqual({ version: VERSION });
  const result = await cli(['version', '--server', server.url]);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(`Client Version: 0.0.0-test\nServer Version: ${VERSION}`);
  const json = await cli(['version', '--server', server.url, '-o', 'json']);
  expect(JSON.parse(json.stdout)).toEqual({ clientVersion: '0.0.0-test', serverVersion: VERSION });
});

test('--client asks no server; an unreachable server is exit 1 after the client version', async () => {
  const port = await freePort();
  const client = await cli(['version', '--client', '--server', `127.0.0.1:${port}`]);
  expect(client).toMatchObject({ code: 0, stdout: 'Client Version: 0.0.0-test', stderr: '' });
  const unreachable = await cli(['version', '--server', `127.0.0.1:${port}`]);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stdout).toBe('Client Version: 0.0.0-test');
  expect(unreachable.stderr).toContain('cannot reach meshbridge');
});

test('with authentication on, any valid token may read the version', async () => {
  const adminToken = 'version-admin-token-0123456789ab';
  const guarded = await startLiveServer({ reconcileSeconds: 0 }, { adminToken });
  try {
    expect((await guarded.fetchJson('/v2/version')).status).toBe(401);
    const result = await cli(['version'], { MESHBRIDGE_SERVER: guarded.url, MESHBRIDGE_TOKEN: adminToken });
    expect(result.stdout).toContain(`Server Version: ${VERSION}`);
  } finally {
    await guarded.close();
  }
});
