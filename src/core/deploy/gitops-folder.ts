/** Where a GitOps cluster's files are in its repository: `<path>/<provider>/<cluster>`. */

/** `spec.deploy.gitops.path`'s folders, without empty or `.` parts (settings are checked on write). */
export function pathSegments(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}

/** The cluster's folder, relative to the repository's root, POSIX-style. */
export function clusterFolder(path: string, provider: string, cluster: string): string {
  return [...pathSegments(path), provider, cluster].join('/');
}
