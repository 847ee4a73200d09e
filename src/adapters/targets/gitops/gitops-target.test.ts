import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { refOf, TargetError, type DeployTarget } from '../../../service/deploy/target.js';
import { createGitOpsTarget } from './index.js';
import {
  change,
  clusterFor,
  commitCount,
  objectCommitFiles,
  commitMessageOf,
  objectFilesIn,
  filesIn,
  treeFiles,
  commitFiles,
  git,
  GROUP,
  peerAuthentication,
  readFileIn,
  serviceEntry,
  status,
  TempDirs,
  objectTreeFiles,
  workTree,
  writeFileIn,
  applyAll,
  ALLOW_TEMP,
} from './test-support/git-fixtures.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const FOLDER = 'edge/cluster01';
const KINDS = [
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' },
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' },
];
const OURS = { 'app.kubernetes.io/managed-by': 'meshbridge' };

async function setup(): Promise<{ repo: string; target: DeployTarget }> {
  const repo = await workTree(dirs);
  return { repo, target: createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP }) };
}

function kustomizationOf(text: string): { resources?: string[]; [field: string]: unknown } {
  return parse(text) as { resources?: string[] };
}

async function failure(promise: Promise<unknown>): Promise<TargetError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TargetError);
  return error as TargetError;
}

