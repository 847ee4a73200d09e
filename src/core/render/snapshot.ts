/**
 * What the renderer reads: the model as stored, at one moment. The service builds
 * it from the store; tests build it from example files. Nothing in it is resolved
 * yet: that is `topology.ts`'s work.
 */
import type { ResolvedGateway } from '../model/gateway.js';
import type { ResourceBody } from '../model/kind.js';

export interface SnapshotRecord {
  /** The storage key, which is also the resource's path below `/v2`. */
  key: string;
  body: ResourceBody;
}

export interface ClusterFacts {
  key: string;
  provider: string;
  name: string;
  labels: string[];
  body: ResourceBody;
  gateway: ResolvedGateway;
}

export interface Snapshot {
  clusters: ClusterFacts[];
  logicalClouds: SnapshotRecord[];
  clusterReferences: SnapshotRecord[];
  apps: SnapshotRecord[];
  deploymentIntentGroups: SnapshotRecord[];
  appIntents: SnapshotRecord[];
  inboundIntents: SnapshotRecord[];
  clients: SnapshotRecord[];
  accessPoints: SnapshotRecord[];
  routingIntents: SnapshotRecord[];
}

export function emptySnapshot(): Snapshot {
  return {
    clusters: [],
    logicalClouds: [],
    clusterReferences: [],
    apps: [],
    deploymentIntentGroups: [],
    appIntents: [],
    inboundIntents: [],
    clients: [],
    accessPoints: [],
    routingIntents: [],
  };
}
