/**
 * Where a cluster's repository is. A local directory holding a non-bare work tree is worked in
 * directly; anything else (a bare repository's path, a `file://` URL, any URL git understands)
 * is a remote, cloned under the target's work folder.
 */
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TargetError } from '../../../service/deploy/target.js';
import { redactCredentials } from './git-errors.js';
import { gitIn } from './git.js';

export type RepositoryLocation =
  /** A work tree on this machine: meshbridge commits in it, pushes nothing. */
  | { mode: 'work-tree'; root: string; key: string }
  /** A remote: meshbridge keeps a clone in `clone`, fetches before and pushes after. */
  | { mode: 'clone'; url: string; clone: string; key: string };

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `git@host:owner/repo.git`, git's scp-like syntax (a `:` before any `/`). */
const SCP_LIKE = /^[^/\\:]+:(?!\\)/;

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function notConfigured(repository: string, problem: string): TargetError {
  return new TargetError(`repository ${redactCredentials(repository)} ${problem}`, 'not-configured', false);
}

function cloneOf(url: string, key: string, branch: string, workDir: string): RepositoryLocation {
  const hash = createHash('sha256').update(`${key}\n${branch}`).digest('hex').slice(0, 24);
  return { mode: 'clone', url, clone: join(resolve(workDir), hash), key };
}

/** A bare repository's own directory (not a folder inside a work tree, which git would also accept). */
async function isBareRepository(path: string): Promise<boolean> {
  try {
    const git = gitIn(path);
    const bare = (await git.raw(['rev-parse', '--is-bare-repository'])).trim() === 'true';
    const gitDir = (await git.raw(['rev-parse', '--absolute-git-dir'])).trim();
    return bare && (await realpath(gitDir)) === path;
  } catch {
    return false;
  }
}

async function localRepository(repository: string, branch: string, workDir: string): Promise<RepositoryLocation> {
  const path = resolve(repository);
  if (!(await isDirectory(path))) throw notConfigured(repository, 'is neither a URL nor an existing directory');
  const real = await realpath(path);
  if (await exists(join(real, '.git'))) return { mode: 'work-tree', root: real, key: real };
  if (await isBareRepository(real)) return cloneOf(real, real, branch, workDir);
  throw notConfigured(repository, 'is a directory but neither a git work tree (no .git in it) nor a bare repository');
}

export async function locateRepository(
  repository: string,
  branch: string,
  workDir: string,
): Promise<RepositoryLocation> {
  if (/^file:\/\//i.test(repository)) {
    const path = fileURLToPath(repository);
    const key = await realpath(path).catch(() => path);
    return cloneOf(repository, key, branch, workDir);
  }
  if (URL_LIKE.test(repository)) return cloneOf(repository, redactCredentials(repository), branch, workDir);
  if (!isAbsolute(repository) && SCP_LIKE.test(repository) && !(await exists(repository))) {
    return cloneOf(repository, repository, branch, workDir);
  }
  return localRepository(repository, branch, workDir);
}
