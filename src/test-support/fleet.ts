/**
 * Synthetic fleets for the renderer's property tests and `npm run bench`: a pure,
 * deterministic function from a few numbers and a seed to a `Snapshot`, built the
 * way the service builds one from the store (records ordered by key, bodies made
 * canonical by `prepareBody`, gateways resolved from the spec or from kv-pairs).
 *
 * A fleet has `clusters` clusters over two cluster providers (localities, labels,
 * gateways, optionally mixed Istio versions), a few projects whose logical clouds
 * span overlapping windows of clusters, composite apps with one or two deployment
 * intent groups, `services` inbound intents (each app placed in 1–3 clusters of its
 * logical cloud, varied protocols, TLS modes and traffic management) and exactly
 * `edges` clients (a client app of the same project, placed in the same or in other
 * clusters, calling a service), some with access points, and weighted routing
 * intents whose host app is made a client of each remote destination so that every
 * route resolves. Every generated topology is fully placed and reachable: it should
 * render with no diagnostic of severity error.
 *
 * Beside it: `fleet-plan.ts` (clusters and the builder's shapes), `fleet-random.ts`
 * (deterministic randomness, canonical bodies), `fleet-addresses.ts` (a database-free
 * stand-in for the virtual-IP ledger) and `fleet-changes.ts` (one-intent edits and
 * fast-check arbitraries).
 */
import {
  canonicalRecord,
  HTTP_PROTOCOLS,
  PEM_CERTIFICATE,
  PEM_PRIVATE_KEY,
  Random,
  randomTrafficManagement,
} from './fleet-random.js';
import {
  PROJECTS,
  dnsName,
  pad,
  clusterPlan,
  window,
  type ClusterPlan,
  type CloudPlan,
  type GroupPlan,
  type AppPlan,
  type ServicePlan,
  type Builder,
} from './fleet-plan.js';
import { isDnsLabel } from '../core/model/formats.js';
import { childKey, compositeAppKey, logicalCloudKey } from '../core/model/keys.js';
import { emptySnapshot, type Snapshot } from '../core/render/snapshot.js';

export const ISTIO_VERSIONS = ['1.7', '1.8.3', '1.12', '1.19', '1.20', '1.24'] as const;

export interface FleetOptions {
  clusters: number;
  /** Inbound intents (services). */
  services: number;
  /** Clients: each is one edge, a client app calling a service. */
  edges: number;
  seed?: number;
  /** Istio versions clusters are given, picked at random per cluster; default `['1.24']`. */
  istioVersions?: readonly string[];
  /** Clusters from 1.8 on join one of two multi-primary meshes (`spec.mesh.meshId`) by index; default none. */
  meshIds?: boolean;
}

function buildClouds(b: Builder, projects: number): void {
  const n = b.clusters.length;
  const count = Math.min(n, n <= 6 ? 1 + b.rng.int(2) : 3);
  // Windows start evenly spread and overlap: every cluster is in about two logical clouds.
  const size = Math.max(1, Math.min(n, Math.ceil((n * 2) / (projects * count))));
  for (const [projectIndex, project] of PROJECTS.slice(0, projects).entries()) {
    const clouds: CloudPlan[] = [];
    for (let index = 0; index < count; index += 1) {
      const start = Math.floor(((projectIndex * count + index) * n) / (projects * count)) + b.rng.int(2);
      // Logical cloud names repeat across projects, and some are not DNS labels (EMCO allows both).
      const name = index === 1 && project === 'beta' ? 'LC_Main.1' : `lc${index}`;
      const cloud: CloudPlan = {
        project,
        name,
        namespace: `${project}-ns${index}`,
        key: logicalCloudKey(project, name),
        clusters: window(b.clusters, start, size),
      };
      b.out.logicalClouds.push(
        canonicalRecord('logicalCloud', cloud.key, { metadata: { name }, spec: { namespace: cloud.namespace } }),
      );
      for (const cluster of cloud.clusters) {
        const ref = `ref-${cluster.provider}-${cluster.name}`;
        b.out.clusterReferences.push(
          canonicalRecord('clusterReference', childKey(cloud.key, 'cluster-references', ref), {
            metadata: { name: ref },
            spec: { clusterProvider: cluster.provider, cluster: cluster.name },
          }),
        );
      }
      clouds.push(cloud);
    }
    b.clouds.set(project, clouds);
  }
}

