/** The Namespace objects the GitOps target declares beside a cluster's objects, in a real repository. */
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { refOf } from '../../../service/deploy/target.js';
import { createGitOpsTarget } from './index.js';
import {
  ALLOW_TEMP,
  applyAll,
  change,
  clusterFor,
  filesIn,
  git,
  peerAuthentication,
  readFileIn,
  serviceEntry,
  TempDirs,
  workTree,
  writeFileIn,
} from './test-support/git-fixtures.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const FOLDER = 'edge/cluster01';

async function setup() {
  const repo = await workTree(dirs);
  return { repo, target: createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP }) };
}

const namespaceFiles = async (repo: string) =>
  (await filesIn(repo, FOLDER)).filter((file) => file.startsWith('namespace-'));

describe('namespaces in a cluster folder', () => {
  it('declares each namespace meshbridge objects live in, never to be pruned, deleted or changed by Argo CD or Flux', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('shop', 'cart')));

    expect(await namespaceFiles(repo)).toEqual(['namespace-cluster-shop.yaml']);
    expect(parse(await readFileIn(repo, `${FOLDER}/namespace-cluster-shop.yaml`))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'meshbridge', 'meshbridge.io/intent-kind': 'namespace' },
        annotations: {
          'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
          'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent',
        },
      },
    });
  });

  it("leaves out the platform's namespaces: Kubernetes' own, istio-system, and any holding a cluster-wide object", async () => {
    const { repo, target } = await setup();
    await target.session(
      clusterFor(repo),
      change(),
      applyAll(
        peerAuthentication('mesh-root'),
        serviceEntry('mesh-root', 'a'),
        serviceEntry('kube-system', 'b'),
        serviceEntry('default', 'c'),
        serviceEntry('istio-system', 'd'),
        serviceEntry('shop', 'e'),
      ),
    );
    expect(await namespaceFiles(repo)).toEqual(['namespace-cluster-shop.yaml']);
  });

  it("does not declare a namespace someone else's file in the folder declares", async () => {
    const { repo, target } = await setup();
    const theirs = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: shop\n';
    await writeFileIn(repo, `${FOLDER}/team-namespace.yaml`, theirs);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'by hand');

    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('shop', 'cart'), serviceEntry('blog', 'x')));
    expect(await namespaceFiles(repo)).toEqual(['namespace-cluster-blog.yaml']);
    expect(await readFileIn(repo, `${FOLDER}/team-namespace.yaml`)).toBe(theirs);
  });

  it('drops a namespace file once no object needs it (the live namespace stays: see the annotations)', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('shop', 'cart'), serviceEntry('blog', 'x')));
    await target.session(clusterFor(repo), change('update', 2), async (session) => {
      await session.remove(refOf(serviceEntry('blog', 'x')));
    });
    expect(await namespaceFiles(repo)).toEqual(['namespace-cluster-shop.yaml']);
    const resources = (parse(await readFileIn(repo, `${FOLDER}/kustomization.yaml`)) as { resources: string[] })
      .resources;
    expect(resources).toEqual(['namespace-cluster-shop.yaml', 'serviceentry-shop-cart.yaml']);
  });

  it('puts back a namespace file edited by hand', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('shop', 'cart')));
    const path = `${FOLDER}/namespace-cluster-shop.yaml`;
    const written = await readFileIn(repo, path);
    await writeFileIn(repo, path, written.replace('Prune=false,Delete=false', 'Prune=true'));
    git(repo, 'commit', '-q', '-am', 'hand edit');
    await target.session(
      clusterFor(repo),
      change('update', 2),
      applyAll(serviceEntry('shop', 'cart', 'moved.example.com')),
    );
    expect(await readFileIn(repo, path)).toBe(written);
  });
});
