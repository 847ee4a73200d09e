/**
 * The connectivity map for the web page: `GET /v2/map` (clusters, services, callers,
 * each declared call with the data-plane model's verdict), an edge's `check route`
 * trace, and the rendered objects behind a cluster or an edge (shown as the render
 * GETs show them: Secret data redacted unless showSecrets, JSON or YAML).
 * Any reading grant may ask; each reader sees only the projects it may read.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readableProjects } from '../../core/access/policy.js';
import { TooManyRequestsError, ValidationError, type Issue } from '../../core/errors.js';
import { MapEdge, MapView, type MapFilter, type Readable } from '../../core/map/schema.js';
import { renderView, renderYaml } from '../../core/render/present.js';
import type { RenderResult } from '../../core/render/render.js';
import type { MapService } from '../../service/map-service.js';
import { AnyObject, errorResponses, paramsSchema, success } from './openapi.js';

const FILTERS = ['project', 'compositeApp', 'group', 'cluster', 'service'] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CLUSTER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const filterSchema = {
  type: 'object',
  properties: {
    project: { type: 'string', description: 'only this project' },
    compositeApp: { type: 'string', description: 'only services of this composite app' },
    group: { type: 'string', description: 'only services of this deployment intent group (its name)' },
    cluster: { type: 'string', description: 'provider/cluster: services and callers there, edges with an end there' },
    service: { type: 'string', description: 'only this service (its Service name or app) and its callers' },
  },
};

const objectsQuery = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['json', 'yaml'] },
    showSecrets: { type: 'string', enum: ['true', 'false'], description: 'needs the read-secrets permission' },
  },
};

/** Every field at most once, a name (or provider/cluster); every wrong field named. */
export function parseMapFilter(query: unknown): MapFilter {
  const raw = (query ?? {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  const filter: MapFilter = {};
  for (const field of FILTERS) {
    const value = raw[field];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') issues.push({ path: field, message: 'must be given once' });
    else if (!(field === 'cluster' ? CLUSTER : NAME).test(value))
      issues.push({ path: field, message: field === 'cluster' ? 'must be provider/cluster' : 'must be a name' });
    else filter[field] = value;
  }
  if (issues.length > 0) throw new ValidationError('bad query parameters', issues);
  return filter;
}

function parseObjectsQuery(query: unknown): { format: 'json' | 'yaml'; showSecrets: boolean } {
  const raw = (query ?? {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  if (raw.format !== undefined && raw.format !== 'json' && raw.format !== 'yaml')
    issues.push({ path: 'format', message: 'must be json or yaml' });
  if (raw.showSecrets !== undefined && raw.showSecrets !== 'true' && raw.showSecrets !== 'false')
    issues.push({ path: 'showSecrets', message: 'must be true or false' });
  if (issues.length > 0) throw new ValidationError('bad query parameters', issues);
  return { format: raw.format === 'yaml' ? 'yaml' : 'json', showSecrets: raw.showSecrets === 'true' };
}

const readable = (request: FastifyRequest): Readable =>
  request.principal === undefined ? new Set() : readableProjects(request.principal);

function sendObjects(request: FastifyRequest, reply: FastifyReply, result: RenderResult) {
  const options = parseObjectsQuery(request.query);
  const view = renderView(result, { showSecrets: options.showSecrets });
  if (options.format === 'yaml')
    return reply.header('content-type', 'application/yaml; charset=utf-8').send(renderYaml(view));
  return reply.send(view);
}

const OBJECTS = success(
  'The rendered objects, per cluster, with the diagnostics about them (as the render GETs show them)',
  undefined,
  { content: { 'application/json': AnyObject, 'application/yaml': Type.String() } },
);

const EDGE = '/v2/map/edges/:id';

const deployQuery = (extra: Record<string, object>) => ({
  type: 'object',
  properties: { ...filterSchema.properties, ...extra },
});

function parseFlag(value: unknown, field: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new ValidationError('bad query parameters', [{ path: field, message: 'must be true or false' }]);
}

/** Seconds between reads of the deploy records, 1–60 (default 2). */
function parseInterval(value: unknown): number {
  if (value === undefined) return 2000;
  if (typeof value === 'string' && /^[0-9]{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 60)
    return Number(value) * 1000;
  throw new ValidationError('bad query parameters', [{ path: 'interval', message: 'must be whole seconds, 1–60' }]);
}

const HEARTBEAT_MS = 15_000;

/** Each open stream reads the deploy records every few seconds: past this many at once, a new one waits (429). */
export const MAX_EVENT_STREAMS = 64;

/**
 * Server-sent events: `event: deploy` with the deploy view, first at once and then whenever it changes
 * (read every `interval` seconds: polling the deploy records, which also shows other replicas' work), and a
 * comment line every 15 s so proxies keep the stream open. Streams end when the client goes or the server closes.
 */
function streamDeploy(
  request: FastifyRequest,
  reply: FastifyReply,
  map: MapService,
  streams: Set<AbortController>,
): void {
  const { interval, ...query } = (request.query ?? {}) as Record<string, unknown>;
  const filter = parseMapFilter(query);
  const intervalMs = parseInterval(interval);
  const who = readable(request);
  if (streams.size >= MAX_EVENT_STREAMS)
    throw new TooManyRequestsError(
      `${MAX_EVENT_STREAMS} deploy event streams are open on this server; ask again later, or poll GET /v2/map/deploy`,
    );
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 5000\n\n');
  const controller = new AbortController();
  streams.add(controller);
  request.raw.on('close', () => controller.abort());
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  void (async () => {
    let id = 0;
    try {
      for await (const view of map.watchDeploy(filter, who, intervalMs, controller.signal)) {
        id += 1;
        raw.write(`id: ${id}\nevent: deploy\ndata: ${JSON.stringify(view)}\n\n`);
      }
    } catch (error) {
      request.log.error({ err: error }, 'the deploy event stream stopped');
      raw.write(`event: error\ndata: ${JSON.stringify({ message: 'the deploy state could not be read' })}\n\n`);
    } finally {
      clearInterval(heartbeat);
      streams.delete(controller);
      raw.end();
    }
  })();
}

export function registerMapRoutes(app: FastifyInstance, map: MapService): void {
  const schema = (operationId: string, summary: string, extra: object) => ({
    tags: ['map'],
    operationId,
    summary,
    ...extra,
  });
  app.get(
    '/v2/map',
    {
      schema: schema('getMap', 'The intended connectivity of the fleet, each declared call with its verdict', {
        description:
          'Clusters, the services placed in them, the callers the intents declare, and an edge per declared caller → service (each destination of a weighted route its own edge, with its share), each traced once through the data-plane model (check route) with a request the intent allows. Only the projects the caller may read. docs/api.md#the-connectivity-map.',
        querystring: filterSchema,
        response: { 200: success('The map', MapView), ...errorResponses(400) },
      }),
    },
    async (request) => map.map(parseMapFilter(request.query), readable(request)),
  );
  app.get(
    `${EDGE}/trace`,
    {
      schema: schema('getMapEdgeTrace', "An edge's full check route trace", {
        params: paramsSchema('/map/edges/:id/trace'),
        response: {
          200: success(
            '{edge, trace}: the edge and the check route answer it was decided from',
            Type.Object({ edge: MapEdge, trace: AnyObject }),
          ),
          ...errorResponses(404),
        },
      }),
    },
    async (request) => map.trace((request.params as { id: string }).id, readable(request)),
  );
  app.get(
    `${EDGE}/objects`,
    {
      schema: schema('getMapEdgeObjects', 'The rendered objects that make an edge, with its diagnostics', {
        params: paramsSchema('/map/edges/:id/objects'),
        querystring: objectsQuery,
        response: { 200: OBJECTS, ...errorResponses(400, 404) },
      }),
    },
    async (request, reply) =>
      sendObjects(request, reply, await map.edgeObjects((request.params as { id: string }).id, readable(request))),
  );
  app.get(
    '/v2/map/deploy',
    {
      schema: schema('getMapDeploy', 'Per deployment intent group and cluster, where its deployment stands', {
        description:
          "The state from each group's status (applied, pending, failed with reason, drift), for the groups the caller may read; changes=true adds whether update would change something (it renders each group). GET .../diff shows what.",
        querystring: deployQuery({
          changes: {
            type: 'string',
            enum: ['true', 'false'],
            description: 'also say whether update would change something',
          },
        }),
        response: { 200: success('{groups: [...]}', AnyObject), ...errorResponses(400) },
      }),
    },
    async (request) => {
      const { changes, ...query } = (request.query ?? {}) as Record<string, unknown>;
      return map.deployState(parseMapFilter(query), readable(request), { changes: parseFlag(changes, 'changes') });
    },
  );
  const streams = new Set<AbortController>();
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.abort();
  });
  app.get(
    '/v2/map/deploy/events',
    {
      schema: schema('streamMapDeploy', 'The deploy view as server-sent events, whenever it changes', {
        description:
          'text/event-stream: `event: deploy` with the same JSON as GET /v2/map/deploy, at once and then on every change (the records are read every `interval` seconds). Without EventSource, poll GET /v2/map/deploy.',
        querystring: deployQuery({
          interval: { type: 'string', description: 'seconds between reads, 1–60 (default 2)' },
        }),
        response: {
          200: success('A stream of server-sent events', undefined, {
            content: { 'text/event-stream': Type.String() },
          }),
          ...errorResponses(400, 429),
        },
      }),
    },
    async (request, reply) => streamDeploy(request, reply, map, streams),
  );
  const clusterPath = '/v2/map/clusters/:clusterProvider/:cluster/objects';
  app.get(
    clusterPath,
    {
      schema: schema(
        'getMapClusterObjects',
        "The rendered objects of a cluster that the caller may read, with the cluster's diagnostics",
        {
          params: paramsSchema(clusterPath.replace('/v2', '')),
          querystring: objectsQuery,
          response: { 200: OBJECTS, ...errorResponses(400, 404) },
        },
      ),
    },
    async (request, reply) => {
      const params = request.params as { clusterProvider: string; cluster: string };
      const key = `${params.clusterProvider}/${params.cluster}`;
      return sendObjects(request, reply, await map.clusterObjects(key, readable(request)));
    },
  );
}
