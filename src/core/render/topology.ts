/**
 * Where everything runs: which clusters each app is placed in, in which namespace
 * (its group's logical cloud), under which service account. Built once per render
 * in one pass over the snapshot.
 */
import { appendTo } from '../validation/values.js';
import type { PlacementEntry } from '../model/apps.js';
import { specOf } from '../model/kind.js';
import { childKey, clusterKey, logicalCloudKey } from '../model/keys.js';
import { kindOf, paramsFromKey } from '../model/registry.js';
import { cloudNamespace } from '../model/tenancy.js';
import type { Diagnostic } from './diagnostics.js';
import type { ClusterFacts, Snapshot } from './snapshot.js';

export interface GroupInfo {
  key: string;
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  /** Key of the composite app version the group belongs to. */
  versionKey: string;
  name: string;
  logicalCloud: string;
  namespace: string | undefined;
  /** Clusters the logical cloud spans (its cluster references). */
  clusters: Set<string>;
}

export interface Placement {
  cluster: ClusterFacts;
  namespace: string;
  logicalCloud: string;
  group: GroupInfo;
  app: string;
  serviceAccount: string;
}

export interface Topology {
  clusters: Map<string, ClusterFacts>;
  groups: Map<string, GroupInfo>;
  /** Placements of an app by one group. */
  inGroup(groupKey: string, app: string): Placement[];
  /** Placements of an app by any group of a project (a client may live in another logical cloud). */
  inProject(project: string, app: string): Placement[];
  diagnostics: Diagnostic[];
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

function groupsOf(snapshot: Snapshot): Map<string, GroupInfo> {
  const namespaces = new Map(snapshot.logicalClouds.map((cloud) => [cloud.key, cloudNamespace(cloud.body)]));
  const references = new Map<string, Set<string>>();
  for (const reference of snapshot.clusterReferences) {
    const cloud = reference.key.slice(0, reference.key.lastIndexOf('/cluster-references/'));
    const spec = specOf(reference.body) as { clusterProvider: string; cluster: string };
    const set = references.get(cloud) ?? new Set<string>();
    set.add(clusterKey(spec.clusterProvider, spec.cluster));
    references.set(cloud, set);
  }
  const groups = new Map<string, GroupInfo>();
  for (const group of snapshot.deploymentIntentGroups) {
    const params = paramsFromKey(kindOf('deploymentIntentGroup'), group.key);
    const logicalCloud = String(specOf(group.body).logicalCloud);
    const cloudKey = logicalCloudKey(params.project as string, logicalCloud);
    groups.set(group.key, {
      key: group.key,
      project: params.project as string,
      compositeApp: params.compositeApp as string,
      compositeAppVersion: params.compositeAppVersion as string,
      versionKey: group.key.slice(0, group.key.lastIndexOf('/deployment-intent-groups/')),
      name: params.deploymentIntentGroup as string,
      logicalCloud,
      namespace: namespaces.get(cloudKey),
      clusters: references.get(cloudKey) ?? new Set(),
    });
  }
  return groups;
}

function clustersByLabel(clusters: readonly ClusterFacts[]): Map<string, ClusterFacts[]> {
  const byLabel = new Map<string, ClusterFacts[]>();
  for (const cluster of clusters) {
    for (const label of cluster.labels) {
      const key = pairKey(cluster.provider, label);
      appendTo(byLabel, key, cluster);
    }
  }
  return byLabel;
}

interface Resolver {
  clusters: Map<string, ClusterFacts>;
  byLabel: Map<string, ClusterFacts[]>;
}

function resolveEntry(entry: PlacementEntry, resolver: Resolver): ClusterFacts[] {
  if (entry.anyOf) {
    const options = entry.anyOf.map((inner) => resolveEntry(inner, resolver)).filter((found) => found.length > 0);
    return options[0]?.slice(0, 1) ?? [];
  }
  if (entry.clusterProvider && entry.cluster) {
    const found = resolver.clusters.get(clusterKey(entry.clusterProvider, entry.cluster));
    return found ? [found] : [];
  }
  if (entry.clusterProvider && entry.clusterLabel)
    return resolver.byLabel.get(pairKey(entry.clusterProvider, entry.clusterLabel)) ?? [];
  return [];
}

/** allOf: every entry's clusters; anyOf: the first entry that names an existing cluster. */
function placedClusters(
  intent: { allOf?: PlacementEntry[]; anyOf?: PlacementEntry[] },
  resolver: Resolver,
): ClusterFacts[] {
  const chosen = (intent.allOf ?? []).flatMap((entry) => resolveEntry(entry, resolver));
  const anyOf = (intent.anyOf ?? []).map((entry) => resolveEntry(entry, resolver)).find((found) => found.length > 0);
  return [...chosen, ...(anyOf?.slice(0, 1) ?? [])];
}

export function buildTopology(snapshot: Snapshot): Topology {
  const clusters = new Map(snapshot.clusters.map((cluster) => [cluster.key, cluster]));
  const resolver: Resolver = { clusters, byLabel: clustersByLabel(snapshot.clusters) };
  const groups = groupsOf(snapshot);
  const serviceAccounts = new Map(
    snapshot.apps.map((app) => [app.key, String(specOf(app.body).serviceAccount ?? app.key.split('/').pop())]),
  );
  const diagnostics: Diagnostic[] = [];
  const byGroup = new Map<string, Placement[]>();
  const byProject = new Map<string, Placement[]>();

  for (const appIntent of snapshot.appIntents) {
    const spec = specOf(appIntent.body) as {
      app: string;
      intent: { allOf?: PlacementEntry[]; anyOf?: PlacementEntry[] };
    };
    const groupKey = appIntent.key.slice(0, appIntent.key.lastIndexOf('/generic-placement-intents/'));
    const group = groups.get(groupKey);
    if (!group || group.namespace === undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'LogicalCloudMissing',
        message: `the group's logical cloud ${group?.logicalCloud ?? '?'} does not exist; ${spec.app} is placed nowhere`,
        resource: appIntent.key,
      });
      continue;
    }
    const placed = placedClusters(spec.intent, resolver);
    if (placed.length === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'PlacementEmpty',
        message: `no existing cluster matches the placement of ${spec.app}`,
        resource: appIntent.key,
      });
    }
    const serviceAccount = serviceAccounts.get(childKey(group.versionKey, 'apps', spec.app)) ?? spec.app;
    for (const cluster of placed) {
      if (!group.clusters.has(cluster.key)) {
        diagnostics.push({
          severity: 'error',
          code: 'ClusterNotInLogicalCloud',
          message: `logical cloud ${group.logicalCloud} has no cluster reference for ${cluster.provider}/${cluster.name}, so ${spec.app} cannot run there; nothing is rendered for it in that cluster`,
          resource: appIntent.key,
          cluster: `${cluster.provider}/${cluster.name}`,
        });
        continue;
      }
      const placement: Placement = {
        cluster,
        namespace: group.namespace,
        logicalCloud: group.logicalCloud,
        group,
        app: spec.app,
        serviceAccount,
      };
      const inGroup = pairKey(group.key, spec.app);
      if (!(byGroup.get(inGroup) ?? []).some((existing) => existing.cluster.key === cluster.key)) {
        appendTo(byGroup, inGroup, placement);
        const inProject = pairKey(group.project, spec.app);
        appendTo(byProject, inProject, placement);
      }
    }
  }
  // Sorted once here, so lookups while rendering cost nothing more.
  const byPlace = (a: Placement, b: Placement) => (a.cluster.key + a.namespace < b.cluster.key + b.namespace ? -1 : 1);
  for (const placements of [...byGroup.values(), ...byProject.values()]) placements.sort(byPlace);
  const none: Placement[] = [];
  return {
    clusters,
    groups,
    inGroup: (groupKey, app) => byGroup.get(pairKey(groupKey, app)) ?? none,
    inProject: (project, app) => byProject.get(pairKey(project, app)) ?? none,
    diagnostics,
  };
}
