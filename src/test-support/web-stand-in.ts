/**
 * The built web page served as meshbridge serves it, over a stand-in API that answers a
 * map the test sets (and fixed traces and objects): the page's own browser tests and
 * bench/web.ts's large fleet, without rendering a fleet on a server.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerWebPage } from '../adapters/web/static-files.js';
import type { MapData } from '../adapters/web/page/map-data.js';

export interface StandIn {
  url: string;
  /** The map `GET /v2/map` answers. */
  map: MapData;
  /** When set, every /v2 call without `Bearer <token>` answers 401. */
  token: string | undefined;
  /** Every /v2 call: its URL and Authorization header. */
  asked: string[];
  close(): Promise<void>;
}

function routes(server: FastifyInstance, state: StandIn): void {
  server.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v2/')) return;
    state.asked.push(`${request.url} ${request.headers.authorization ?? ''}`);
    if (state.token !== undefined && request.headers.authorization !== `Bearer ${state.token}`)
      return reply.status(401).send({ error: 'Unauthenticated', message: 'authentication is on: send a token' });
  });
  server.get('/v2/map', async () => state.map);
  server.get('/v2/map/edges/:id/trace', async (request) => ({
    edge: (request.params as { id: string }).id,
    hops: [{ hop: 'sidecar', verdict: 'pass' }],
  }));
  server.get('/v2/map/edges/:id/objects', async () => ({
    clusters: [
      {
        clusterProvider: 'edge',
        cluster: 'cluster01',
        resources: [{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se' } }],
      },
    ],
    diagnostics: [],
  }));
  server.get('/v2/map/clusters/:clusterProvider/:cluster/objects', async (request) => {
    const { clusterProvider, cluster } = request.params as { clusterProvider: string; cluster: string };
    const secret = { kind: 'Secret', metadata: { name: `for ${clusterProvider}/${cluster}` }, data: '<redacted>' };
    return {
      clusters: [{ clusterProvider, cluster, resources: [secret] }],
      diagnostics: [{ severity: 'warning', code: 'W1', message: 'a warning', resource: 'r', cluster: null }],
    };
  });
}

export async function startStandIn(map: MapData): Promise<StandIn> {
  const server = Fastify();
  registerWebPage(server);
  const state: StandIn = { url: '', map, token: undefined, asked: [], close: () => server.close() };
  routes(server, state);
  state.url = await server.listen({ port: 0, host: '127.0.0.1' });
  return state;
}
