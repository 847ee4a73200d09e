/**
 * Where a cluster's repository is, once the operator's allow-list has let it through. Every
 * repository is a remote: meshbridge keeps its own clone of it under the target's work folder,
 * fetches before and pushes after, and never commits in a work tree it did not clone. A local
 * repository (a path or `file://`) is used by its real path, and only when no folder below the
 * allowed root that holds it is a symbolic link: a link could lead git anywhere on the host.
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  allowedRepository,
  isWithin,
  NOT_ALLOWED,
  type GitOpsAllowList,
  type RepositoryAddress,
} from '../../../core/model/gitops-allow.js';
import { TargetError } from '../../../service/deploy/target.js';
import { redactCredentials } from './git-errors.js';

export interface RepositoryLocation {
  /** What git fetches from and pushes to. */
  url: string;
  /** meshbridge's clone. */
  clone: string;
  /** Sessions with the same key take turns. */
  key: string;
  /** A repository on this machine: git's receive-pack runs here, so it must run without hooks. */
  local: boolean;
}

/** The same words whatever the reason (outside the list, missing, a link on the way): nothing about the host leaks. */
export function notAllowed(cluster: string): TargetError {
  return new TargetError(`cluster ${cluster}: spec.deploy.gitops.repository ${NOT_ALLOWED}`, 'not-configured', false);
}

function cloneOf(url: string, key: string, branch: string, workDir: string, local: boolean): RepositoryLocation {
  const hash = createHash('sha256').update(`${key}\n${branch}`).digest('hex').slice(0, 24);
  return { url, clone: join(resolve(workDir), hash), key, local };
}

function pathOf(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/** The real path of a local repository whose folders below some allowed root are all real folders. */
async function realLocalPath(address: RepositoryAddress, allow: GitOpsAllowList): Promise<string | undefined> {
  const real = await realpath(pathOf(address.segments)).catch(() => undefined);
  if (real === undefined) return undefined;
  for (const root of allow.prefixes.filter((prefix) => isWithin(prefix, address))) {
    const realRoot = await realpath(pathOf(root.segments)).catch(() => undefined);
    if (realRoot !== undefined && real === join(realRoot, ...address.segments.slice(root.segments.length))) return real;
  }
  return undefined;
}

export async function locateRepository(
  cluster: string,
  repository: string,
  branch: string,
  workDir: string,
  allow: GitOpsAllowList,
): Promise<RepositoryLocation> {
  const address = allowedRepository(allow, repository);
  if (!address) throw notAllowed(cluster);
  if (address.scheme !== 'file') return cloneOf(repository, redactCredentials(repository), branch, workDir, false);
  const real = await realLocalPath(address, allow);
  if (real === undefined) throw notAllowed(cluster);
  return cloneOf(real, real, branch, workDir, true);
}
