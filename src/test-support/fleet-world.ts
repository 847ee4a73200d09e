/**
 * A fleet of `clusters` clusters in one server, every cluster held in memory by a
 * `MemoryTarget`, with `groups` deployment intent groups placed on all of them by a cluster
 * label: each group is its own composite app with a service on one cluster and a client of
 * it on every cluster, each cluster its own network, so every cluster calls every service
 * (through the server's east-west gateway from the others). For `bench/deploy.ts` (a thousand clusters) and
 * its test at a few. Built through the HTTP API in-process (Fastify's inject), as a user would.
 */
import { openSqliteDatabase } from '../adapters/storage/sqlite.js';
import { buildServices, type App } from '../compose.js';
import { MemoryTarget } from './memory-target.js';

export const FLEET_NAMESPACE = 'shop';
export const FLEET_PROVIDER = 'edge';
export const FLEET_LABEL = 'fleet';

export interface FleetWorld {
  services: App;
  target: MemoryTarget;
  /** Cluster keys: `cluster-providers/edge/clusters/c0001`... */
  clusters: string[];
  /** `/v2/projects/p/composite-apps/app<i>/v1/deployment-intent-groups/g`, for i from 0. */
  groups: string[];
  request(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** The path of group `index`'s inbound intent (the service its clients call in every cluster). */
  inboundOf(index: number): string;
  close(): Promise<void>;
}

export interface FleetWorldOptions {
  clusters: number;
  groups: number;
  /** Clusters worked at once by an operation (the server's default when absent). */
  concurrency?: number;
}

const pad = (index: number) => String(index).padStart(4, '0');
const clusterName = (index: number) => `c${pad(index)}`;

/** Each cluster its own network behind an east-west gateway, so callers elsewhere reach a service through it. */
const meshOf = (index: number) => ({
  type: 'istio',
  istioVersion: '1.24',
  trustDomain: 'cluster.local',
  network: `n${index}`,
  gateway: { address: `10.${(index >> 8) & 255}.${index & 255}.1`, port: 15443, internalPort: 15443 },
  dnsCapture: true,
});

export async function fleetWorld(options: FleetWorldOptions): Promise<FleetWorld> {
  const target = new MemoryTarget();
  const services = await buildServices(await openSqliteDatabase(':memory:'), false, {
    targets: [target],
    reconcileSeconds: 0,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  await services.app.ready();
  const request = async (method: string, url: string, body?: unknown) => {
    const response = await services.app.inject({
      method: method as 'GET',
      url,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, json: response.body === '' ? {} : (JSON.parse(response.body) as unknown) };
  };
  const post = async (url: string, body?: unknown) => {
    const response = await request('POST', url, body);
    if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(response.json)}`);
  };
  const world: FleetWorld = {
    services,
    target,
    clusters: [],
    groups: [],
    request,
    inboundOf: (index) => `${world.groups[index]}/traffic-group-intents/default/inbound-intents/svc${index}-inbound`,
    async close() {
      await services.app.close();
    },
  };
  await post('/v2/cluster-providers', { metadata: { name: FLEET_PROVIDER } });
  await post('/v2/projects', { metadata: { name: 'p' } });
  await post('/v2/projects/p/logical-clouds', { metadata: { name: 'lc' }, spec: { namespace: FLEET_NAMESPACE } });
  for (let index = 0; index < options.clusters; index++) {
    const name = clusterName(index);
    await post(`/v2/cluster-providers/${FLEET_PROVIDER}/clusters`, {
      metadata: { name },
      spec: { mesh: meshOf(index) },
    });
    await post(`/v2/cluster-providers/${FLEET_PROVIDER}/clusters/${name}/labels`, { clusterLabel: FLEET_LABEL });
    await post('/v2/projects/p/logical-clouds/lc/cluster-references', {
      metadata: { name },
      spec: { clusterProvider: FLEET_PROVIDER, cluster: name },
    });
    world.clusters.push(`cluster-providers/${FLEET_PROVIDER}/clusters/${name}`);
  }
  for (let index = 0; index < options.groups; index++) {
    world.groups.push(await addGroup(post, index, clusterName(index % options.clusters)));
  }
  return world;
}

/** Group `index`: its service on `server` alone, a client of it on every cluster. */
async function addGroup(
  post: (url: string, body?: unknown) => Promise<void>,
  index: number,
  server: string,
): Promise<string> {
  const app = `/v2/projects/p/composite-apps/app${index}/v1`;
  const [service, client] = [`svc${index}`, `client${index}`];
  await post('/v2/projects/p/composite-apps', {
    metadata: { name: `app${index}` },
    spec: { compositeAppVersion: 'v1' },
  });
  for (const name of [service, client]) {
    await post(`${app}/apps`, { metadata: { name }, spec: { serviceAccount: name } });
  }
  const group = `${app}/deployment-intent-groups/g`;
  await post(`${app}/deployment-intent-groups`, {
    metadata: { name: 'g' },
    spec: { logicalCloud: 'lc', version: 'r1' },
  });
  await post(`${group}/generic-placement-intents`, { metadata: { name: 'placement' } });
  const placements: [string, Record<string, string>][] = [
    [service, { clusterProvider: FLEET_PROVIDER, cluster: server }],
    [client, { clusterProvider: FLEET_PROVIDER, clusterLabel: FLEET_LABEL }],
  ];
  for (const [name, where] of placements) {
    await post(`${group}/generic-placement-intents/placement/app-intents`, {
      metadata: { name: `${name}-placement` },
      spec: { app: name, intent: { allOf: [where] } },
    });
  }
  await post(`${group}/traffic-group-intents`, { metadata: { name: 'default' } });
  const inbound = `${group}/traffic-group-intents/default/inbound-intents`;
  await post(inbound, {
    metadata: { name: `${service}-inbound` },
    spec: {
      app: service,
      serviceName: service,
      port: 80,
      protocol: 'HTTP',
      serviceMesh: 'istio',
      management: { sidecarProxy: 'yes', tlsType: 'MUTUAL' },
    },
  });
  await post(`${inbound}/${service}-inbound/clients`, {
    metadata: { name: client },
    spec: { app: client, serviceName: client, namespaces: [], cidrs: [] },
  });
  return group;
}
