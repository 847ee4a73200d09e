/**
 * The deploy-target contract (`target-contract.ts`) against both targets: Kubernetes on two fake
 * API servers (one refuses the writes of a single object with a 422, as an admission webhook would), GitOps on
 * two real bare repositories (one refuses every push: `receive.maxInputSize` of 1 byte, which
 * git's receive-pack enforces whatever hooks are turned off).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { objectId, type RenderedObject } from '../../core/render/objects.js';
import type { TargetCluster } from '../../service/deploy/target.js';
import { startFakeKube, type FakeKube } from '../../test-support/fake-kube/index.js';
import { createGitOpsTarget } from './gitops/index.js';
import { ALLOW_TEMP, bareRepository, clusterFor, git, TempDirs } from './gitops/test-support/git-fixtures.js';
import { createKubernetesTarget } from './kubernetes/index.js';
import { describeTargetContract, type ContractWorld } from './target-contract.js';

describeTargetContract('kubernetes (fake API servers)', async (): Promise<ContractWorld> => {
  const fakes = [await startFakeKube(), await startFakeKube()];
  const clusters = fakes.map((fake, index): TargetCluster => ({
    key: `cluster-providers/edge/clusters/c${index}`,
    provider: 'edge',
    name: `c${index}`,
    spec: { kubeconfig: fake.kubeconfig },
  })) as [TargetCluster, TargetCluster];
  const fakeOf = (cluster: TargetCluster) => fakes[clusters.indexOf(cluster)] as FakeKube;
  return {
    target: createKubernetesTarget({ requestTimeoutMs: 5000 }),
    clusters,
    async putForeign(cluster, object) {
      fakeOf(cluster).put(structuredClone(object) as never);
    },
    async holdsForeign(cluster, object) {
      const held = fakeOf(cluster).get({ ...object, ...object.metadata } as never);
      return held !== undefined && JSON.stringify(held.spec) === JSON.stringify(object.spec);
    },
    async refuse(cluster, object, on) {
      if (!on) return fakeOf(cluster).clearFaults();
      const path = new RegExp(`/serviceentries/${object.metadata.name}(\\?|$)`);
      for (const method of ['PATCH', 'DELETE'])
        fakeOf(cluster).fault({ method, path, status: 422, message: 'denied by an admission webhook' });
    },
    close: async () => {
      await Promise.all(fakes.map((fake) => fake.close()));
    },
  };
});

describeTargetContract('gitops (bare repositories)', async (): Promise<ContractWorld> => {
  const dirs = new TempDirs();
  const repositories = [await bareRepository(dirs), await bareRepository(dirs)];
  const clusters = repositories.map((repository, index) =>
    clusterFor(repository, `c${index}`, { path: 'clusters' }),
  ) as [TargetCluster, TargetCluster];
  const repositoryOf = (cluster: TargetCluster) => repositories[clusters.indexOf(cluster)] as string;
  const fileOf = (cluster: TargetCluster, object: RenderedObject) =>
    `clusters/${cluster.provider}/${cluster.name}/foreign-${objectId(object).replace(/\//g, '-')}.yaml`;
  return {
    target: createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP }),
    clusters,
    /** A human's commit, pushed from their own clone. */
    async putForeign(cluster, object) {
      const clone = await dirs.make();
      git(clone, 'clone', '-q', repositoryOf(cluster), '.');
      const path = join(clone, fileOf(cluster, object));
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, stringify(object));
      git(clone, 'add', '-A');
      git(clone, 'commit', '-q', '-m', 'a file of our own');
      git(clone, 'push', '-q', 'origin', 'HEAD:main');
    },
    async holdsForeign(cluster, object) {
      const clone = await dirs.make();
      git(clone, 'clone', '-q', repositoryOf(cluster), '.');
      const text = await readFile(join(clone, fileOf(cluster, object)), 'utf8').catch(() => undefined);
      return text === stringify(object);
    },
    async refuse(cluster, _object, on) {
      const repository = repositoryOf(cluster);
      if (on) git(repository, 'config', 'receive.maxInputSize', '1');
      else git(repository, 'config', '--unset', 'receive.maxInputSize');
    },
    close: () => dirs.cleanup(),
  };
});