describe('GitOps target on a local work tree', () => {
  it('first session writes one file per object and a kustomization, in one commit', async () => {
    const { repo, target } = await setup();
    await target.session(
      clusterFor(repo),
      change('instantiate', 3),
      applyAll(serviceEntry('ns1', 'foo'), serviceEntry('ns2', 'bar'), peerAuthentication('istio-system')),
    );

    expect(await filesIn(repo, FOLDER)).toEqual([
      'kustomization.yaml',
      'namespace-cluster-ns1.yaml',
      'namespace-cluster-ns2.yaml',
      'peerauthentication-istio-system-default.yaml',
      'serviceentry-ns1-foo.yaml',
      'serviceentry-ns2-bar.yaml',
    ]);
    const file = parse(await readFileIn(repo, `${FOLDER}/serviceentry-ns1-foo.yaml`)) as Record<string, unknown>;
    expect(file).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' });
    expect(file).toMatchObject({ metadata: { name: 'foo', namespace: 'ns1', labels: OURS } });
    expect(kustomizationOf(await readFileIn(repo, `${FOLDER}/kustomization.yaml`))).toMatchObject({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [
        'namespace-cluster-ns1.yaml',
        'namespace-cluster-ns2.yaml',
        'peerauthentication-istio-system-default.yaml',
        'serviceentry-ns1-foo.yaml',
        'serviceentry-ns2-bar.yaml',
      ],
    });

    expect(commitCount(repo)).toBe(1);
    expect(commitMessageOf(repo)).toBe(
      `meshbridge: instantiate ${GROUP} revision 3 (edge/cluster01)\n\n` +
        'created: kustomization.yaml, namespace-cluster-ns1.yaml, namespace-cluster-ns2.yaml, ' +
        'peerauthentication-istio-system-default.yaml, serviceentry-ns1-foo.yaml, serviceentry-ns2-bar.yaml',
    );
    expect(git(repo, 'log', '-1', '--format=%an <%ae> / %cn <%ce>').trim()).toBe(
      'meshbridge <meshbridge@localhost> / meshbridge <meshbridge@localhost>',
    );
    expect(git(repo, 'branch', '--show-current').trim()).toBe('main');
    expect(status(repo)).toBe('');
  });

  it('commits with the configured author', async () => {
    const repo = await workTree(dirs);
    const author = { name: 'Deploy Bot', email: 'bot@example.com' };
    const target = createGitOpsTarget({ workDir: await dirs.make(), author, allow: ALLOW_TEMP });
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo')));
    expect(git(repo, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Deploy Bot <bot@example.com>');
  });

  it('a second session changes only the file of the object that changed', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo'), serviceEntry('ns1', 'bar')));
    await target.session(
      clusterFor(repo),
      change('update', 2),
      applyAll(serviceEntry('ns1', 'foo', 'moved.example.com'), serviceEntry('ns1', 'bar')),
    );

    expect(commitCount(repo)).toBe(2);
    expect(objectCommitFiles(repo)).toEqual([`M ${FOLDER}/serviceentry-ns1-foo.yaml`]);
    expect(commitMessageOf(repo)).toBe(
      `meshbridge: update ${GROUP} revision 2 (edge/cluster01)\n\nchanged: serviceentry-ns1-foo.yaml`,
    );
  });

  it('makes no commit when nothing changed, and none for a session that only reads', async () => {
    const { repo, target } = await setup();
    const objects = [serviceEntry('ns1', 'foo'), serviceEntry('ns1', 'bar')];
    await target.session(clusterFor(repo), change(), applyAll(...objects));
    await target.session(clusterFor(repo), change('reconcile', 1), applyAll(...objects));
    const listed = await target.session(clusterFor(repo), change('reconcile', 1), (session) =>
      session.list(KINDS, OURS),
    );
    expect(listed).toHaveLength(2);
    expect(commitCount(repo)).toBe(1);
  });

  it('removes only its own file, and says absent when there is none', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo'), serviceEntry('ns1', 'bar')));
    const results = await target.session(clusterFor(repo), change('update', 2), async (session) => [
      await session.remove(refOf(serviceEntry('ns1', 'foo'))),
      await session.remove(refOf(serviceEntry('ns1', 'foo'))),
      await session.remove(refOf(serviceEntry('ns9', 'never'))),
    ]);

    expect(results).toEqual(['deleted', 'absent', 'absent']);
    expect(await objectFilesIn(repo, FOLDER)).toEqual(['kustomization.yaml', 'serviceentry-ns1-bar.yaml']);
    expect(objectCommitFiles(repo)).toEqual([
      `M ${FOLDER}/kustomization.yaml`,
      `D ${FOLDER}/serviceentry-ns1-foo.yaml`,
    ]);
    expect(commitMessageOf(repo)).toContain('\n\nchanged: kustomization.yaml\ndeleted: serviceentry-ns1-foo.yaml');
    expect(kustomizationOf(await readFileIn(repo, `${FOLDER}/kustomization.yaml`)).resources).toEqual([
      'namespace-cluster-ns1.yaml',
      'serviceentry-ns1-bar.yaml',
    ]);
  });

  it("never changes or deletes someone else's file, and keeps their kustomization entries and fields", async () => {
    const { repo, target } = await setup();
    const foreign = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: human\n  namespace: ns1\ndata:\n  a: "1"\n';
    await writeFileIn(repo, `${FOLDER}/configmap-ns1-human.yaml`, foreign);
    await writeFileIn(
      repo,
      `${FOLDER}/kustomization.yaml`,
      '# kept by hand\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n' +
        'namespace: ns1\nresources:\n  - configmap-ns1-human.yaml\n  - ../../base\n',
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'by hand');

    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo')));
    const text = await readFileIn(repo, `${FOLDER}/kustomization.yaml`);
    expect(text).toContain('# kept by hand');
    expect(kustomizationOf(text)).toMatchObject({
      namespace: 'ns1',
      resources: ['configmap-ns1-human.yaml', '../../base', 'namespace-cluster-ns1.yaml', 'serviceentry-ns1-foo.yaml'],
    });

    const human = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns1', name: 'human' };
    const notOwned = await failure(
      target.session(clusterFor(repo), change('update', 2), (session) => session.remove(human)),
    );
    expect(notOwned).toMatchObject({ reason: 'not-owned', retryable: false });

    await target.session(clusterFor(repo), change('terminate', 2), async (session) => {
      for (const object of await session.list(KINDS, OURS)) await session.remove(refOf(object));
    });
    expect(await readFileIn(repo, `${FOLDER}/configmap-ns1-human.yaml`)).toBe(foreign);
    expect(kustomizationOf(await readFileIn(repo, `${FOLDER}/kustomization.yaml`)).resources).toEqual([
      'configmap-ns1-human.yaml',
      '../../base',
    ]);
    expect(commitCount(repo)).toBe(3);
    expect(git(repo, 'diff', 'HEAD~2', 'HEAD', '--stat').trim()).toBe('');
  });

  it('refuses to overwrite a file that is not meshbridge’s', async () => {
    const { repo, target } = await setup();
    const foreign =
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: foo\n  namespace: ns1\n';
    await writeFileIn(repo, `${FOLDER}/serviceentry-ns1-foo.yaml`, foreign);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'by hand');

    const error = await failure(target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo'))));
    expect(error).toMatchObject({ reason: 'not-owned', retryable: false });
    expect(error.message).toContain(`${FOLDER}/serviceentry-ns1-foo.yaml`);
    expect(await readFileIn(repo, `${FOLDER}/serviceentry-ns1-foo.yaml`)).toBe(foreign);
    expect(commitCount(repo)).toBe(1);
    expect(status(repo)).toBe('');
  });

  it('a terminating session that removes everything leaves the folder with a kustomization listing nothing', async () => {
    const { repo, target } = await setup();
    await writeFileIn(repo, 'README.md', '# deployments\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'start');

    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo'), serviceEntry('ns2', 'bar')));
    await target.session(clusterFor(repo), change('terminate', 1), async (session) => {
      for (const object of await session.list(KINDS, OURS)) await session.remove(refOf(object));
    });

    // Argo CD and Flux prune a folder whose kustomization lists nothing; a folder that is gone fails their sync.
    expect(treeFiles(repo)).toEqual(['README.md', `${FOLDER}/kustomization.yaml`]);
    const kustomization = await readFileIn(repo, `${FOLDER}/kustomization.yaml`);
    expect(kustomization).toContain('resources: []');
    expect(kustomizationOf(kustomization)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      metadata: { labels: OURS },
      resources: [],
    });
    expect(commitFiles(repo)).toEqual([
      `M ${FOLDER}/kustomization.yaml`,
      `D ${FOLDER}/namespace-cluster-ns1.yaml`,
      `D ${FOLDER}/namespace-cluster-ns2.yaml`,
      `D ${FOLDER}/serviceentry-ns1-foo.yaml`,
      `D ${FOLDER}/serviceentry-ns2-bar.yaml`,
    ]);
    expect(commitMessageOf(repo)).toContain(`meshbridge: terminate ${GROUP} revision 1 (edge/cluster01)`);
    expect(status(repo)).toBe('');

    // Deploying again lists the objects again in the same file.
    await target.session(clusterFor(repo), change('instantiate', 2), applyAll(serviceEntry('ns1', 'foo')));
    expect(kustomizationOf(await readFileIn(repo, `${FOLDER}/kustomization.yaml`)).resources).toEqual([
      'namespace-cluster-ns1.yaml',
      'serviceentry-ns1-foo.yaml',
    ]);
  });

  it('a work that throws commits nothing and leaves the work tree clean', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo')));
    const boom = new Error('boom');
    const thrown = await target
      .session(clusterFor(repo), change('update', 2), async (session) => {
        await session.apply(serviceEntry('ns1', 'foo', 'changed.example.com'));
        await session.apply(serviceEntry('ns2', 'new'));
        await session.apply(serviceEntry('fresh', 'folder'));
        await session.remove(refOf(serviceEntry('ns1', 'foo')));
        throw boom;
      })
      .catch((error: unknown) => error);

    expect(thrown).toBe(boom);
    expect(commitCount(repo)).toBe(1);
    expect(status(repo)).toBe('');
    expect(await objectFilesIn(repo, FOLDER)).toEqual(['kustomization.yaml', 'serviceentry-ns1-foo.yaml']);
  });

  it('a first session that throws leaves no folder behind', async () => {
    const { repo, target } = await setup();
    const thrown = await target
      .session(clusterFor(repo), change(), async (session) => {
        await session.apply(serviceEntry('ns1', 'foo'));
        throw new Error('boom');
      })
      .catch((error: unknown) => error);
    expect(thrown).toEqual(new Error('boom'));
    expect(await objectFilesIn(repo, '.')).toEqual(['.git']);
    expect(commitCount(repo)).toBe(0);
  });

  it('a push the repository refuses rejects with git-error and leaves it as it was', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo')));
    git(repo, 'config', 'receive.denyCurrentBranch', 'refuse');

    const error = await failure(
      target.session(
        clusterFor(repo),
        change('update', 2),
        applyAll(serviceEntry('ns1', 'foo', 'x.example.com'), serviceEntry('ns1', 'bar')),
      ),
    );
    expect(error.reason).toBe('git-error');
    expect(commitCount(repo)).toBe(1);
    expect(status(repo)).toBe('');
  });

  it('rejects a Secret: private keys never go to git in plain text', async () => {
    const { repo, target } = await setup();
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'cacerts', namespace: 'istio-system', labels: { ...OURS } },
      data: { 'ca-key.pem': 'c2VjcmV0' },
    };
    const error = await failure(target.session(clusterFor(repo), change(), (session) => session.apply(secret)));
    expect(error).toMatchObject({ reason: 'rejected', retryable: false });
    expect(error.message).toMatch(/Secrets are not written to git in plain text: .*Sealed Secrets or SOPS/);
    expect(commitCount(repo)).toBe(0);
    expect(await objectFilesIn(repo, FOLDER)).toEqual([]);
  });

  it('shows a hand-edited or hand-deleted file as it is now', async () => {
    const { repo, target } = await setup();
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo'), serviceEntry('ns1', 'bar')));
    const path = `${FOLDER}/serviceentry-ns1-foo.yaml`;
    await writeFileIn(repo, path, (await readFileIn(repo, path)).replace('foo.example.com', 'evil.example.com'));
    git(repo, 'rm', '-q', `${FOLDER}/serviceentry-ns1-bar.yaml`);
    git(repo, 'commit', '-q', '-am', 'hand edit');

    const seen = await target.session(clusterFor(repo), change('reconcile', 1), async (session) => ({
      foo: await session.get(refOf(serviceEntry('ns1', 'foo'))),
      bar: await session.get(refOf(serviceEntry('ns1', 'bar'))),
      listed: await session.list(KINDS, OURS),
    }));
    expect(seen.foo?.spec).toMatchObject({ hosts: ['evil.example.com'] });
    expect(seen.foo?.metadata).toMatchObject({ name: 'foo', namespace: 'ns1', labels: OURS });
    expect(seen.bar).toBeUndefined();
    expect(seen.listed.map((object) => [object.metadata.name, object.spec?.hosts])).toEqual([
      ['foo', ['evil.example.com']],
    ]);

    await target.session(clusterFor(repo), change('reconcile', 1), applyAll(serviceEntry('ns1', 'foo')));
    expect(objectCommitFiles(repo)).toEqual([`M ${path}`]);
  });

  it('lists by kind and labels', async () => {
    const { repo, target } = await setup();
    await target.session(
      clusterFor(repo),
      change(),
      applyAll(serviceEntry('ns1', 'foo'), peerAuthentication('istio-system')),
    );
    const listed = await target.session(clusterFor(repo), change(), async (session) => ({
      serviceEntries: await session.list([KINDS[0]!], OURS),
      inbound: await session.list(KINDS, { 'meshbridge.io/intent-kind': 'inbound' }),
      otherGroup: await session.list([{ apiVersion: 'networking.x-k8s.io/v1', kind: 'ServiceEntry' }], {}),
    }));
    expect(listed.serviceEntries.map((object) => object.metadata.name)).toEqual(['foo']);
    expect(listed.inbound.map((object) => object.kind)).toEqual(['ServiceEntry']);
    expect(listed.otherGroup).toEqual([]);
  });

  it('keeps two objects whose plain file names are the same in two files', async () => {
    const { repo, target } = await setup();
    const first = serviceEntry('istio-system', 'a');
    const second = serviceEntry('istio', 'system-a');
    await target.session(clusterFor(repo), change(), applyAll(first, second));

    const files = await objectFilesIn(repo, FOLDER);
    expect(files).toHaveLength(3);
    expect(files).toContain('serviceentry-istio-system-a.yaml');
    expect(files.find((file) => /^serviceentry-istio-system-a_[0-9a-f]{12}\.yaml$/.test(file))).toBeDefined();
    const seen = await target.session(clusterFor(repo), change(), async (session) => [
      await session.get(refOf(first)),
      await session.get(refOf(second)),
    ]);
    expect(seen.map((object) => `${object?.metadata.namespace}/${object?.metadata.name}`)).toEqual([
      'istio-system/a',
      'istio/system-a',
    ]);
  });

  it('puts the folder under spec.deploy.gitops.path', async () => {
    const { repo, target } = await setup();
    await target.session(
      clusterFor(repo, 'cluster01', { path: '/fleet/prod/' }),
      change(),
      applyAll(serviceEntry('a', 'b')),
    );
    expect(objectTreeFiles(repo)).toEqual([
      'fleet/prod/edge/cluster01/kustomization.yaml',
      'fleet/prod/edge/cluster01/serviceentry-a-b.yaml',
    ]);
  });
});

