/**
 * What a cluster's repository setting can no longer make meshbridge do: use a repository the
 * operator has not allowed (even one stored before the list narrowed), follow a link out of an
 * allowed root, or run a repository's hooks.
 */
import { chmodSync, existsSync, symlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_ALLOWED, parseGitOpsAllowList } from '../../../core/model/gitops-allow.js';
import { TargetError } from '../../../service/deploy/target.js';
import { createGitOpsTarget } from './index.js';
import {
  ALLOW_TEMP,
  applyAll,
  bareRepository,
  change,
  clusterFor,
  commitCount,
  git,
  serviceEntry,
  TempDirs,
  treeFiles,
  workTree,
  writeFileIn,
} from './test-support/git-fixtures.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

async function failure(promise: Promise<unknown>): Promise<TargetError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TargetError);
  return error as TargetError;
}

const HOOKS = ['pre-receive', 'update', 'post-receive', 'post-update', 'push-to-checkout', 'reference-transaction'];

async function plantHooks(hooksDir: string, marker: string): Promise<void> {
  for (const hook of HOOKS) {
    await writeFileIn(hooksDir, hook, `#!/bin/sh\necho ${hook} >> '${marker}'\nexit 1\n`);
    chmodSync(join(hooksDir, hook), 0o755);
  }
}

describe('GitOps repositories the operator has not allowed', () => {
  it('are refused at deploy, a stored one too, with the same words whether the folder exists or not', async () => {
    const allowedRoot = await dirs.make();
    const target = createGitOpsTarget({
      workDir: await dirs.make(),
      allow: parseGitOpsAllowList([allowedRoot]).list,
    });
    // Stored while the list was wider: a repository that exists, outside the allowed root.
    const existing = await bareRepository(dirs);
    const missing = join(existing, 'no-such-repository.git');
    const errors = [
      await failure(target.session(clusterFor(existing), change(), applyAll(serviceEntry('a', 'b')))),
      await failure(target.session(clusterFor(missing), change(), applyAll(serviceEntry('a', 'b')))),
    ];
    for (const error of errors) {
      expect(error).toMatchObject({ reason: 'not-configured', retryable: false });
      expect(error.message).toBe(
        `cluster cluster-providers/edge/clusters/cluster01: spec.deploy.gitops.repository ${NOT_ALLOWED}`,
      );
    }
    expect(commitCount(existing)).toBe(0);
  });

  it('refuses a repository reached through a link inside an allowed root, without touching it', async () => {
    const allowedRoot = await dirs.make();
    const outside = await bareRepository(dirs);
    symlinkSync(outside, join(allowedRoot, 'fleet.git'));
    const workDir = await dirs.make();
    const target = createGitOpsTarget({ workDir, allow: parseGitOpsAllowList([allowedRoot]).list });

    const error = await failure(
      target.session(clusterFor(join(allowedRoot, 'fleet.git')), change(), applyAll(serviceEntry('a', 'b'))),
    );
    expect(error.message).toContain(NOT_ALLOWED);
    expect(commitCount(outside)).toBe(0);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('follows the allowed root itself when it is a link (the operator chose it)', async () => {
    const real = await dirs.make();
    const repository = await bareRepository(dirs);
    const linkedRoot = join(await dirs.make(), 'root');
    symlinkSync(join(repository, '..'), linkedRoot);
    const name = repository.split('/').pop() as string;
    const target = createGitOpsTarget({ workDir: real, allow: parseGitOpsAllowList([linkedRoot]).list });
    await target.session(clusterFor(join(linkedRoot, name)), change(), applyAll(serviceEntry('a', 'b')));
    expect(commitCount(repository)).toBe(1);
  });
});

describe('hooks', () => {
  it('of a bare repository do not run when meshbridge pushes to it, and the push lands', async () => {
    const remote = await bareRepository(dirs);
    const marker = join(await dirs.make(), 'ran');
    await plantHooks(join(remote, 'hooks'), marker);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });

    await target.session(clusterFor(remote), change(), applyAll(serviceEntry('ns1', 'foo')));
    await target.session(clusterFor(`file://${remote}`), change('update', 2), applyAll(serviceEntry('ns1', 'bar')));
    expect(existsSync(marker)).toBe(false);
    expect(commitCount(remote)).toBe(2);
  });

  it('of a checkout do not run, nor do those of meshbridge’s own clone', async () => {
    const repo = await workTree(dirs);
    const marker = join(await dirs.make(), 'ran');
    await plantHooks(join(repo, '.git', 'hooks'), marker);
    const workDir = await dirs.make();
    const target = createGitOpsTarget({ workDir, allow: ALLOW_TEMP });
    await target.session(clusterFor(repo), change(), applyAll(serviceEntry('ns1', 'foo')));
    const [clone] = await readdir(workDir);
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit', 'pre-push', 'post-checkout'])
      await writeFileIn(
        join(workDir, clone as string, '.git', 'hooks'),
        hook,
        `#!/bin/sh\necho ${hook} >> '${marker}'\nexit 1\n`,
      );
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit', 'pre-push', 'post-checkout'])
      chmodSync(join(workDir, clone as string, '.git', 'hooks', hook), 0o755);

    await target.session(clusterFor(repo), change('update', 2), applyAll(serviceEntry('ns1', 'bar')));
    expect(existsSync(marker)).toBe(false);
    expect(commitCount(repo)).toBe(2);
    expect(treeFiles(repo)).toContain('edge/cluster01/serviceentry-ns1-bar.yaml');
    expect(git(repo, 'status', '--porcelain').trim()).toBe('');
  });
});
