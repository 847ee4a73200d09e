/**
 * Maps for the page's own tests and benchmark, shaped as `GET /v2/map` answers: the seed
 * two-clouds example by hand, and a fleet of any size.
 */
import type { MapData, MapEdge } from '../map-data.js';

const gateway = (address: string | null, port: number | null) => ({ address, port });

export function twoCloudsMap(): MapData {
  return {
    clusters: [
      {
        key: 'edge/cluster01',
        provider: 'edge',
        name: 'cluster01',
        locality: 'region1/zone1',
        labels: {},
        gateway: gateway('172.25.55.210', 15443),
      },
      {
        key: 'edge/cluster02',
        provider: 'edge',
        name: 'cluster02',
        locality: 'region2/zone1',
        labels: {},
        gateway: gateway('172.25.55.50', 15443),
      },
    ],
    services: [
      {
        id: 'svc-productpage',
        name: 'productpage',
        project: 'proj1',
        compositeApp: 'app1',
        version: 'v1',
        group: 'dig1',
        cluster: 'edge/cluster01',
        namespace: 'namespace01',
        ports: [9080],
      },
      {
        id: 'svc-httpbin',
        name: 'httpbin',
        project: 'proj1',
        compositeApp: 'app2',
        version: 'v1',
        group: 'dig2',
        cluster: 'edge/cluster02',
        namespace: 'namespace02',
        ports: [8000],
      },
    ],
    callers: [
      {
        id: 'c-sleep',
        app: 'sleep',
        project: 'proj1',
        compositeApp: 'app1',
        version: 'v1',
        group: 'dig1',
        cluster: 'edge/cluster01',
        namespace: 'namespace01',
        serviceAccount: 'sleep',
      },
      {
        id: 'c-user',
        app: 'bookinfo-user',
        project: 'proj1',
        compositeApp: 'app1',
        version: 'v1',
        group: 'dig1',
        cluster: 'edge/cluster02',
        namespace: 'namespace01',
        serviceAccount: 'bookinfo-user',
      },
    ],
    edges: [
      edge('e1', 'c-sleep', 'svc-httpbin', {
        mode: 'federated',
        gateway: 'edge/cluster02',
        host: 'httpbin.namespace02.svc.cluster.local',
        port: 8000,
      }),
      edge('e2', 'c-sleep', 'svc-productpage', { host: 'productpage.namespace01.svc.cluster.local', port: 9080 }),
      edge('e3', 'c-user', 'svc-productpage', {
        mode: 'federated',
        gateway: 'edge/cluster01',
        host: 'productpage.namespace01.svc.cluster.local',
        port: 9080,
        verdict: 'refused',
        hop: 'AuthorizationPolicy productpage (edge/cluster01)',
        reason: 'no rule allows bookinfo-user',
      }),
    ],
    diagnostics: [
      { severity: 'warning', code: 'EXAMPLE', message: 'an example diagnostic', resource: 'projects/proj1' },
    ],
  };
}

function edge(id: string, from: string, to: string, extra: Partial<MapEdge>): MapEdge {
  return {
    id,
    from,
    to,
    host: 'host',
    port: 80,
    mode: 'local',
    gateway: null,
    share: null,
    verdict: 'delivered',
    reason: null,
    hop: null,
    intent: `projects/proj1/intents/${id}`,
    ...extra,
  };
}

/** `clusters` clusters over 4 providers, `services` services spread over them, each called by 2 callers, every 7th edge refused. */
export function fleetMap(clusters: number, services: number): MapData {
  const map: MapData = { clusters: [], services: [], callers: [], edges: [], diagnostics: [] };
  for (let index = 0; index < clusters; index++) {
    const provider = `provider${index % 4}`;
    const name = `cluster${String(index).padStart(3, '0')}`;
    map.clusters.push({
      key: `${provider}/${name}`,
      provider,
      name,
      locality: `region${index % 5}/zone${index % 3}`,
      labels: {},
      gateway: gateway(`10.0.${index}.1`, 15443),
    });
  }
  for (let index = 0; index < services; index++) {
    const home = map.clusters[index % clusters]!;
    const other = map.clusters[(index * 7 + 3) % clusters]!;
    map.services.push({
      id: `s${index}`,
      name: `svc${index}`,
      project: `proj${index % 3}`,
      compositeApp: `app${index % 10}`,
      version: 'v1',
      group: `dig${index % 10}`,
      cluster: home.key,
      namespace: 'default',
      ports: [80],
    });
    for (const [n, at] of [home, other].entries()) {
      const caller = `a${index}-${n}`;
      map.callers.push({
        id: caller,
        app: `caller${index}-${n}`,
        project: `proj${index % 3}`,
        compositeApp: `app${index % 10}`,
        version: 'v1',
        group: `dig${index % 10}`,
        cluster: at.key,
        namespace: 'default',
        serviceAccount: 'default',
      });
      const federated = at.key !== home.key;
      map.edges.push(
        edge(`e${index}-${n}`, caller, `s${index}`, {
          mode: federated ? 'federated' : 'local',
          gateway: federated ? home.key : null,
          verdict: (index + n) % 7 === 0 ? 'refused' : 'delivered',
        }),
      );
    }
  }
  return map;
}