function newGroup(b: Builder, project: string, caKey: string, name: string, cloud: CloudPlan): GroupPlan {
  const key = childKey(caKey, 'deployment-intent-groups', name);
  b.out.deploymentIntentGroups.push(
    canonicalRecord('deploymentIntentGroup', key, {
      metadata: { name },
      spec: { logicalCloud: cloud.name, version: 'r1' },
    }),
  );
  const group = { project, key, cloud, apps: [] };
  b.groups.push(group);
  return group;
}

function placementOf(b: Builder, cloud: CloudPlan): { intent: Record<string, unknown>; clusters: ClusterPlan[] } {
  const { rng } = b;
  const form = rng.int(10);
  if (form === 0) {
    const inside = new Set(cloud.clusters);
    const labels = [...b.byLabel.entries()].filter(
      ([, found]) => found.length <= 3 && found.every((cluster) => inside.has(cluster)),
    );
    if (labels.length > 0) {
      const [label, found] = rng.pick(labels);
      const [provider, clusterLabel] = label.split('\u0000') as [string, string];
      return { intent: { allOf: [{ clusterProvider: provider, clusterLabel }] }, clusters: found };
    }
  }
  const chosen = rng.sample(cloud.clusters, rng.between(1, 3));
  const entry = (cluster: ClusterPlan) => ({ clusterProvider: cluster.provider, cluster: cluster.name });
  if (form === 1 && chosen.length >= 2) {
    // anyOf takes the first entry that names an existing cluster: only chosen[0].
    return { intent: { anyOf: chosen.slice(0, 2).map(entry) }, clusters: chosen.slice(0, 1) };
  }
  return { intent: { allOf: chosen.map(entry) }, clusters: chosen };
}

function newApp(b: Builder, group: GroupPlan, caKey: string, prefix: string): AppPlan {
  const count = b.appCount.get(group.project) ?? 0;
  b.appCount.set(group.project, count + 1);
  // Some EMCO-style names that are not DNS labels: they need an explicit service account and service name.
  const odd = b.rng.chance(0.1);
  const name = odd ? `${prefix.toUpperCase()}_${count}.v1` : `${prefix}${count}`;
  const serviceAccount = odd || b.rng.chance(0.2) ? `${prefix}${count}-sa` : name;
  const appKey = childKey(caKey, 'apps', name);
  b.out.apps.push(
    canonicalRecord('app', appKey, {
      metadata: { name },
      ...(serviceAccount !== name ? { spec: { serviceAccount } } : {}),
    }),
  );
  const { intent, clusters } = placementOf(b, group.cloud);
  const gpi = childKey(group.key, 'generic-placement-intents', 'placement');
  b.out.appIntents.push(
    canonicalRecord('appIntent', childKey(gpi, 'app-intents', `${name}-placement`), {
      metadata: { name: `${name}-placement` },
      spec: { app: name, intent },
    }),
  );
  const app: AppPlan = {
    name,
    project: group.project,
    compositeAppKey: caKey,
    group,
    serviceAccount,
    clusters: [...new Set(clusters)],
  };
  group.apps.push(app);
  b.apps.set(group.project, [...(b.apps.get(group.project) ?? []), app]);
  return app;
}

function inboundBody(b: Builder, app: AppPlan, serviceName: string, protocol: string): Record<string, unknown> {
  const { rng } = b;
  const http = HTTP_PROTOCOLS.has(protocol);
  const spec: Record<string, unknown> = {
    app: app.name,
    port: protocol === 'TCP' ? rng.pick([3306, 6379, 9000]) : rng.pick([80, 8080, 9080, 5000]),
    protocol,
    // TLS of the application's own terminates in the pods, which only non-HTTP ports let through (inbound HTTP
    // chains take mesh mTLS or plaintext): it is generated for TCP services only.
    management: { tlsType: !http && rng.chance(0.5) ? 'SIMPLE' : 'MUTUAL' },
  };
  if (serviceName !== app.name) spec.serviceName = serviceName;
  const tm = randomTrafficManagement(rng, protocol);
  if (tm) spec.trafficManagement = tm;
  if (!http && rng.chance(0.3)) {
    spec.certificates =
      (spec.management as { tlsType: string }).tlsType === 'MUTUAL'
        ? { serviceCertificate: PEM_CERTIFICATE, servicePrivateKey: PEM_PRIVATE_KEY, caCertificate: PEM_CERTIFICATE }
        : { caCertificate: PEM_CERTIFICATE };
  }
  if (rng.chance(0.1)) spec.namespaces = [rng.pick([...b.clouds.values()].flat()).namespace];
  if (http && rng.chance(0.3)) {
    spec.serviceAccountAccess = {
      [`cluster.local/ns/${app.group.cloud.namespace}/sa/monitoring`]: { GET: ['/metrics', '/healthz*'] },
    };
  }
  return { metadata: { name: `${app.name}-in` }, spec };
}

