/** `meshbridge config ...` in a throwaway HOME: contexts added, used, listed and deleted, and used by other commands. */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from './program.js';

async function cli(args: string[], env: Record<string, string>, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'meshbridge', ...args], {
    output: { out: (text) => out.push(text), err: (text) => err.push(text) },
    env,
    version: '0.0.0-test',
    serve: () => Promise.reject(new Error('not used')),
    withOfflineApi: () => Promise.reject(new Error('not used')),
    stdin: async () => stdin,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const home = async () => ({ HOME: await mkdtemp(join(tmpdir(), 'mb-home-')) });

describe('meshbridge config', () => {
  test('set, use, list and delete contexts; the file is 0600 and never printed with its token', async () => {
    const env = await home();
    const file = join(env.HOME, '.config', 'meshbridge', 'config.yaml');
    expect(
      (
        await cli(
          ['config', 'set-context', 'prod', '--server', 'https://mb.example.com', '--token-stdin'],
          env,
          's3cret-token\n',
        )
      ).code,
    ).toBe(0);
    expect((await cli(['config', 'set-context', 'dev', '-s', '127.0.0.1:9015'], env)).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain('token: s3cret-token');
    expect((await cli(['config', 'current-context'], env)).out).toBe('prod');

    const listed = await cli(['config', 'get-contexts'], env);
    expect(listed.out.split('\n')).toEqual([
      'CURRENT  NAME  SERVER                  AUTH',
      '*        prod  https://mb.example.com  token',
      '         dev   127.0.0.1:9015',
    ]);
    expect(listed.out).not.toContain('s3cret');
    expect((await cli(['config', 'get-contexts', '-o', 'name'], env)).out).toBe('prod\ndev');
    const data = await cli(['config', 'get-contexts', '-o', 'yaml'], env);
    expect(data.out).toContain('auth: token');
    expect(data.out).not.toContain('s3cret');

    expect((await cli(['config', 'use-context', 'dev'], env)).code).toBe(0);
    expect((await cli(['config', 'current-context'], env)).out).toBe('dev');
    expect((await cli(['config', 'delete-context', 'dev'], env)).code).toBe(0);
    const none = await cli(['config', 'current-context'], env);
    expect(none).toMatchObject({ code: 1, err: 'error: no current context (meshbridge config use-context NAME)' });
    expect((await cli(['config', 'get-contexts'], env)).out).not.toContain('dev');
  });

  test('changing a context keeps what is not given; a token file replaces the token', async () => {
    const env = await home();
    await cli(['config', 'set-context', 'prod', '-s', 'https://a', '--token-stdin'], env, 'tok');
    await cli(['config', 'set-context', 'prod', '-s', 'https://b'], env);
    expect((await cli(['config', 'get-contexts'], env)).out).toContain('https://b  token');
    await cli(['config', 'set-context', 'prod', '--token-file', '/run/secrets/mb'], env);
    expect((await cli(['config', 'get-contexts'], env)).out).toContain('https://b  token-file /run/secrets/mb');
  });

  test.each([
    [['config', 'set-context', 'new'], 'context new is new: --server is required'],
    [['config', 'set-context', '-bad', '-s', 'h:1'], "error: unknown option '-bad'"],
    [['config', 'set-context', 'a b', '-s', 'h:1'], 'context name a b: must be'],
    [['config', 'set-context', 'x', '-s', 'ftp://h'], '--server must be an http:// or https:// URL'],
    [['config', 'use-context', 'nope'], 'there is no context named nope'],
    [['config', 'delete-context', 'nope'], 'there is no context named nope'],
  ])('%j is refused: %s', async (args, message) => {
    const result = await cli(args, await home());
    expect(result.code).not.toBe(0);
    expect(result.err).toContain(message);
  });

  test('an empty token on stdin is refused', async () => {
    const result = await cli(['config', 'set-context', 'p', '-s', 'h:1', '--token-stdin'], await home(), '\n');
    expect(result).toMatchObject({ code: 1, err: 'error: --token-stdin: standard input holds no token on one line' });
  });

  test('other commands use the current context: its server and its bearer token', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.setHeader('content-type', 'application/json');
      response.end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = await home();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await cli(['config', 'set-context', 'here', '-s', url, '--token-stdin'], env, 'ctx-token');
      expect((await cli(['get', 'projects', '-o', 'json'], env)).code).toBe(0);
      expect((await cli(['get', 'projects', '-o', 'json'], { ...env, MESHBRIDGE_TOKEN: 'env-token' })).code).toBe(0);
      expect(seen).toEqual(['Bearer ctx-token', 'Bearer env-token']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a malformed config file stops a command with the file and field named', async () => {
    const env = await home();
    const file = join(env.HOME, 'bad.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'contexts:\n  - name: x\n'));
    const result = await cli(['get', 'projects'], { ...env, MESHBRIDGE_CONFIG: file });
    expect(result).toMatchObject({ code: 1, err: `error: ${file}: contexts[0]: needs name and server` });
  });
});
