/**
 * `meshbridge cluster add` end to end: the user's kubeconfig authenticates with an exec plugin
 * (as EKS, GKE and AKS ones do) to two fake API servers that enforce RBAC; meshbridge is a real
 * HTTP server deploying with the Kubernetes target. After `cluster add`, every call meshbridge
 * makes to the clusters is made as the ServiceAccount, within the ClusterRole, and the whole
 * lifecycle (namespaces made, objects applied, read, listed, updated, pruned) works with it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { readKubeconfig } from '../../core/model/kubeconfig.js';
import { cli, startLiveServer, type CliRun, type LiveServer } from '../../test-support/cli.js';
import { exampleDocuments } from '../../test-support/examples.js';
import {
  DEFAULT_TOKEN,
  rightsGranted,
  startFakeKube,
  type FakeKube,
  type FakeKubeOptions,
} from '../../test-support/fake-kube/index.js';
import { clusterRoleRules, createKubernetesTarget } from '../targets/kubernetes/index.js';

const GROUP = 'demo/blue-app/v1/lc01-group';
const SA_USER = 'system:serviceaccount:kube-system:meshbridge';
const CLUSTERS = ['cluster01', 'cluster02'] as const;

let server: LiveServer;
let fakes: Record<string, FakeKube>;
let folder: string;
let kubeconfigFile: string;

/** An exec plugin that prints the fake's admin token, as `aws eks get-token` prints an EKS one. */
function execUser(token: string) {
  const credential = {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    // With an expiry client-node runs the plugin once, not on every request.
    status: { token, expirationTimestamp: '2999-01-01T00:00:00Z' },
  };
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: process.execPath,
      args: ['-e', `console.log(${JSON.stringify(JSON.stringify(credential))})`],
      interactiveMode: 'Never',
    },
  };
}

/** The user's kubeconfig: one context per fake, each user an exec plugin; the current context is neither. */
function userKubeconfig(): string {
  const names = Object.keys(fakes);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((name) => ({
      name,
      cluster: { server: fakes[name]?.url, 'insecure-skip-tls-verify': true },
    })),
    users: names.map((name) => ({ name, user: execUser(DEFAULT_TOKEN) })),
    contexts: [
      ...names.map((name) => ({ name: `ctx-${name}`, context: { cluster: name, user: name } })),
      { name: 'elsewhere', context: { cluster: names[0], user: 'nobody' } },
    ],
    'current-context': 'elsewhere',
  });
}

