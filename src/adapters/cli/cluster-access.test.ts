import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readKubeconfig } from '../../core/model/kubeconfig.js';
import { loadUserKubeconfig, registeredKubeconfig, type UserCluster } from './cluster-access.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'meshbridge-cluster-access-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const PEM = '-----BEGIN CERTIFICATE-----\nTUVTSA==\n-----END CERTIFICATE-----\n';
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A one-context kubeconfig file whose cluster entry is `cluster`; the user runs a plugin, as on EKS. */
async function kubeconfigFile(name: string, cluster: Record<string, unknown>): Promise<string> {
  const file = join(folder, name);
  const user = { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks'] } };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

async function registered(cluster: Record<string, unknown>, caFromToken?: string) {
  const user: UserCluster = loadUserKubeconfig(await kubeconfigFile('c', cluster), undefined, {});
  const text = await registeredKubeconfig(user, 'prod', {
    token: 'sa-token',
    ...(caFromToken ? { caCertificate: caFromToken } : {}),
  });
  const reading = readKubeconfig(text);
  expect(reading.ok, text).toBe(true);
  return { text, reading: reading.ok ? reading.kubeconfig : undefined };
}

describe('the kubeconfig meshbridge is given', () => {
  test("trusts the user's CA, keeps their TLS server name, and holds nothing of the user's credentials", async () => {
    const { text, reading } = await registered(
      { server: 'https://eks.example:443', 'certificate-authority-data': base64(PEM), 'tls-server-name': 'kube' },
      'another CA',
    );
    expect(reading).toEqual({
      server: 'https://eks.example:443',
      certificateAuthorityData: base64(PEM),
      tlsServerName: 'kube',
      token: 'sa-token',
    });
    expect(text).not.toMatch(/exec|aws/);
  });

  test("reads the user's CA file here, on the user's machine, and sends its content", async () => {
    const caFile = join(folder, 'ca.crt');
    await writeFile(caFile, PEM);
    const { text, reading } = await registered({ server: 'https://aks.example', 'certificate-authority': caFile });
    expect(reading?.certificateAuthorityData).toBe(base64(PEM));
    expect(text).not.toContain(caFile);
  });

  test("falls back to the token Secret's ca.crt, and keeps the user's insecure-skip-tls-verify", async () => {
    expect((await registered({ server: 'https://gke.example' }, PEM)).reading?.certificateAuthorityData).toBe(
      base64(PEM),
    );
    const skipped = await registered({ server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true }, PEM);
    expect(skipped.reading).toEqual({
      server: 'http://127.0.0.1:8080',
      insecureSkipTlsVerify: true,
      token: 'sa-token',
    });
    expect(parse(skipped.text).clusters[0].cluster['certificate-authority-data']).toBeUndefined();
  });
});

describe("the user's kubeconfig", () => {
  test('KUBECONFIG files are merged and the first one names the current context, as kubectl does', async () => {
    const first = await kubeconfigFile('one', { server: 'https://one.example' });
    const second = await kubeconfigFile('two', { server: 'https://two.example' });
    const env = { KUBECONFIG: [first, second].join(delimiter) };
    expect(loadUserKubeconfig(undefined, undefined, env)).toMatchObject({
      context: 'one',
      server: 'https://one.example',
    });
    expect(loadUserKubeconfig(undefined, 'two', env)).toMatchObject({ context: 'two', server: 'https://two.example' });
    expect(() => loadUserKubeconfig(undefined, 'three', env)).toThrow(
      'the kubeconfig has no context "three" (it has: one, two)',
    );
  });
});
