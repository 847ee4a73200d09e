/** A cluster's `spec.deploy.gitops` settings, checked, and the folder its files go to. */
import { TargetError, type TargetCluster } from '../../../service/deploy/target.js';
import { pathSegments } from '../../../core/deploy/gitops-folder.js';
import { redactCredentials } from './git-errors.js';

export interface GitOpsSettings {
  /** A local work tree, a bare repository's path, a `file://` URL or any URL git can push to. */
  repository: string;
  branch: string;
  /** The cluster's folder inside the repository, POSIX-style, no leading or trailing slash. */
  folder: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function notConfigured(cluster: TargetCluster, problem: string): TargetError {
  return new TargetError(`cluster ${cluster.key}: ${redactCredentials(problem)}`, 'not-configured', false);
}

/** Path segments of `value`, refusing anything that could step outside the repository. */
function segments(cluster: TargetCluster, value: string, what: string): string[] {
  const parts = pathSegments(value);
  if (parts.some((part) => part === '..' || part === '.git')) {
    throw notConfigured(cluster, `${what} '${value}' may not contain '..' or '.git'`);
  }
  return parts;
}

/** One folder name: the provider's or the cluster's. */
function segment(cluster: TargetCluster, value: string, what: string): string {
  if (!/^[^\\/]+$/.test(value) || value === '.' || value === '..' || value === '.git') {
    throw notConfigured(cluster, `${what} '${value}' cannot name a folder`);
  }
  return value;
}

/** A branch name git accepts (the rules of `git check-ref-format --branch`). */
export function isValidBranch(name: string): boolean {
  const forbidden = [...name].some(
    (char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f || ' ~^:?*[\\'.includes(char),
  );
  return name !== '' && name !== '@' && !forbidden && !/^[-/]|[/.]$|\.lock$|\.\.|\/\/|@\{|(^|\/)\./.test(name);
}

export function readSettings(cluster: TargetCluster): GitOpsSettings {
  const gitops = record(record(cluster.spec.deploy)?.gitops);
  const repository = gitops?.repository;
  if (typeof repository !== 'string' || repository.trim() === '') {
    throw notConfigured(cluster, 'has no spec.deploy.gitops.repository');
  }
  if (repository.trim().startsWith('-')) {
    throw notConfigured(cluster, 'spec.deploy.gitops.repository may not start with "-"');
  }
  const branch = gitops?.branch ?? 'main';
  if (typeof branch !== 'string' || !isValidBranch(branch)) {
    throw notConfigured(cluster, `spec.deploy.gitops.branch '${String(branch)}' is not a valid branch name`);
  }
  const root = gitops?.path ?? '';
  if (typeof root !== 'string') throw notConfigured(cluster, 'spec.deploy.gitops.path must be a string');
  const folder = [
    ...segments(cluster, root, 'spec.deploy.gitops.path'),
    segment(cluster, cluster.provider, 'the provider name'),
    segment(cluster, cluster.name, 'the cluster name'),
  ];
  return { repository: repository.trim(), branch, folder: folder.join('/') };
}
