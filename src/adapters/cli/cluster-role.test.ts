/**
 * The ClusterRole `meshbridge cluster add` grants is exactly what the Kubernetes target needs:
 * with the kubeconfig `cluster add` builds, a session applies (creating, then patching), reads,
 * lists and deletes an object of every kind meshbridge owns, in a namespace it has to make, against
 * a fake API server that enforces RBAC. Nothing is refused, and every right granted is used.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MANAGED_BY, ownerLabels, type RenderedObject } from '../../core/render/objects.js';
import { OWNED_KINDS } from '../../service/deploy/kinds.js';
import { refOf, type ChangeContext } from '../../service/deploy/target.js';
import { rightsGranted, startFakeKube, type FakeKube } from '../../test-support/fake-kube/index.js';
import { clusterRoleRules, createKubernetesTarget, DEFAULT_ACCESS_NAMES } from '../targets/kubernetes/index.js';
import { applyAccess, loadUserKubeconfig, objectApi, registeredKubeconfig, waitForToken } from './cluster-access.js';

const CONTEXT: ChangeContext = {
  group: 'projects/p/composite-apps/a/v1/deployment-intent-groups/g',
  revision: 1,
  action: 'instantiate',
};

let fake: FakeKube;
let folder: string;

beforeEach(async () => {
  fake = await startFakeKube();
  folder = await mkdtemp(join(tmpdir(), 'meshbridge-cluster-role-'));
});

afterEach(async () => {
  await fake.close();
  await rm(folder, { recursive: true, force: true });
});

/** What `cluster add` would register for the fake. */
async function serviceAccountKubeconfig(): Promise<string> {
  const file = join(folder, 'config');
  await writeFile(file, fake.kubeconfig);
  const user = loadUserKubeconfig(file, undefined, {});
  const api = objectApi(user);
  await applyAccess(api, DEFAULT_ACCESS_NAMES);
  return registeredKubeconfig(user, 'c', await waitForToken(api, DEFAULT_ACCESS_NAMES, 5000));
}

function objectOf(apiVersion: string, kind: string): RenderedObject {
  const metadata = {
    name: `mb-${kind.toLowerCase()}`,
    namespace: 'made-by-meshbridge',
    labels: ownerLabels(undefined),
  };
  if (kind === 'Secret') return { apiVersion, kind, metadata, type: 'Opaque', data: { key: 'dmFsdWU=' } };
  if (kind === 'ConfigMap') return { apiVersion, kind, metadata, data: { key: 'value' } };
  return { apiVersion, kind, metadata, spec: {} };
}

test('a session as the ServiceAccount does all its work on every owned kind, using every right granted', async () => {
  const kubeconfig = await serviceAccountKubeconfig();
  fake.calls.length = 0;
  const target = createKubernetesTarget({ requestTimeoutMs: 2000 });
  const cluster = { key: 'cluster-providers/p/clusters/c', provider: 'p', name: 'c', spec: { kubeconfig } };
  const objects = OWNED_KINDS.map((kind) => objectOf(kind.apiVersion, kind.kind));
  await target.session(cluster, CONTEXT, async (session) => {
    for (const object of objects) {
      await session.apply(object);
      await session.apply({ ...object, metadata: { ...object.metadata, annotations: { changed: 'yes' } } });
      expect(await session.get(refOf(object)), object.kind).toBeDefined();
    }
    expect(await session.list(OWNED_KINDS, { ...MANAGED_BY })).toHaveLength(objects.length);
    for (const object of objects) expect(await session.remove(refOf(object))).toBe('deleted');
  });

  expect(fake.calls.filter((call) => call.status === 401 || call.status === 403)).toEqual([]);
  const resourceCalls = fake.calls.filter((call) => call.rights !== undefined);
  expect(resourceCalls.length).toBeGreaterThan(0);
  expect(fake.calls.every((call) => call.user === 'system:serviceaccount:kube-system:meshbridge')).toBe(true);
  const used = new Set(resourceCalls.flatMap((call) => call.rights ?? []));
  expect([...used].sort()).toEqual(rightsGranted(clusterRoleRules()).sort());
});

test('without the role the same session is refused: the fake really enforces it', async () => {
  const kubeconfig = await serviceAccountKubeconfig();
  fake.remove({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'meshbridge' });
  const target = createKubernetesTarget({ requestTimeoutMs: 2000 });
  const cluster = { key: 'cluster-providers/p/clusters/c', provider: 'p', name: 'c', spec: { kubeconfig } };
  const [first] = OWNED_KINDS.map((kind) => objectOf(kind.apiVersion, kind.kind));
  await expect(target.session(cluster, CONTEXT, (session) => session.apply(first as RenderedObject))).rejects.toThrow(
    /forbidden/,
  );
});
