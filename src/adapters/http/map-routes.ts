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
import { ValidationError, type Issue } from '../../core/errors.js';
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
