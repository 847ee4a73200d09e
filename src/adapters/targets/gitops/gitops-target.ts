/**
 * The GitOps deploy target: a cluster's objects become YAML files in a git repository, one
 * folder per cluster with a `kustomization.yaml`, for Argo CD or Flux to deliver. Only
 * repositories the operator allows (`--gitops-allow`) are used, each through meshbridge's own
 * clone; each session ends in at most one commit, pushed; sessions on one
 * repository take turns, sessions on different repositories run side by side.
 */
import type { GitOpsAllowList } from '../../../core/model/gitops-allow.js';
import type {
  ChangeContext,
  ClusterSession,
  DeployTarget,
  KindRef,
  LiveObject,
  TargetCluster,
} from '../../../service/deploy/target.js';
import { ClusterFolder } from './cluster-folder.js';
import { FolderSession } from './cluster-session.js';
import { CloneWorkspace } from './clone-workspace.js';
import { commitMessage, type Repair } from './commit-message.js';
import { KUSTOMIZATION_FILES } from './file-names.js';
import { gitStep } from './git-errors.js';
import { DEFAULT_AUTHOR, type GitAuthor } from './git.js';
import { KeyedLock } from './keyed-lock.js';
import { updateKustomization } from './kustomization.js';
import { syncNamespaces } from './namespaces.js';
import { locateRepository, type RepositoryLocation } from './repository-location.js';
import { readSettings } from './settings.js';
import type { StagedChanges, Workspace } from './workspace.js';

export interface GitOpsTargetOptions {
  /** Where clones of remote repositories live. */
  workDir: string;
  /** Who commits; `meshbridge <meshbridge@localhost>` by default. */
  author?: GitAuthor;
  /** The operator's allow-list, checked again at every session: a cluster stored before it narrowed is refused. */
  allow: GitOpsAllowList;
}

async function openWorkspace(location: RepositoryLocation, branch: string, author: GitAuthor): Promise<Workspace> {
  const workspace = await CloneWorkspace.open(location, branch, author);
  await workspace.prepare();
  return workspace;
}

/**
 * Declares the namespaces meshbridge's objects need and lists meshbridge's files in the folder's
 * kustomization (with `resources: []` once there are none, so that Argo CD and Flux prune).
 */
async function syncKustomization(folder: ClusterFolder): Promise<void> {
  await syncNamespaces(folder);
  const file = KUSTOMIZATION_FILES.find((name) => folder.has(name)) ?? KUSTOMIZATION_FILES[0];
  const ours = folder.manifestFiles().filter((name) => folder.manifest(name)?.ours);
  const next = updateKustomization({
    current: folder.text(file),
    ours,
    isOurs: (entry) => folder.isMeshbridgeFile(entry),
  });
  if (next !== undefined) await folder.write(file, next, false);
}

/** Names relative to the cluster's folder, for the commit message. */
function inFolder(folder: ClusterFolder, changes: StagedChanges): StagedChanges {
  const prefix = `${folder.folder}/`;
  const strip = (paths: string[]) => paths.map((path) => (path.startsWith(prefix) ? path.slice(prefix.length) : path));
  return { created: strip(changes.created), changed: strip(changes.changed), deleted: strip(changes.deleted) };
}

/** The files the session wrote back over someone's edit, each with the commit that had made it. */
async function repairsOf(workspace: Workspace, folder: ClusterFolder, session: FolderSession): Promise<Repair[]> {
  const repairs: Repair[] = [];
  for (const [file, drift] of session.repaired) {
    const by = await workspace.lastCommit(folder.repoPath(file)).catch(() => undefined);
    repairs.push({ file, drift, ...(by === undefined ? {} : { by }) });
  }
  return repairs;
}

async function commitSession(
  workspace: Workspace,
  folder: ClusterFolder,
  message: (changes: StagedChanges) => string,
): Promise<void> {
  const { created, changed, deleted } = folder.changes();
  const paths = [...created, ...changed, ...deleted].map((file) => folder.repoPath(file));
  if (paths.length === 0) return;
  try {
    const committed = await workspace.commit(paths, (changes) => message(inFolder(folder, changes)));
    if (committed) await workspace.publish();
  } catch (error) {
    await workspace.unstage(paths).catch(() => undefined);
    await folder.restore().catch(() => undefined);
    throw error;
  }
}

export function createGitOpsTarget(options: GitOpsTargetOptions): DeployTarget {
  const lock = new KeyedLock();
  const author = options.author ?? DEFAULT_AUTHOR;

  /** `work` in the cluster's repository, prepared at its branch, one at a time per repository. */
  async function inWorkspace<T>(
    cluster: TargetCluster,
    work: (
      workspace: Awaited<ReturnType<typeof openWorkspace>>,
      settings: ReturnType<typeof readSettings>,
    ) => Promise<T>,
  ): Promise<T> {
    const settings = readSettings(cluster);
    const location = await locateRepository(
      cluster.key,
      settings.repository,
      settings.branch,
      options.workDir,
      options.allow,
    );
    return lock.run(location.key, async () => {
      const workspace = await gitStep('preparing the repository', () =>
        openWorkspace(location, settings.branch, author),
      );
      return work(workspace, settings);
    });
  }

  async function run<T>(
    cluster: TargetCluster,
    context: ChangeContext,
    work: (session: ClusterSession) => Promise<T>,
  ): Promise<T> {
    return inWorkspace(cluster, async (workspace, settings) => {
      const folder = await ClusterFolder.load(workspace.root, settings.folder);
      const session = new FolderSession(folder);
      let result: T;
      try {
        result = await work(session);
        await session.close();
        if (session.mutated) await syncKustomization(folder);
      } catch (error) {
        await session.close();
        // The caller needs to hear why `work` failed more than that putting the files back did too.
        await folder.restore().catch(() => undefined);
        throw error;
      }
      const repairs = await repairsOf(workspace, folder, session);
      await commitSession(workspace, folder, (changes) => commitMessage(context, cluster, changes, repairs));
      return result;
    });
  }

  /** The folder as the branch has it now, listed like a session would; nothing is written or committed. */
  async function read(cluster: TargetCluster, kinds: readonly KindRef[], labels: Record<string, string>) {
    return inWorkspace(cluster, async (workspace, settings): Promise<LiveObject[]> => {
      const session = new FolderSession(await ClusterFolder.load(workspace.root, settings.folder));
      const objects = await session.list(kinds, labels);
      await session.close();
      return objects;
    });
  }

  // A failed session commits nothing (atomic), and only meshbridge writes its files (exactMatch).
  return { name: 'gitops', atomic: true, exactMatch: true, session: run, read };
}
