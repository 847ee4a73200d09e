/**
 * Storage keys are the resource's URL path below `/v2`, so a key is also its address:
 * `cluster-providers/edge/clusters/cluster01`.
 */
export function joinKey(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

export function clusterKey(provider: string, cluster: string): string {
  return joinKey('cluster-providers', provider, 'clusters', cluster);
}

export function projectKey(project: string): string {
  return joinKey('projects', project);
}

export function compositeAppKey(project: string, compositeApp: string, version: string): string {
  return `${projectKey(project)}/${joinKey('composite-apps', compositeApp, version)}`;
}

export function logicalCloudKey(project: string, logicalCloud: string): string {
  return `${projectKey(project)}/${joinKey('logical-clouds', logicalCloud)}`;
}

export function childKey(parentKey: string | null, segment: string, ...names: string[]): string {
  const tail = joinKey(segment, ...names);
  return parentKey === null ? tail : `${parentKey}/${tail}`;
}
