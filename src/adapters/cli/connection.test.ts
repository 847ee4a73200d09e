/** Which server and token: flags, then the environment, then the config file's context, then the default. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { writeConfig } from './config-file.js';
import { resolveConnection, type ConnectionFlags } from './connection.js';

const DEFAULT = 'http://127.0.0.1:9015';
let file: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-connection-'));
  file = join(dir, 'config.yaml');
  await writeFile(join(dir, 'staging.token'), 'staging-token\n', { mode: 0o600 });
  await writeConfig(file, {
    currentContext: 'prod',
    contexts: [
      { name: 'prod', server: 'https://mb.prod.example.com', token: 'prod-token' },
      { name: 'staging', server: 'https://mb.staging.example.com', tokenFile: 'staging.token' },
      { name: 'local', server: '127.0.0.1:9015' },
    ],
  });
});

const resolve = (flags: ConnectionFlags, env: Record<string, string>, withFile = true) =>
  resolveConnection(flags, { ...env, ...(withFile ? { MESHBRIDGE_CONFIG: file } : {}) }, DEFAULT, () => {});

describe('precedence', () => {
  test.each<[string, ConnectionFlags, Record<string, string>, { server: string; token?: string }]>([
    ['the current context', {}, {}, { server: 'https://mb.prod.example.com', token: 'prod-token' }],
    [
      'MESHBRIDGE_CONTEXT over current-context',
      {},
      { MESHBRIDGE_CONTEXT: 'staging' },
      { server: 'https://mb.staging.example.com', token: 'staging-token' },
    ],
    [
      '--context over MESHBRIDGE_CONTEXT',
      { context: 'local' },
      { MESHBRIDGE_CONTEXT: 'staging' },
      { server: '127.0.0.1:9015' },
    ],
    [
      'MESHBRIDGE_TOKEN over the context token',
      {},
      { MESHBRIDGE_TOKEN: 'env-token' },
      { server: 'https://mb.prod.example.com', token: 'env-token' },
    ],
    [
      '--context token over MESHBRIDGE_TOKEN',
      { context: 'prod' },
      { MESHBRIDGE_TOKEN: 'env-token' },
      { server: 'https://mb.prod.example.com', token: 'prod-token' },
    ],
    [
      '--context without a token: MESHBRIDGE_TOKEN',
      { context: 'local' },
      { MESHBRIDGE_TOKEN: 'env-token' },
      { server: '127.0.0.1:9015', token: 'env-token' },
    ],
    [
      'MESHBRIDGE_SERVER over the context, whose token stays home',
      {},
      { MESHBRIDGE_SERVER: 'https://other' },
      { server: 'https://other' },
    ],
    [
      '--context server over MESHBRIDGE_SERVER',
      { context: 'prod' },
      { MESHBRIDGE_SERVER: 'https://other' },
      { server: 'https://mb.prod.example.com', token: 'prod-token' },
    ],
    [
      '--server over everything; the context token is not sent elsewhere',
      { server: 'https://evil.example.com', context: 'prod' },
      { MESHBRIDGE_SERVER: 'https://other' },
      { server: 'https://evil.example.com' },
    ],
    [
      '--server naming the context server keeps its token',
      { server: 'https://MB.prod.example.com/' },
      {},
      { server: 'https://MB.prod.example.com/', token: 'prod-token' },
    ],
    [
      '--server with MESHBRIDGE_TOKEN',
      { server: 'https://x' },
      { MESHBRIDGE_TOKEN: 'env-token' },
      { server: 'https://x', token: 'env-token' },
    ],
  ])('%s', async (_name, flags, env, expected) => {
    expect(await resolve(flags, env)).toEqual(expected);
  });

  test('no config file: the environment, then the default', async () => {
    expect(await resolve({}, {}, false)).toEqual({ server: DEFAULT });
    expect(await resolve({}, { MESHBRIDGE_SERVER: 'h:1', MESHBRIDGE_TOKEN: 't' }, false)).toEqual({
      server: 'h:1',
      token: 't',
    });
  });

  test('a context that does not exist is named with the file', async () => {
    await expect(resolve({ context: 'qa' }, {})).rejects.toThrow(`${file}: there is no context named qa`);
    await expect(resolve({}, { MESHBRIDGE_CONTEXT: 'qa' })).rejects.toThrow('there is no context named qa');
  });

  test('a missing token file is named, but only when its token would be sent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-connection-'));
    const broken = join(dir, 'config.yaml');
    await writeConfig(broken, {
      currentContext: 'a',
      contexts: [{ name: 'a', server: 'https://a', tokenFile: 'gone' }],
    });
    const env = { MESHBRIDGE_CONFIG: broken };
    await expect(resolveConnection({}, env, DEFAULT, () => {})).rejects.toThrow(
      `context a: token-file ${join(dir, 'gone')}`,
    );
    expect(await resolveConnection({}, { ...env, MESHBRIDGE_TOKEN: 't' }, DEFAULT, () => {})).toEqual({
      server: 'https://a',
      token: 't',
    });
  });
});
