/**
 * One-intent changes to a generated fleet, and fast-check arbitraries of fleets:
 * what the renderer's incremental property tests and the benchmark change.
 */
import fc from 'fast-check';
import { isDnsLabel } from '../core/model/formats.js';
import { resolveGateway } from '../core/model/gateway.js';
import { specOf, type KindName } from '../core/model/kind.js';
import { childKey, logicalCloudKey } from '../core/model/keys.js';
import type { ClusterFacts, Snapshot, SnapshotRecord } from '../core/render/snapshot.js';
import {
  byKey,
  canonicalRecord,
  dnsName,
  generateFleet,
  ISTIO_VERSIONS,
  PEM_CERTIFICATE,
  Random,
  randomTrafficManagement,
  type FleetOptions,
} from './fleet.js';

export const FLEET_CHANGES = [
  'clientApp',
  'inboundPort',
  'trafficPolicy',
  'tlsMode',
  'removeClient',
  'addClient',
  'movePlacement',
  'removeInbound',
  'routeWeights',
  'clusterVersion',
  'gatewayAddress',
] as const;

export type FleetChange = (typeof FLEET_CHANGES)[number];

const lastSegment = (key: string) => decodeURIComponent(key.slice(key.lastIndexOf('/') + 1));
const projectOf = (key: string) => key.split('/')[1] as string;
const clone = <T>(value: T): T => structuredClone(value);

function replaceRecord(list: SnapshotRecord[], record: SnapshotRecord): SnapshotRecord[] {
  return list.map((existing) => (existing.key === record.key ? record : existing));
}

function appsOfProject(snapshot: Snapshot, project: string): string[] {
  return [
    ...new Set(snapshot.apps.filter((app) => projectOf(app.key) === project).map((app) => lastSegment(app.key))),
  ].sort();
}

function editSpec(
  snapshot: Snapshot,
  field: 'clients' | 'inboundIntents' | 'routingIntents' | 'appIntents',
  kind: KindName,
  pick: number,
  edit: (spec: Record<string, unknown>, record: SnapshotRecord) => void,
): Snapshot {
  const list = snapshot[field];
  if (list.length === 0) return snapshot;
  const record = list[pick % list.length] as SnapshotRecord;
  const body = clone(record.body);
  edit(body.spec as Record<string, unknown>, record);
  return { ...snapshot, [field]: replaceRecord(list, canonicalRecord(kind, record.key, body)) };
}

function editCluster(snapshot: Snapshot, pick: number, edit: (facts: ClusterFacts) => ClusterFacts): Snapshot {
  const target = snapshot.clusters[pick % snapshot.clusters.length] as ClusterFacts;
  return { ...snapshot, clusters: snapshot.clusters.map((cluster) => (cluster === target ? edit(cluster) : cluster)) };
}

function removeUnder(snapshot: Snapshot, field: 'clients' | 'inboundIntents', pick: number): Snapshot {
  const list = snapshot[field];
  if (list.length === 0) return snapshot;
  const gone = (list[pick % list.length] as SnapshotRecord).key;
  const keep = (record: SnapshotRecord) => record.key !== gone && !record.key.startsWith(`${gone}/`);
  return {
    ...snapshot,
    inboundIntents: snapshot.inboundIntents.filter(keep),
    clients: snapshot.clients.filter(keep),
    accessPoints: snapshot.accessPoints.filter(keep),
  };
}

function addClientTo(snapshot: Snapshot, pick: number): Snapshot {
  if (snapshot.inboundIntents.length === 0) return snapshot;
  const inbound = snapshot.inboundIntents[pick % snapshot.inboundIntents.length] as SnapshotRecord;
  const apps = appsOfProject(snapshot, projectOf(inbound.key));
  const app = apps[(pick >> 3) % apps.length] as string;
  let name = `added-${pick % 1000}`;
  while (snapshot.clients.some((client) => client.key === childKey(inbound.key, 'clients', name))) name += 'x';
  const record = canonicalRecord('inboundClient', childKey(inbound.key, 'clients', name), {
    metadata: { name },
    spec: isDnsLabel(app) ? { app } : { app, serviceName: dnsName(app) },
  });
  return { ...snapshot, clients: [...snapshot.clients, record].sort(byKey) };
}

function movePlacement(snapshot: Snapshot, pick: number): Snapshot {
  return editSpec(snapshot, 'appIntents', 'appIntent', pick, (spec, record) => {
    const groupKey = record.key.slice(0, record.key.lastIndexOf('/generic-placement-intents/'));
    const group = snapshot.deploymentIntentGroups.find((candidate) => candidate.key === groupKey);
    const cloud = logicalCloudKey(projectOf(record.key), String(specOf(group?.body ?? {}).logicalCloud));
    const references = snapshot.clusterReferences.filter((reference) => reference.key.startsWith(`${cloud}/`));
    const target = specOf((references[(pick >> 4) % Math.max(1, references.length)] ?? { body: {} }).body) as {
      clusterProvider?: string;
      cluster?: string;
    };
    if (target.cluster) spec.intent = { allOf: [{ clusterProvider: target.clusterProvider, cluster: target.cluster }] };
  });
}

