/** Reads the whole model from the store as the renderer's snapshot. */
import { appendTo } from '../core/validation/values.js';
import { resolveGateway } from '../core/model/gateway.js';
import type { KindName } from '../core/model/kind.js';
import { kindOf, paramsFromKey } from '../core/model/registry.js';
import type { ClusterFacts, Snapshot, SnapshotRecord } from '../core/render/snapshot.js';
import type { StoredResource, StoreReader } from './store.js';

function records(resources: StoredResource[]): SnapshotRecord[] {
  return resources.map((resource) => ({ key: resource.key, body: resource.body }));
}

function byParent(resources: StoredResource[]): Map<string, StoredResource[]> {
  const grouped = new Map<string, StoredResource[]>();
  for (const resource of resources) {
    const parent = resource.parentKey ?? '';
    appendTo(grouped, parent, resource);
  }
  return grouped;
}

export async function readSnapshot(reader: StoreReader): Promise<Snapshot> {
  const list = (kind: KindName) => reader.listByKind(kind);
  const [
    clusters,
    labels,
    kvPairs,
    logicalClouds,
    clusterReferences,
    apps,
    groups,
    appIntents,
    inbound,
    clients,
    accessPoints,
    routing,
  ] = await Promise.all(
    (
      [
        'cluster',
        'clusterLabel',
        'clusterKvPair',
        'logicalCloud',
        'clusterReference',
        'app',
        'deploymentIntentGroup',
        'appIntent',
        'inboundIntent',
        'inboundClient',
        'accessPoint',
        'routingIntent',
      ] as const
    ).map(list),
  );
  const labelsOf = byParent(labels ?? []);
  const kvOf = byParent(kvPairs ?? []);
  const facts: ClusterFacts[] = (clusters ?? []).map((cluster) => {
    const params = paramsFromKey(kindOf('cluster'), cluster.key);
    return {
      key: cluster.key,
      provider: params.clusterProvider as string,
      name: params.cluster as string,
      labels: (labelsOf.get(cluster.key) ?? []).map((label) => String(label.body.clusterLabel)).sort(),
      body: cluster.body,
      gateway: resolveGateway(
        cluster.body,
        (kvOf.get(cluster.key) ?? []).map((pair) => ({ name: pair.name, body: pair.body })),
      ),
    };
  });
  return {
    clusters: facts,
    logicalClouds: records(logicalClouds ?? []),
    clusterReferences: records(clusterReferences ?? []),
    apps: records(apps ?? []),
    deploymentIntentGroups: records(groups ?? []),
    appIntents: records(appIntents ?? []),
    inboundIntents: records(inbound ?? []),
    clients: records(clients ?? []),
    accessPoints: records(accessPoints ?? []),
    routingIntents: records(routing ?? []),
  };
}
