import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TargetError } from '../../../service/deploy/target.js';
import { parseGitOpsAllowList } from '../../../core/model/gitops-allow.js';
import { createGitOpsTarget } from './index.js';
import {
  bareRepository,
  change,
  clusterFor,
  commitCount,
  objectCommitFiles,
  commitMessageOf,
  git,
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

/** A human's clone of `remote`, fresh. */
async function humanClone(remote: string): Promise<string> {
  const dir = await dirs.make('meshbridge-human-');
  git(dir, 'clone', '-q', remote, '.');
  return dir;
}

async function humanPush(remote: string, path: string, text: string): Promise<void> {
  const clone = await humanClone(remote);
  await writeFileIn(clone, path, text);
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', `human: ${path}`);
  git(clone, 'push', '-q', 'origin', 'HEAD:main');
}

async function failure(promise: Promise<unknown>): Promise<TargetError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TargetError);
  return error as TargetError;
}

describe('GitOps target on a remote repository', () => {
  it('clones an empty bare repository, commits, pushes; another clone sees the files', async () => {
    const remote = await bareRepository(dirs);
    const workDir = await dirs.make();
    const target = createGitOpsTarget({ workDir, allow: ALLOW_TEMP });
    await target.session(clusterFor(remote), change(), applyAll(serviceEntry('ns1', 'foo')));

    expect(commitCount(remote)).toBe(1);
    const clone = await humanClone(remote);
    expect(objectTreeFiles(clone)).toEqual([
      'edge/cluster01/kustomization.yaml',
      'edge/cluster01/serviceentry-ns1-foo.yaml',
    ]);
    expect(parse(await readFileIn(clone, 'edge/cluster01/serviceentry-ns1-foo.yaml'))).toMatchObject({
      metadata: { name: 'foo', namespace: 'ns1' },
    });
    expect(await readdir(workDir)).toHaveLength(1);

    await target.session(
      clusterFor(remote),
      change('update', 2),
      applyAll(serviceEntry('ns1', 'foo', 'x.example.com')),
    );
    expect(commitCount(remote)).toBe(2);
    expect(objectCommitFiles(remote, 'main')).toEqual(['M edge/cluster01/serviceentry-ns1-foo.yaml']);
  });

  it('starts every session from the remote branch as it is now', async () => {
    const remote = await bareRepository(dirs);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await target.session(clusterFor(remote), change(), applyAll(serviceEntry('ns1', 'foo')));
    await humanPush(remote, 'README.md', '# fleet\n');
    const clone = await humanClone(remote);
    git(clone, 'rm', '-q', 'edge/cluster01/serviceentry-ns1-foo.yaml');
    git(clone, 'commit', '-q', '-m', 'human deletes');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');

    const seen = await target.session(clusterFor(remote), change('reconcile', 1), async (session) => {
      const before = await session.get({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        namespace: 'ns1',
        name: 'foo',
      });
      await session.apply(serviceEntry('ns1', 'foo'));
      return before;
    });
    expect(seen).toBeUndefined();
    expect(objectCommitFiles(remote, 'main')).toEqual(['A edge/cluster01/serviceentry-ns1-foo.yaml']);
    expect(git(remote, 'log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'meshbridge: reconcile projects/p/composite-apps/ca/v1/deployment-intent-groups/dig revision 1 (edge/cluster01)',
      'human deletes',
      'human: README.md',
      'meshbridge: instantiate projects/p/composite-apps/ca/v1/deployment-intent-groups/dig revision 1 (edge/cluster01)',
    ]);
  });

  it('rebases and pushes again when the remote moved during the session', async () => {
    const remote = await bareRepository(dirs);
    await humanPush(remote, 'README.md', '# fleet\n');
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await target.session(clusterFor(remote), change(), async (session) => {
      await session.apply(serviceEntry('ns1', 'foo'));
      await humanPush(remote, 'other/notes.md', 'pushed meanwhile\n');
    });

    expect(git(remote, 'log', '--format=%s', 'main').trim().split('\n')).toHaveLength(3);
    expect(commitMessageOf(remote, 'main')).toMatch(/^meshbridge: instantiate /);
    expect(objectTreeFiles(remote, 'main')).toEqual([
      'README.md',
      'edge/cluster01/kustomization.yaml',
      'edge/cluster01/serviceentry-ns1-foo.yaml',
      'other/notes.md',
    ]);
  });

  it('creates the branch in an empty remote while another branch races it, by rebasing', async () => {
    const remote = await bareRepository(dirs);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await target.session(clusterFor(remote), change(), async (session) => {
      await session.apply(serviceEntry('ns1', 'foo'));
      await humanPush(remote, 'README.md', 'first\n');
    });
    expect(objectTreeFiles(remote, 'main')).toEqual([
      'README.md',
      'edge/cluster01/kustomization.yaml',
      'edge/cluster01/serviceentry-ns1-foo.yaml',
    ]);
  });

  it('fails with a retryable git-error when the rebase conflicts, and recovers in the next session', async () => {
    const remote = await bareRepository(dirs);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await target.session(clusterFor(remote), change(), applyAll(serviceEntry('ns1', 'foo')));
    const error = await failure(
      target.session(clusterFor(remote), change('update', 2), async (session) => {
        await session.apply(serviceEntry('ns1', 'foo', 'mine.example.com'));
        await humanPush(remote, 'edge/cluster01/serviceentry-ns1-foo.yaml', 'hand: written\n');
      }),
    );
    expect(error).toMatchObject({ reason: 'git-error', retryable: true });
    expect(error.message).toMatch(/rebasing onto it failed/);

    await target.session(clusterFor(remote), change('update', 2), async (session) => {
      const seen = await session.get({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        namespace: 'ns1',
        name: 'foo',
      });
      expect(seen).toBeUndefined();
    });
    const notOwned = await failure(
      target.session(clusterFor(remote), change('update', 2), applyAll(serviceEntry('ns1', 'foo'))),
    );
    expect(notOwned.reason).toBe('not-owned');
  });

  it('works with a file:// URL and a branch of its own beside main', async () => {
    const remote = await bareRepository(dirs);
    await humanPush(remote, 'README.md', '# fleet\n');
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    const url = pathToFileURL(remote).href;
    await target.session(
      clusterFor(url, 'cluster01', { branch: 'deploy/prod' }),
      change(),
      applyAll(serviceEntry('a', 'b')),
    );

    expect(objectTreeFiles(remote, 'main')).toEqual(['README.md']);
    expect(objectTreeFiles(remote, 'deploy/prod')).toEqual([
      'edge/cluster01/kustomization.yaml',
      'edge/cluster01/serviceentry-a-b.yaml',
    ]);
  });

  it('does not leak credentials of a URL in its errors', async () => {
    const allow = parseGitOpsAllowList(['https://127.0.0.1:9/']).list;
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow });
    const error = await failure(
      target.session(clusterFor('https://deployer:s3cr3t-t0ken@127.0.0.1:9/fleet.git'), change(), async () => 1),
    );
    expect(error).toMatchObject({ reason: 'git-error', retryable: true });
    expect(error.message).toContain('https://127.0.0.1:9/fleet.git');
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('deployer');
  });
});