describe('GitOps target branches and settings', () => {
  it('creates the branch spec.deploy.gitops.branch names, and leaves the checkout alone', async () => {
    const repo = await workTree(dirs, 'main');
    await writeFileIn(repo, 'README.md', 'x\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'start');
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await target.session(
      clusterFor(repo, 'cluster01', { branch: 'deploy' }),
      change(),
      applyAll(serviceEntry('a', 'b')),
    );
    expect(git(repo, 'branch', '--show-current').trim()).toBe('main');
    // A branch the repository lacks starts empty, beside the others.
    expect(objectTreeFiles(repo, 'deploy')).toEqual([
      `${FOLDER}/kustomization.yaml`,
      `${FOLDER}/serviceentry-a-b.yaml`,
    ]);
    expect(await objectFilesIn(repo, '.')).toEqual(['.git', 'README.md']);
    expect(status(repo)).toBe('');
  });

  it('says not-configured without a repository, with a bad one, or for a missing folder', async () => {
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    const work = async () => 'ran';
    const noGitops = { key: 'cluster-providers/edge/clusters/c1', provider: 'edge', name: 'c1', spec: {} };
    const plainFolder = await dirs.make();
    for (const cluster of [
      noGitops,
      clusterFor(''),
      clusterFor(`${plainFolder}/missing`),
      clusterFor(plainFolder, 'c1', { branch: 'bad..branch' }),
      clusterFor(plainFolder, 'c1', { path: '../outside' }),
    ]) {
      const error = await failure(target.session(cluster, change(), work));
      expect(error.reason).toBe('not-configured');
    }
    const missing = await failure(target.session(noGitops, change(), work));
    expect(missing.message).toMatch(/has no spec\.deploy\.gitops\.repository/);
    const notGit = await failure(target.session(clusterFor(plainFolder), change(), work));
    expect(notGit).toMatchObject({ reason: 'git-error', retryable: false });
  });
});
