/** `meshbridge serve`: what it asks the composition root to start, from flags, environment and defaults. */
import { describe, expect, test } from 'vitest';
import { serveWith } from '../../test-support/cli.js';

describe('serve: deploy settings', () => {
  test('defaults: 8 clusters at once, reconcile every 300 s, 15 s per call, leases of 15 s', async () => {
    const { code, request } = await serveWith([]);
    expect(code).toBe(0);
    expect(request?.deploy).toEqual({
      concurrency: 8,
      reconcileSeconds: 300,
      retry: { timeoutMs: 15000 },
      gitopsAllow: [],
      leaseSeconds: 15,
    });
  });

  test('--lease-ttl wins over MESHBRIDGE_LEASE_TTL, which is used without it; under 3 s is refused', async () => {
    expect((await serveWith(['--lease-ttl', '4'], { MESHBRIDGE_LEASE_TTL: '30' })).request?.deploy.leaseSeconds).toBe(
      4,
    );
    expect((await serveWith([], { MESHBRIDGE_LEASE_TTL: '30' })).request?.deploy.leaseSeconds).toBe(30);
    const { code, err, request } = await serveWith(['--lease-ttl', '2']);
    expect(code).toBe(1);
    expect(err).toContain("option '--lease-ttl");
    expect(request).toBeUndefined();
  });

  test('flags win over the environment', async () => {
    const { request } = await serveWith(
      ['--deploy-concurrency', '3', '--reconcile-interval', '0', '--call-timeout', '2'],
      { MESHBRIDGE_DEPLOY_CONCURRENCY: '20', MESHBRIDGE_RECONCILE_INTERVAL: '60', MESHBRIDGE_CALL_TIMEOUT: '30' },
    );
    expect(request?.deploy).toMatchObject({ concurrency: 3, reconcileSeconds: 0, retry: { timeoutMs: 2000 } });
  });

  test('the environment is used without flags', async () => {
    const { request } = await serveWith([], {
      MESHBRIDGE_DEPLOY_CONCURRENCY: '20',
      MESHBRIDGE_RECONCILE_INTERVAL: '60',
    });
    expect(request?.deploy).toMatchObject({ concurrency: 20, reconcileSeconds: 60 });
  });

  test.each([
    [['--deploy-concurrency', '0']],
    [['--deploy-concurrency', 'many']],
    [['--reconcile-interval', '-1']],
    [['--call-timeout', '1.5']],
  ])('%j is refused by name and nothing starts', async (args) => {
    const { code, request, err } = await serveWith(args);
    expect(code).toBe(1);
    expect(err).toContain(`option '${args[0]}`);
    expect(err).toContain('must be a whole number');
    expect(request).toBeUndefined();
  });

  test('a bad environment variable is named and nothing starts', async () => {
    const { code, request, err } = await serveWith([], { MESHBRIDGE_CALL_TIMEOUT: 'soon' });
    expect(code).toBe(1);
    expect(request).toBeUndefined();
    expect(err).toContain('MESHBRIDGE_CALL_TIMEOUT must be a whole number ≥ 1');
  });
});

describe('serve: GitOps allow-list', () => {
  test('--gitops-allow repeats, and wins over MESHBRIDGE_GITOPS_ALLOW', async () => {
    const env = { MESHBRIDGE_GITOPS_ALLOW: '/from/env' };
    const { request } = await serveWith(['--gitops-allow', '/srv/git', '--gitops-allow', 'git@github.com:org/'], env);
    expect(request?.deploy.gitopsAllow).toEqual(['/srv/git', 'git@github.com:org/']);
  });

  test('MESHBRIDGE_GITOPS_ALLOW is comma-separated', async () => {
    const env = { MESHBRIDGE_GITOPS_ALLOW: ' /srv/git , https://git.example.com/org/,' };
    const { request } = await serveWith([], env);
    expect(request?.deploy.gitopsAllow).toEqual(['/srv/git', 'https://git.example.com/org/']);
  });
});

describe('serve: who may reach it', () => {
  test('without credentials it listens on loopback only, by default', async () => {
    const { request } = await serveWith([]);
    expect(request?.host).toBe('127.0.0.1');
    expect(request?.adminToken).toBeUndefined();
  });

  test('MESHBRIDGE_ADMIN_TOKEN turns authentication on; a short token is refused and nothing starts', async () => {
    const token = 'a'.repeat(32);
    expect((await serveWith([], { MESHBRIDGE_ADMIN_TOKEN: token })).request?.adminToken).toBe(token);
    const short = await serveWith([], { MESHBRIDGE_ADMIN_TOKEN: 'secret' });
    expect(short.code).toBe(1);
    expect(short.request).toBeUndefined();
    expect(short.err).toContain('at least 16 characters');
    expect(short.err).not.toContain('secret');
  });
});
