/** Real git repositories in temporary folders, and objects to put in them, for the GitOps target's tests. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ownerLabels, type RenderedObject } from '../../../../core/render/objects.js';
import { parseGitOpsAllowList, type GitOpsAllowList } from '../../../../core/model/gitops-allow.js';
import type { ChangeContext, ClusterSession, TargetCluster } from '../../../../service/deploy/target.js';

const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));

/** Runs git as a human would, with an identity of its own; returns stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Human', '-c', 'user.email=human@example.com', ...args], {
    cwd: dir,
    env: { ...environment, GIT_TERMINAL_PROMPT: '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Temporary folders, removed by `cleanup()` (call it in `afterEach`). */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(prefix = 'meshbridge-gitops-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Every test repository is in the system's temporary folder, and the allow-list allows just that. */
export const ALLOW_TEMP: GitOpsAllowList = parseGitOpsAllowList([tmpdir()]).list;

/**
 * A human's checkout that takes pushes to its checked-out branch (`updateInstead`): meshbridge
 * commits in its own clone and pushes, and the checkout shows the result as files.
 */
export async function workTree(dirs: TempDirs, branch = 'main'): Promise<string> {
  const dir = await dirs.make('meshbridge-worktree-');
  git(dir, 'init', '-q', '-b', branch);
  git(dir, 'config', 'receive.denyCurrentBranch', 'updateInstead');
  return dir;
}

export async function bareRepository(dirs: TempDirs): Promise<string> {
  const dir = await dirs.make('meshbridge-remote-');
  git(dir, 'init', '-q', '--bare', '-b', 'main');
  return dir;
}

export function clusterFor(
  repository: string,
  name = 'cluster01',
  settings: { branch?: string; path?: string } = {},
): TargetCluster {
  return {
    key: `cluster-providers/edge/clusters/${name}`,
    provider: 'edge',
    name,
    spec: { deploy: { target: 'gitops', gitops: { repository, ...settings } } },
  };
}

export const GROUP = 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';

export function change(action: ChangeContext['action'] = 'instantiate', revision = 1): ChangeContext {
  return { group: GROUP, revision, action };
}

export function serviceEntry(namespace: string, name: string, host = `${name}.example.com`): RenderedObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: {
      name,
      namespace,
      labels: ownerLabels({
        project: 'p',
        compositeApp: 'ca',
        compositeAppVersion: 'v1',
        deploymentIntentGroup: 'dig',
        intentKind: 'inbound',
        intent: 'in1',
      }),
    },
    spec: { hosts: [host], location: 'MESH_INTERNAL', ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] },
  };
}

export function peerAuthentication(namespace: string): RenderedObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace, labels: ownerLabels(undefined) },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

export async function writeFileIn(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text, 'utf8');
}

export async function readFileIn(root: string, path: string): Promise<string> {
  return readFile(join(root, path), 'utf8');
}

export async function filesIn(root: string, folder: string): Promise<string[]> {
  return (await readdir(join(root, folder)).catch(() => [] as string[])).sort();
}

export function commitCount(dir: string): number {
  try {
    return Number(git(dir, 'rev-list', '--count', 'HEAD').trim());
  } catch {
    return 0;
  }
}

/** The files a commit touched, with their status letter: `['A edge/cluster01/x.yaml', ...]`. */
export function commitFiles(dir: string, commit = 'HEAD'): string[] {
  return git(dir, 'show', '--no-renames', '--name-status', '--format=', commit)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/\t/, ' '));
}

export function commitMessageOf(dir: string, commit = 'HEAD'): string {
  return git(dir, 'log', '-1', '--format=%B', commit).trim();
}

/** Every file in the commit's tree. */
export function treeFiles(dir: string, commit = 'HEAD'): string[] {
  try {
    return git(dir, 'ls-tree', '-r', '--name-only', commit)
      .split('\n')
      .filter((line) => line !== '');
  } catch {
    return [];
  }
}

export function status(dir: string): string {
  return git(dir, 'status', '--porcelain', '--untracked-files=all').trim();
}

/** A session's work that applies `objects` in order. */
export const applyAll =
  (...objects: RenderedObject[]) =>
  async (session: ClusterSession): Promise<void> => {
    for (const object of objects) await session.apply(object);
  };

/** The Namespace files meshbridge writes beside the objects (namespaces.ts): `namespace-cluster-<name>.yaml`. */
export const isNamespaceFile = (path: string): boolean => /(^|\/)namespace-cluster-[^/]*\.yaml$/.test(path);

/** The folder's files but the Namespace files, for tests about something else. */
export async function objectFilesIn(root: string, folder: string): Promise<string[]> {
  return (await filesIn(root, folder)).filter((file) => !isNamespaceFile(file));
}

/** The commit's tree but the Namespace files. */
export function objectTreeFiles(dir: string, commit = 'HEAD'): string[] {
  return treeFiles(dir, commit).filter((file) => !isNamespaceFile(file));
}

/** The files a commit touched but the Namespace files. */
export function objectCommitFiles(dir: string, commit = 'HEAD'): string[] {
  return commitFiles(dir, commit).filter((file) => !isNamespaceFile(file));
}