describe('GitOps target concurrency', () => {
  it('serializes sessions of two clusters on one remote; both commits land intact', async () => {
    const remote = await bareRepository(dirs);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    const events: string[] = [];
    const run = (name: string) =>
      target.session(clusterFor(remote, name), change(), async (session) => {
        events.push(`${name} start`);
        for (let index = 0; index < 5; index++) {
          await session.apply(serviceEntry('ns1', `${name}-svc${index}`));
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        events.push(`${name} end`);
      });
    await Promise.all([run('cluster01'), run('cluster02')]);

    const [first, second] = events[0] === 'cluster01 start' ? ['cluster01', 'cluster02'] : ['cluster02', 'cluster01'];
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
    expect(commitCount(remote)).toBe(2);
    const files = objectTreeFiles(remote, 'main');
    expect(files.filter((file) => file.startsWith('edge/cluster01/'))).toHaveLength(6);
    expect(files.filter((file) => file.startsWith('edge/cluster02/'))).toHaveLength(6);
    for (const name of ['cluster01', 'cluster02']) {
      const clone = await humanClone(remote);
      const kustomization = parse(await readFileIn(clone, `edge/${name}/kustomization.yaml`)) as {
        resources: string[];
      };
      expect(kustomization.resources).toEqual([
        'namespace-cluster-ns1.yaml',
        ...[0, 1, 2, 3, 4].map((index) => `serviceentry-ns1-${name}-svc${index}.yaml`),
      ]);
    }
  });

  it('serializes sessions of two clusters on one local work tree', async () => {
    const repo = await workTree(dirs);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await Promise.all(
      ['cluster01', 'cluster02', 'cluster03'].map((name) =>
        target.session(clusterFor(repo, name), change(), applyAll(serviceEntry('ns1', 'a'), serviceEntry('ns1', 'b'))),
      ),
    );
    expect(commitCount(repo)).toBe(3);
    for (const commit of ['HEAD', 'HEAD~1', 'HEAD~2']) expect(objectCommitFiles(repo, commit)).toHaveLength(3);
    expect(objectTreeFiles(repo)).toHaveLength(9);
    expect(status(repo)).toBe('');
  });

  it('runs sessions on different repositories side by side', async () => {
    const [first, second] = [await workTree(dirs), await bareRepository(dirs)];
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    let secondStarted!: () => void;
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('sessions did not overlap')), 10_000));
    await Promise.race([
      Promise.all([
        target.session(clusterFor(first), change(), async (session) => {
          await started;
          await session.apply(serviceEntry('ns1', 'a'));
        }),
        target.session(clusterFor(second), change(), async (session) => {
          secondStarted();
          await session.apply(serviceEntry('ns1', 'b'));
        }),
      ]),
      timeout,
    ]);
    expect(commitCount(first)).toBe(1);
    expect(commitCount(second)).toBe(1);
  });
});

it('keeps one clone per repository and branch under the work folder', async () => {
  const remote = await bareRepository(dirs);
  const workDir = await dirs.make();
  const target = createGitOpsTarget({ workDir, allow: ALLOW_TEMP });
  await target.session(clusterFor(remote), change(), applyAll(serviceEntry('a', 'b')));
  await target.session(clusterFor(remote, 'cluster02'), change(), applyAll(serviceEntry('a', 'b')));
  await target.session(
    clusterFor(remote, 'cluster01', { branch: 'other' }),
    change(),
    applyAll(serviceEntry('a', 'b')),
  );
  const clones = await readdir(workDir);
  expect(clones).toHaveLength(2);
  for (const clone of clones) expect(status(join(workDir, clone))).toBe('');
});
