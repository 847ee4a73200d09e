import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './index.js';
import { rawRequest } from './raw-http.js';
import { FAKE_CA_PEM } from './token-controller.js';

let fake: FakeKube;
afterEach(async () => {
  await fake.close();
});

const SA = '/api/v1/namespaces/kube-system/serviceaccounts';
const SECRETS = '/api/v1/namespaces/kube-system/secrets';
const ROLES = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
const BINDINGS = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
const RBAC_V1 = { apiVersion: 'rbac.authorization.k8s.io/v1' };
const ENTRIES = '/apis/networking.istio.io/v1/namespaces/default/serviceentries';

const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } };
const tokenSecret = (account: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: `${account}-token`, annotations: { 'kubernetes.io/service-account.name': account } },
  type: 'kubernetes.io/service-account-token',
});

const serviceEntry = (name: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name },
  spec: { hosts: [`${name}.example.com`] },
});

async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}

/** Makes ServiceAccount `robot` with a token Secret; returns the token the controller gave it. */
async function robotToken(): Promise<string> {
  expect((await rawRequest(fake, 'POST', SA, { body: account })).status).toBe(201);
  expect((await rawRequest(fake, 'POST', SECRETS, { body: tokenSecret('robot') })).status).toBe(201);
  const data = await until(async () => {
    const secret = (await rawRequest(fake, 'GET', `${SECRETS}/robot-token`)).json;
    return secret.data?.token ? (secret.data as Record<string, string>) : undefined;
  });
  expect(Buffer.from(data['ca.crt'] as string, 'base64').toString()).toBe(FAKE_CA_PEM);
  expect(Buffer.from(data.namespace as string, 'base64').toString()).toBe('kube-system');
  return Buffer.from(data.token as string, 'base64').toString();
}

async function grant(rules: unknown[]): Promise<void> {
  await rawRequest(fake, 'POST', ROLES, {
    body: { ...RBAC_V1, kind: 'ClusterRole', metadata: { name: 'robot' }, rules },
  });
  const binding = {
    ...RBAC_V1,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'robot' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'robot' },
    subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'kube-system' }],
  };
  expect((await rawRequest(fake, 'POST', BINDINGS, { body: binding })).status).toBe(201);
}

describe('the token controller', () => {
  it('fills a ServiceAccount token Secret after it is written, not before', async () => {
    fake = await startFakeKube({ tokenController: { delayMs: 50 } });
    await rawRequest(fake, 'POST', SA, { body: account });
    const created = await rawRequest(fake, 'POST', SECRETS, { body: tokenSecret('robot') });
    expect(created.json.data).toBeUndefined();
    const filled = await until(async () => (await rawRequest(fake, 'GET', `${SECRETS}/robot-token`)).json.data);
    expect(Object.keys(filled).sort()).toEqual(['ca.crt', 'namespace', 'token']);
  });

  it('leaves a Secret naming no ServiceAccount empty, and does nothing when turned off', async () => {
    fake = await startFakeKube();
    await rawRequest(fake, 'POST', SECRETS, { body: tokenSecret('nobody') });
    fake.calls.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await rawRequest(fake, 'GET', `${SECRETS}/nobody-token`)).json.data).toBeUndefined();
    await fake.close();

    fake = await startFakeKube({ tokenController: false });
    await rawRequest(fake, 'POST', SA, { body: account });
    await rawRequest(fake, 'POST', SECRETS, { body: tokenSecret('robot') });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await rawRequest(fake, 'GET', `${SECRETS}/robot-token`)).json.data).toBeUndefined();
  });
});

describe('ServiceAccount tokens and RBAC', () => {
  it('authenticates the token as the ServiceAccount and forbids what no ClusterRole grants', async () => {
    fake = await startFakeKube();
    const token = await robotToken();
    const answer = await rawRequest(fake, 'GET', ENTRIES, { token });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(answer.json.message).toBe(
      'serviceentries is forbidden: User "system:serviceaccount:kube-system:robot" cannot list resource ' +
        '"serviceentries" in API group "networking.istio.io" in the namespace "default"',
    );
    expect(fake.calls.at(-1)?.user).toBe('system:serviceaccount:kube-system:robot');
    expect((await rawRequest(fake, 'GET', '/apis', { token })).status).toBe(200);
  });

  it('allows exactly what the bound ClusterRole grants; an apply that creates needs create too', async () => {
    fake = await startFakeKube();
    const token = await robotToken();
    await grant([
      { apiGroups: ['networking.istio.io'], resources: ['serviceentries'], verbs: ['get', 'list', 'patch'] },
    ]);
    expect((await rawRequest(fake, 'GET', ENTRIES, { token })).status).toBe(200);
    expect((await rawRequest(fake, 'GET', '/api/v1/namespaces/default/secrets', { token })).status).toBe(403);
    const apply = { token, body: serviceEntry('a'), contentType: 'application/apply-patch+yaml' };
    const refused = await rawRequest(fake, 'PATCH', `${ENTRIES}/a?fieldManager=m`, apply);
    expect(refused.status).toBe(403);
    expect(refused.json.message).toContain('cannot create resource "serviceentries"');
    await rawRequest(fake, 'POST', ENTRIES, { body: serviceEntry('a') });
    expect((await rawRequest(fake, 'PATCH', `${ENTRIES}/a?fieldManager=m`, apply)).status).toBe(200);
    expect((await rawRequest(fake, 'DELETE', `${ENTRIES}/a`, { token })).status).toBe(403);
  });

  it('matches resourceNames and wildcards', async () => {
    fake = await startFakeKube();
    const token = await robotToken();
    await grant([
      { apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['get'], resourceNames: ['a'] },
      { apiGroups: ['*'], resources: ['configmaps'], verbs: ['*'] },
    ]);
    await rawRequest(fake, 'POST', ENTRIES, { body: serviceEntry('a') });
    await rawRequest(fake, 'POST', ENTRIES, { body: serviceEntry('b') });
    expect((await rawRequest(fake, 'GET', `${ENTRIES}/a`, { token })).status).toBe(200);
    expect((await rawRequest(fake, 'GET', `${ENTRIES}/b`, { token })).status).toBe(403);
    expect((await rawRequest(fake, 'GET', ENTRIES, { token })).status).toBe(403);
    expect((await rawRequest(fake, 'GET', '/api/v1/configmaps', { token })).status).toBe(200);
  });

  it('stops accepting the token when its Secret or its ServiceAccount is deleted', async () => {
    fake = await startFakeKube();
    const token = await robotToken();
    expect((await rawRequest(fake, 'GET', '/api', { token })).status).toBe(200);
    await rawRequest(fake, 'DELETE', `${SA}/robot`);
    expect((await rawRequest(fake, 'GET', '/api', { token })).status).toBe(401);
    await rawRequest(fake, 'POST', SA, { body: account });
    expect((await rawRequest(fake, 'GET', '/api', { token })).status).toBe(200);
    await rawRequest(fake, 'DELETE', `${SECRETS}/robot-token`);
    expect((await rawRequest(fake, 'GET', '/api', { token })).status).toBe(401);
  });
});
