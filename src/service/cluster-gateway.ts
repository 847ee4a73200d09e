import { clusterKind } from '../core/model/infrastructure.js';
import { resolveGateway, type ResolvedGateway } from '../core/model/gateway.js';
import type { PathParams } from '../core/model/kind.js';
import { getOrThrow } from './resource-service.js';
import type { Store } from './store.js';

/** The gateway a cluster's callers dial, from its spec or its EMCO kv-pairs. */
export async function clusterGateway(store: Store, params: PathParams): Promise<ResolvedGateway> {
  const cluster = await getOrThrow(store, clusterKind, params);
  const kvPairs = await store.listChildren(cluster.key, 'clusterKvPair');
  return resolveGateway(
    cluster.body,
    kvPairs.map((pair) => ({ name: pair.name, body: pair.body })),
  );
}