/** An admin port of the same Service, as a second inbound intent (EMCO's intent names one port). */
function secondPort(b: Builder, first: ServicePlan): ServicePlan {
  const { app, serviceName } = first;
  const key = childKey(app.group.key, 'traffic-group-intents', 'traffic', 'inbound-intents', `${app.name}-admin`);
  const spec: Record<string, unknown> = {
    app: app.name,
    port: 9901,
    protocol: 'HTTP',
    management: { tlsType: 'MUTUAL' },
  };
  if (serviceName !== app.name) spec.serviceName = serviceName;
  b.out.inboundIntents.push(canonicalRecord('inboundIntent', key, { metadata: { name: `${app.name}-admin` }, spec }));
  return { app, key, protocol: 'HTTP', serviceName, clients: new Set() };
}

function buildApps(b: Builder, services: number): void {
  const perApp = services <= 10 ? b.rng.between(1, 4) : 20;
  const compositeApps = Math.max(1, Math.ceil(services / perApp));
  const projects = [...b.clouds.keys()];
  let made = 0;
  for (let index = 0; index < compositeApps; index += 1) {
    const project = projects[index % projects.length] as string;
    const clouds = b.clouds.get(project) as CloudPlan[];
    const name = index % 9 === 4 ? `Shop_${index}` : `ca${pad(index)}`;
    const version = index % 4 === 3 ? 'v2' : 'v1';
    const caKey = compositeAppKey(project, name, version);
    const twoGroups = clouds.length > 1 && b.rng.chance(0.25);
    const cloudsOf = twoGroups ? b.rng.sample(clouds, 2) : [b.rng.pick(clouds)];
    const groups = cloudsOf.map((cloud, at) => newGroup(b, project, caKey, at === 0 ? 'main' : 'spare', cloud));
    const count = index === compositeApps - 1 ? services - made : Math.min(perApp, services - made);
    for (let s = 0; s < count; s += 1) {
      const group = b.rng.pick(groups);
      const app = newApp(b, group, caKey, 's');
      const protocol = b.rng.pick(['HTTP', 'HTTP', 'HTTP', 'HTTP', 'HTTP2', 'GRPC', 'TCP']);
      const serviceName = b.rng.chance(0.15) || !isDnsLabel(app.name) ? `${dnsName(app.name)}-svc` : app.name;
      const key = childKey(group.key, 'traffic-group-intents', 'traffic', 'inbound-intents', `${app.name}-in`);
      b.out.inboundIntents.push(canonicalRecord('inboundIntent', key, inboundBody(b, app, serviceName, protocol)));
      const service: ServicePlan = { app, key, protocol, serviceName, clients: new Set() };
      app.service = service;
      b.services.push(service);
      if (protocol === 'HTTP' && b.rng.chance(0.15)) b.services.push(secondPort(b, service));
    }
    made += count;
    for (let c = 0; c < Math.max(1, Math.ceil(count / 4)); c += 1) newApp(b, b.rng.pick(groups), caKey, 'client');
  }
}

function principalOf(app: AppPlan): string {
  return `cluster.local/ns/${app.group.cloud.namespace}/sa/${app.serviceAccount}`;
}

function addClient(b: Builder, service: ServicePlan, app: AppPlan, external = false): void {
  const { rng } = b;
  const base = `${app.name}-to-${service.app.name}`.slice(0, 50).replace(/[^A-Za-z0-9]+$/, '');
  let name = base;
  for (let n = 2; service.clients.has(name); n += 1) name = `${base}-${n}`;
  service.clients.add(name);
  b.clientCount += 1;
  const key = childKey(service.key, 'clients', name);
  const http = HTTP_PROTOCOLS.has(service.protocol);
  const spec: Record<string, unknown> = { app: app.name };
  if (!isDnsLabel(app.name)) spec.serviceName = dnsName(app.name);
  if (external) Object.assign(spec, { type: 'external', cidrs: [`10.${rng.int(256)}.0.0/16`] });
  if (rng.chance(0.1)) spec.namespaces = [app.group.cloud.namespace];
  if (http && !external && rng.chance(0.3))
    spec.serviceAccountAccess = { [principalOf(app)]: { GET: ['/status*'], POST: ['/api/v1/orders'] } };
  b.out.clients.push(canonicalRecord('inboundClient', key, { metadata: { name }, spec }));
  if (http && rng.chance(0.2)) {
    for (let p = 0; p < rng.between(1, 2); p += 1) {
      const pointName = `ap${p}`;
      b.out.accessPoints.push(
        canonicalRecord('accessPoint', childKey(key, 'access-points', pointName), {
          metadata: { name: pointName },
          spec: {
            url: rng.chance(0.5) ? [rng.pick(['/status*', '/api/v1/items', '/headers'])] : ['/status*', '/headers'],
            access: p === 0 ? ['GET'] : ['GET', 'POST'],
          },
        }),
      );
    }
  }
}