async function startClusters(options: FakeKubeOptions = {}): Promise<void> {
  fakes = {};
  for (const name of CLUSTERS) fakes[name] = await startFakeKube(options);
  kubeconfigFile = join(folder, 'config');
  await writeFile(kubeconfigFile, userKubeconfig(), { mode: 0o600 });
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'meshbridge-cluster-add-'));
  await startClusters();
  server = await startLiveServer({
    targets: [createKubernetesTarget({ requestTimeoutMs: 2000 })],
    reconcileSeconds: 0,
    retry: { attempts: 2, baseDelayMs: 1, timeoutMs: 2000 },
  });
  // The seed's clusters, with no kubeconfig: cluster add gives them one.
  for (const document of await exampleDocuments('seed-two-clouds.yaml')) {
    const response = await server.fetchJson(`/v2/${document.anchor}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(document.body),
    });
    if (response.status !== 201) throw new Error(`seeding ${document.anchor}: ${response.status}`);
  }
});

afterEach(async () => {
  await server.close();
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  await rm(folder, { recursive: true, force: true });
});

const run = (...args: string[]) => cli([...args, '--server', server.url]);
const add = (cluster: string, ...more: string[]) =>
  run('cluster', 'add', `edge/${cluster}`, '--kubeconfig', kubeconfigFile, '--context', `ctx-${cluster}`, ...more);

function ok(result: CliRun): CliRun {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

/** The cluster as stored (a GET shows the kubeconfig redacted). */
async function storedCluster(name: string): Promise<{ spec: Record<string, unknown> }> {
  const stored = await server.database.store.get(`cluster-providers/edge/clusters/${name}`);
  return (stored?.body ?? { spec: {} }) as { spec: Record<string, unknown> };
}

/** `group resource verb` of every right RBAC checked for the ServiceAccount. */
function usedAsServiceAccount(fake: FakeKube): Set<string> {
  return new Set(fake.calls.flatMap((call) => (call.user === SA_USER ? (call.rights ?? []) : [])));
}

const granted = () => new Set(rightsGranted(clusterRoleRules()));

describe('cluster add', () => {
  test('sets up the ServiceAccount and role with the exec-plugin kubeconfig, and registers only its token', async () => {
    const result = ok(await add('cluster01'));
    expect(result.stdout.split('\n')).toEqual([
      'serviceaccount kube-system/meshbridge: created',
      'clusterrole meshbridge: created',
      'clusterrolebinding meshbridge: created',
      'secret kube-system/meshbridge-token: created',
      'cluster edge/cluster01 in meshbridge: updated',
      `meshbridge reaches ${fakes.cluster01?.url} as ServiceAccount kube-system/meshbridge; your own credentials stay here`,
    ]);
    const fake = fakes.cluster01 as FakeKube;
    expect(fake.calls.every((call) => call.user === 'kubernetes-admin')).toBe(true);
    const role = fake.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'meshbridge' });
    expect(role?.rules).toEqual(clusterRoleRules());
    const binding = fake.get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      name: 'meshbridge',
    });
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'meshbridge' },
      subjects: [{ kind: 'ServiceAccount', name: 'meshbridge', namespace: 'kube-system' }],
    });
    const secret = fake.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name: 'meshbridge-token' });
    const token = Buffer.from(String((secret?.data as Record<string, string>).token), 'base64').toString();

    const stored = await storedCluster('cluster01');
    const kubeconfig = String(stored.spec.kubeconfig);
    const reading = readKubeconfig(kubeconfig);
    expect(reading.ok && reading.kubeconfig).toMatchObject({ server: fake.url, token, insecureSkipTlsVerify: true });
    expect(kubeconfig).not.toContain('exec');
    expect(kubeconfig).not.toContain(DEFAULT_TOKEN);
    // The rest of the cluster's spec is as the seed wrote it.
    expect(stored.spec).toMatchObject({ locality: { region: 'region1' }, mesh: { gateway: { port: 15443 } } });
  });

  test('deploys, updates and terminates through meshbridge as the ServiceAccount, using every right it grants', async () => {
    for (const cluster of CLUSTERS) ok(await add(cluster));
    for (const fake of Object.values(fakes)) fake.calls.length = 0;
    ok(await run('approve', GROUP));
    ok(await run('instantiate', GROUP, '--wait'));
    ok(await run('status', GROUP, '--refresh'));
    ok(await run('terminate', GROUP, '--wait'));

    const used = new Set<string>();
    for (const fake of Object.values(fakes)) {
      const resourceCalls = fake.calls.filter((call) => /\/(api|apis\/[^/]+)\/v[^/]+\/./.test(call.path));
      expect(resourceCalls.length).toBeGreaterThan(0);
      expect(resourceCalls.filter((call) => call.user !== SA_USER)).toEqual([]);
      expect(fake.calls.filter((call) => call.status === 401 || call.status === 403)).toEqual([]);
      for (const entry of usedAsServiceAccount(fake)) used.add(entry);
    }
    expect([...used].filter((entry) => !granted().has(entry))).toEqual([]);
    // The seed renders ServiceEntries, DestinationRules and AuthorizationPolicies only: every verb granted is used on
    // these, every kind is listed, and namespaces are made (cluster-role.test.ts drives every kind).
    const verbsUsed = (resource: string) =>
      [...used].filter((entry) => entry.split(' ')[1] === resource).map((entry) => entry.split(' ')[2]);
    for (const resource of ['serviceentries', 'destinationrules', 'authorizationpolicies']) {
      expect(verbsUsed(resource).sort(), resource).toEqual(['create', 'delete', 'get', 'list', 'patch']);
    }
    expect(verbsUsed('namespaces').sort()).toEqual(['create', 'patch']);
    for (const rule of clusterRoleRules().filter((entry) => entry.verbs.includes('list'))) {
      for (const resource of rule.resources) expect(verbsUsed(resource), resource).toContain('list');
    }
  });

  test('running it twice changes nothing, and keeps the token meshbridge holds', async () => {
    ok(await add('cluster01'));
    const first = await storedCluster('cluster01');
    const again = ok(await add('cluster01', '-o', 'json'));
    expect(JSON.parse(again.stdout).results.map((entry: { result: string }) => entry.result)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect((await storedCluster('cluster01')).spec.kubeconfig).toBe(first.spec.kubeconfig);
  });

  test('puts back a role someone narrowed by hand', async () => {
    ok(await add('cluster01'));
    const ref = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'meshbridge' };
    fakes.cluster01?.edit(ref, (role) => void (role.rules = []));
    const again = ok(await add('cluster01'));
    expect(again.stdout).toContain('clusterrole meshbridge: updated');
    expect(fakes.cluster01?.get(ref)?.rules).toEqual(clusterRoleRules());
  });

  test('a context the kubeconfig lacks is named, and nothing is changed', async () => {
    const result = await run('cluster', 'add', 'edge/cluster01', '--kubeconfig', kubeconfigFile, '--context', 'prod');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the kubeconfig has no context "prod" (it has: ctx-cluster01, ctx-cluster02, elsewhere)',
    );
    expect(fakes.cluster01?.calls).toEqual([]);
    expect((await storedCluster('cluster01')).spec.kubeconfig).toBeUndefined();
  });

  test('a provider meshbridge lacks is refused before the cluster is touched', async () => {
    const result = await run(
      'cluster',
      'add',
      'nowhere/c1',
      '--kubeconfig',
      kubeconfigFile,
      '--context',
      'ctx-cluster01',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: meshbridge has no cluster provider "nowhere": create it first/);
    expect(fakes.cluster01?.calls).toEqual([]);
  });

  test('creates the cluster in meshbridge when it is new', async () => {
    ok(await run('cluster', 'add', 'edge/cluster09', '--kubeconfig', kubeconfigFile, '--context', 'ctx-cluster02'));
    const stored = await storedCluster('cluster09');
    expect(readKubeconfig(String(stored.spec.kubeconfig)).ok).toBe(true);
  });

  test('a token controller that never fills the token ends in a clear timeout', async () => {
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    await startClusters({ tokenController: false });
    const result = await add('cluster01', '--token-timeout', '1');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: the token controller did not fill secret kube-system\/meshbridge-token within 1 s/,
    );
    expect((await storedCluster('cluster01')).spec.kubeconfig).toBeUndefined();
  });

  test('--dry-run prints the manifest (docs/cluster-access.yaml is it) and touches nothing', async () => {
    const result = ok(await run('cluster', 'add', 'edge/cluster01', '--dry-run'));
    const objects = parseAllDocuments(result.stdout).map((document) => document.toJS());
    expect(objects.map((object) => `${object.kind} ${object.metadata.name}`)).toEqual([
      'ServiceAccount meshbridge',
      'ClusterRole meshbridge',
      'ClusterRoleBinding meshbridge',
      'Secret meshbridge-token',
    ]);
    const documented = await import('node:fs/promises').then((fs) =>
      fs.readFile(new URL('../../../docs/cluster-access.yaml', import.meta.url), 'utf8'),
    );
    expect(parseAllDocuments(documented).map((document) => document.toJS())).toEqual(objects);
    expect(Object.values(fakes).every((fake) => fake.calls.length === 0)).toBe(true);
    expect(parse(JSON.stringify(objects[1])).rules).toEqual(clusterRoleRules());
  });
});
