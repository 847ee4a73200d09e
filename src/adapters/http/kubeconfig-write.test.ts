/** A cluster's kubeconfig is read by meshbridge's allow-list when written: anything that could run or read on its host is a 400. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { sqliteApi, type ApiHarness } from '../../test-support/api.js';

const TOKEN = 'kubeconfig-token-9876543210';
let api: ApiHarness;
beforeEach(async () => {
  api = await sqliteApi();
  expect((await api.request('POST', '/v2/cluster-providers', { metadata: { name: 'edge' } })).status).toBe(201);
});
afterEach(() => api.close());

function kubeconfig(users: unknown[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443' } }],
    users,
    contexts: [{ name: 'main', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'main',
  });
}

const post = (text: string) =>
  api.request('POST', '/v2/cluster-providers/edge/clusters', { metadata: { name: 'c1' }, spec: { kubeconfig: text } });

test('two users of one name, the first running a command: 400 naming spec.kubeconfig, nothing stored, nothing quoted', async () => {
  const text = kubeconfig([
    { name: 'u', user: { exec: { command: 'touch', args: ['/tmp/pwned'], apiVersion: 'v1' } } },
    { name: 'u', user: { token: TOKEN } },
  ]);
  const response = await post(text);
  expect(response.status).toBe(400);
  const details = response.json.details as { path: string; message: string }[];
  expect(details.map((detail) => detail.path)).toEqual(['spec.kubeconfig', 'spec.kubeconfig']);
  expect(details.map((detail) => detail.message)).toEqual([
    "users[0].user.exec runs a program on meshbridge's host: embed the credentials",
    'users[1].name repeats the name of an earlier entry',
  ]);
  expect(response.body).not.toContain(TOKEN);
  expect(response.body).not.toContain('/tmp/pwned');
  expect((await api.request('GET', '/v2/cluster-providers/edge/clusters/c1')).status).toBe(404);
});

test('a kubeconfig with embedded credentials only is stored', async () => {
  expect((await post(kubeconfig([{ name: 'u', user: { token: TOKEN } }]))).status).toBe(201);
});
