import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './index.js';
import { rawRequest } from './raw-http.js';

let fake: FakeKube;
beforeEach(async () => {
  fake = await startFakeKube({ token: 's3cret' });
});
afterEach(async () => {
  await fake.close();
});

const ENTRIES = '/apis/networking.istio.io/v1/namespaces/default/serviceentries';
const call = (method: string, path: string, body?: unknown) =>
  rawRequest(fake, method, path, {
    token: 's3cret',
    body,
    contentType: method === 'PATCH' ? 'application/apply-patch+yaml' : undefined,
  });
const entry = (name: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name },
  spec: { hosts: [`${name}.example.com`] },
});

async function connectionError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string })).code;
  }
  throw new Error('expected the request to fail');
}

describe('authentication', () => {
  it('answers 401 without the bearer token, or with another one', async () => {
    for (const token of [null, 'fake-token']) {
      const answer = await rawRequest(fake, 'GET', '/api', { token });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    expect((await call('GET', '/api')).status).toBe(200);
    expect(fake.kubeconfig).toContain('token: s3cret');
  });
});

describe('recording', () => {
  it('records every call in order, with query, content type, parsed body and status', async () => {
    const before = Date.now();
    await call('GET', '/apis/networking.istio.io/v1');
    await call('PATCH', `${ENTRIES}/a?fieldManager=meshbridge&force=true`, entry('a'));
    await rawRequest(fake, 'GET', `${ENTRIES}/a`, { token: null });
    expect(fake.calls.map(({ at: _at, ...rest }) => rest)).toEqual([
      { method: 'GET', path: '/apis/networking.istio.io/v1', query: {}, status: 200, user: 'kubernetes-admin' },
      {
        method: 'PATCH',
        path: `${ENTRIES}/a`,
        query: { fieldManager: 'meshbridge', force: 'true' },
        contentType: 'application/apply-patch+yaml',
        body: entry('a'),
        status: 201,
        user: 'kubernetes-admin',
      },
      { method: 'GET', path: `${ENTRIES}/a`, query: {}, status: 401 },
    ]);
    expect(fake.calls.every((recorded) => recorded.at >= before && recorded.at <= Date.now())).toBe(true);
  });
});

describe('faults', () => {
  it('fails every request with a Status while a catch-all rule stands, until cleared', async () => {
    fake.fault({ status: 500 });
    for (const path of ['/api', `${ENTRIES}/a`]) {
      const answer = await call('GET', path);
      expect(answer.status).toBe(500);
      expect(answer.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500 });
    }
    fake.clearFaults();
    expect((await call('GET', '/api')).status).toBe(200);
    expect(fake.calls.map((recorded) => recorded.status)).toEqual([500, 500, 200]);
  });

  it('applies a method/path rule only to the next `times` matching requests', async () => {
    fake.fault({ method: 'patch', path: /serviceentries/, status: 409, times: 2 });
    expect((await call('GET', `${ENTRIES}`)).status).toBe(200);
    const first = await call('PATCH', `${ENTRIES}/a?fieldManager=m`, entry('a'));
    expect(first.json).toMatchObject({ code: 409, reason: 'Conflict' });
    expect((await call('PATCH', `${ENTRIES}/a?fieldManager=m`, entry('a'))).status).toBe(409);
    expect((await call('PATCH', `${ENTRIES}/a?fieldManager=m`, entry('a'))).status).toBe(201);
    fake.fault({ path: '/configmaps', status: 403, times: 1 });
    expect((await call('GET', ENTRIES)).status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps')).json.reason).toBe('Forbidden');
  });

  it.each([
    [403, 'Forbidden'],
    [404, 'NotFound'],
    [409, 'Conflict'],
    [429, 'TooManyRequests'],
    [500, 'InternalError'],
    [503, 'ServiceUnavailable'],
  ])('answers %i with reason %s', async (status, reason) => {
    fake.fault({ status, times: 1 });
    const answer = await call('GET', '/api');
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code: status });
    expect(answer.headers.get('retry-after')).toBe(status === 429 ? '1' : null);
  });

  it('uses the given message and reason', async () => {
    fake.fault({
      status: 403,
      message: 'serviceentries is forbidden: User "x" cannot patch',
      reason: 'Forbidden',
      times: 1,
    });
    const answer = await call('GET', '/api');
    expect(answer.json.message).toBe('serviceentries is forbidden: User "x" cannot patch');
  });

  it('delays, then serves normally (delay only) or fails (delay and status)', async () => {
    fake.fault({ delayMs: 500, times: 1 });
    let started = Date.now();
    expect((await call('GET', '/api')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    started = Date.now();
    expect((await call('GET', '/api')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(450);
    fake.fault({ delayMs: 200, status: 504, times: 1 });
    started = Date.now();
    expect((await call('GET', '/api')).json.reason).toBe('Timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('refuses connections while down, keeping state and port, and serves again when up', async () => {
    await call('PATCH', `${ENTRIES}/a?fieldManager=m`, entry('a'));
    const url = fake.url;
    await fake.down();
    expect(await connectionError(call('GET', '/api'))).toBe('ECONNREFUSED');
    await fake.up();
    expect(fake.url).toBe(url);
    expect((await call('GET', `${ENTRIES}/a`)).json.spec.hosts).toEqual(['a.example.com']);
  });

  it('close() ends a request stuck in a long delay at once', async () => {
    fake.fault({ delayMs: 60_000 });
    const pending = call('GET', '/api');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await fake.close();
    expect(await connectionError(pending)).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fake.calls[0]?.status).toBe(0);
  });
});