/** A VirtualService's remote destinations resolve only where a client of them runs: the host app calls each target. */
function buildRouting(b: Builder, budget: number): number {
  let used = 0;
  const candidates = b.groups.filter(
    (group) => group.apps.filter((app) => app.service && HTTP_PROTOCOLS.has(app.service.protocol)).length >= 2,
  );
  const wanted = Math.min(candidates.length, Math.max(1, Math.floor(b.services.length / 40)));
  for (const group of b.rng.sample(candidates, wanted)) {
    const served = group.apps.filter((app) => app.service && HTTP_PROTOCOLS.has(app.service.protocol));
    const chosen = b.rng.sample(served, Math.min(served.length, b.rng.between(2, 4)));
    const host = chosen[0] as AppPlan;
    const others = chosen.slice(1);
    if (used + others.length > budget) break;
    for (const target of others) addClient(b, target.service as ServicePlan, host);
    used += others.length;
    const name = `route-${host.name}`;
    const weights = others.map(() => b.rng.between(1, 100));
    const http = [
      {
        name: 'canary',
        match: [{ uriPrefix: '/v2' }, { method: 'GET', headers: { 'x-canary': 'yes' } }],
        route: others.map((target, at) => ({ app: target.name, weight: weights[at] as number })),
        ...(b.rng.chance(0.5) ? { timeout: '5s', retries: { attempts: 3, perTryTimeout: '2s' } } : {}),
      },
      { route: [{ app: host.name, weight: 100 }] },
    ];
    const key = childKey(group.key, 'traffic-group-intents', 'traffic', 'routing-intents', name);
    b.out.routingIntents.push(
      canonicalRecord('routingIntent', key, { metadata: { name }, spec: { host: host.name, http } }),
    );
  }
  return used;
}

function buildClients(b: Builder, edges: number): void {
  const { rng } = b;
  const routed = b.services.length >= 2 ? buildRouting(b, edges) : 0;
  for (let edge = routed; edge < edges; edge += 1) {
    const service = rng.pick(b.services);
    const candidates = (b.apps.get(service.app.project) ?? []).filter((app) => app !== service.app);
    const sameGroup = candidates.filter((app) => app.group === service.app.group);
    const pool = sameGroup.length > 0 && rng.chance(0.5) ? sameGroup : candidates;
    // With the service's own app as the only app of its project, it calls itself.
    const app = pool.length > 0 ? rng.pick(pool) : service.app;
    addClient(b, service, app, rng.chance(0.03));
  }
}

export const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A fleet as the service would read it from the store. Pure: the same options give the same snapshot. */
export function generateFleet(options: FleetOptions): Snapshot {
  const rng = new Random(options.seed ?? 1);
  const versions = options.istioVersions && options.istioVersions.length > 0 ? options.istioVersions : ['1.24'];
  const clusters = Array.from({ length: Math.max(1, options.clusters) }, (_, index) =>
    clusterPlan(rng, index, versions, options.meshIds === true),
  );
  const byLabel = new Map<string, ClusterPlan[]>();
  for (const cluster of clusters) {
    for (const label of cluster.labels) {
      const key = `${cluster.provider}\u0000${label}`;
      byLabel.set(key, [...(byLabel.get(key) ?? []), cluster]);
    }
  }
  const b: Builder = {
    rng,
    out: { ...emptySnapshot(), clusters: clusters.map((cluster) => cluster.facts) },
    clusters,
    byLabel,
    clouds: new Map(),
    groups: [],
    apps: new Map(),
    services: [],
    appCount: new Map(),
    clientCount: 0,
  };
  const services = Math.max(1, options.services);
  const small = services >= 4 ? rng.between(1, 2) : 1;
  buildClouds(b, services <= 10 ? small : Math.min(4, Math.max(2, Math.ceil(services / 700))));
  buildApps(b, services);
  buildClients(b, Math.max(0, options.edges));
  const out = b.out;
  for (const list of Object.values(out) as { key: string }[][]) list.sort(byKey);
  return out;
}

export { allocateAddresses } from './fleet-addresses.js';
export { dnsName } from './fleet-plan.js';
export { canonicalRecord, PEM_CERTIFICATE, Random, randomTrafficManagement };