function otherApp(snapshot: Snapshot, spec: Record<string, unknown>, record: SnapshotRecord, pick: number): void {
  const apps = appsOfProject(snapshot, projectOf(record.key)).filter((app) => app !== spec.app);
  if (apps.length === 0) return;
  const app = apps[(pick >> 2) % apps.length] as string;
  spec.app = app;
  delete spec.appLabel;
  delete spec.serviceName;
  if (!isDnsLabel(app)) spec.serviceName = dnsName(app);
  delete spec.serviceAccountAccess;
}

function changeTls(spec: Record<string, unknown>): void {
  const management = spec.management as { tlsType: string };
  management.tlsType = management.tlsType === 'SIMPLE' ? 'MUTUAL' : 'SIMPLE';
  const certificates = spec.certificates as Record<string, unknown> | undefined;
  if (certificates && management.tlsType === 'SIMPLE') spec.certificates = { caCertificate: PEM_CERTIFICATE };
}

function changeVersion(cluster: ClusterFacts): ClusterFacts {
  const body = clone(cluster.body);
  const mesh = (body.spec as { mesh: Record<string, unknown> }).mesh;
  const at = ISTIO_VERSIONS.indexOf(String(mesh.istioVersion) as (typeof ISTIO_VERSIONS)[number]);
  mesh.istioVersion = ISTIO_VERSIONS[(at + 1) % ISTIO_VERSIONS.length];
  return { ...cluster, body: canonicalRecord('cluster', cluster.key, body).body };
}

function changeGateway(cluster: ClusterFacts): ClusterFacts {
  const address = cluster.gateway.address === '192.0.2.1' ? '192.0.2.2' : '192.0.2.1';
  const mesh = (cluster.body.spec as { mesh?: { gateway?: Record<string, unknown> } } | undefined)?.mesh;
  if (!mesh?.gateway) return { ...cluster, gateway: { ...cluster.gateway, address } };
  const body = clone(cluster.body);
  ((body.spec as { mesh: { gateway: Record<string, unknown> } }).mesh.gateway as { address: string }).address = address;
  const canonical = canonicalRecord('cluster', cluster.key, body).body;
  return { ...cluster, body: canonical, gateway: resolveGateway(canonical, []) };
}

/** The snapshot with one intent (or one cluster fact) changed; `pick` chooses which. Pure. */
export function changeFleet(snapshot: Snapshot, change: FleetChange, pick: number): Snapshot {
  const p = Math.abs(Math.trunc(pick));
  switch (change) {
    case 'clientApp':
      return editSpec(snapshot, 'clients', 'inboundClient', p, (spec, record) => otherApp(snapshot, spec, record, p));
    case 'inboundPort':
      return editSpec(snapshot, 'inboundIntents', 'inboundIntent', p, (spec) => {
        spec.port = (Number(spec.port) % 60000) + 1 + (p % 7);
      });
    case 'trafficPolicy':
      return editSpec(snapshot, 'inboundIntents', 'inboundIntent', p, (spec) => {
        const tm = randomTrafficManagement(new Random(p), String(spec.protocol));
        if (tm && JSON.stringify(tm) !== JSON.stringify(spec.trafficManagement)) spec.trafficManagement = tm;
        else if (spec.trafficManagement) delete spec.trafficManagement;
        else spec.trafficManagement = { maxConnections: 7 };
      });
    case 'tlsMode':
      return editSpec(snapshot, 'inboundIntents', 'inboundIntent', p, changeTls);
    case 'removeClient':
      return removeUnder(snapshot, 'clients', p);
    case 'addClient':
      return addClientTo(snapshot, p);
    case 'movePlacement':
      return movePlacement(snapshot, p);
    case 'removeInbound':
      return removeUnder(snapshot, 'inboundIntents', p);
    case 'routeWeights':
      return editSpec(snapshot, 'routingIntents', 'routingIntent', p, (spec) => {
        const rule = (spec.http as { route: { weight: number }[] }[])[0];
        for (const [at, target] of (rule?.route ?? []).entries()) target.weight = ((p + at * 37) % 100) + 1;
      });
    case 'clusterVersion':
      return editCluster(snapshot, p, changeVersion);
    case 'gatewayAddress':
      return editCluster(snapshot, p, changeGateway);
  }
}

// ---------------------------------------------------------------------------
// fast-check

/** Small fleets: 1–6 clusters, 1–10 services, 0–20 client edges, any mix of the Istio versions. */
export const arbitraryFleetOptions: fc.Arbitrary<Required<FleetOptions>> = fc.record({
  clusters: fc.integer({ min: 1, max: 6 }),
  services: fc.integer({ min: 1, max: 10 }),
  edges: fc.integer({ min: 0, max: 20 }),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  istioVersions: fc.subarray([...ISTIO_VERSIONS], { minLength: 1 }),
  meshIds: fc.boolean(),
});

export const arbitrarySnapshot: fc.Arbitrary<Snapshot> = arbitraryFleetOptions.map(generateFleet);

export const arbitraryChange: fc.Arbitrary<{ change: FleetChange; pick: number }> = fc.record({
  change: fc.constantFrom(...FLEET_CHANGES),
  pick: fc.nat(),
});
