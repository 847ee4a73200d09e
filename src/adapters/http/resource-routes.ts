/** The EMCO resource tree: a collection and an item route for every kind. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { PathParams, ResourceKind } from '../../core/model/kind.js';
import { KINDS, parentKeyFromParams, routePatterns } from '../../core/model/registry.js';
import type { ResourceService } from '../../service/resource-service.js';
import { readDocument } from './body.js';
import { BODY_ERRORS, errorResponses, ifMatchHeaders, paramsSchema, pascal, success } from './openapi.js';
import { sendList, sendOne, sendWrite } from './present.js';

/** Kinds whose uploaded file is kept as a file and can be downloaded again (not secrets: those go in a write-only field). */
const KINDS_WITH_FILES = new Set(['app', 'appProfile']);

function ifMatch(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  return Array.isArray(header) ? header.join(',') : header;
}

function docs(kind: ResourceKind, summary: string, extra: Record<string, unknown> = {}) {
  return { tags: [kind.label], summary, ...extra };
}

/** Stable operation ids from the kind's name: `listClusterProviders`, `getClusterProvider`, ... */
export function kindOperationIds(kind: ResourceKind) {
  const name = pascal(kind.kind);
  return {
    list: `list${name}s`,
    create: `create${name}`,
    get: `get${name}`,
    replace: `replace${name}`,
    remove: `delete${name}`,
  };
}

const VERSION_HEADERS = {
  etag: { type: 'string', description: 'The version of the resource, e.g. "3"; send it back in If-Match' },
  'content-location': { type: 'string', description: 'The EMCO path of the resource' },
} as const;
const WRITE_HEADERS = {
  ...VERSION_HEADERS,
  'meshbridge-outcome': { type: 'string', description: 'created, updated or unchanged' },
} as const;
const CREATED_HEADERS = {
  ...WRITE_HEADERS,
  location: { type: 'string', description: 'The path of the new resource' },
} as const;

function registerKind(app: FastifyInstance, kind: ResourceKind, resources: ResourceService): void {
  const { collection, item } = routePatterns(kind);
  const collectionParams = paramsSchema(collection);
  const itemParams = paramsSchema(item);
  const ids = kindOperationIds(kind);
  const label = kind.label;
  const created = success(`The ${label} is created`, kind.schema, { headers: CREATED_HEADERS });

  app.get(
    `/v2${collection}`,
    {
      schema: docs(kind, `List ${label}s`, {
        operationId: ids.list,
        params: collectionParams,
        response: {
          200: success(`Every ${label} here; [] when none`, Type.Array(kind.schema)),
          ...errorResponses(404),
        },
      }),
    },
    async (request, reply) => sendList(reply, await resources.list(kind, request.params as PathParams)),
  );
  app.post(
    `/v2${collection}`,
    {
      schema: docs(kind, `Create a ${label}`, {
        operationId: ids.create,
        params: collectionParams,
        body: kind.schema,
        response: { 201: created, ...errorResponses(...BODY_ERRORS, 404, 409) },
      }),
    },
    async (request, reply) => {
      const { raw, file } = await readDocument(request);
      return sendWrite(reply, await resources.create(kind, request.params as PathParams, raw, { file }));
    },
  );
  app.get(
    `/v2${item}`,
    {
      schema: docs(kind, `Get a ${label}`, {
        operationId: ids.get,
        params: itemParams,
        response: {
          200: success(`The ${label}, write-only fields redacted`, kind.schema, { headers: VERSION_HEADERS }),
          ...errorResponses(404),
        },
      }),
    },
    async (request, reply) => sendOne(reply, await resources.get(kind, request.params as PathParams)),
  );
  app.put(
    `/v2${item}`,
    {
      schema: docs(kind, `Create or replace a ${label}`, {
        operationId: ids.replace,
        params: itemParams,
        headers: ifMatchHeaders,
        body: kind.schema,
        response: {
          200: success(`The ${label} is replaced (or unchanged)`, kind.schema, { headers: WRITE_HEADERS }),
          201: created,
          ...errorResponses(...BODY_ERRORS, 404, 409, 412),
        },
      }),
    },
    async (request, reply) => {
      const { raw, file } = await readDocument(request);
      return sendWrite(
        reply,
        await resources.replace(kind, request.params as PathParams, raw, { ifMatch: ifMatch(request), file }),
      );
    },
  );
  app.delete(
    `/v2${item}`,
    {
      schema: docs(kind, `Delete a ${label}`, {
        operationId: ids.remove,
        params: itemParams,
        headers: ifMatchHeaders,
        response: { 204: success(`The ${label} is deleted`), ...errorResponses(404, 409, 412) },
      }),
    },
    async (request, reply) => {
      await resources.remove(kind, request.params as PathParams, { ifMatch: ifMatch(request) });
      return reply.status(204).send();
    },
  );
  if (KINDS_WITH_FILES.has(kind.kind)) {
    app.get(
      `/v2${item}/file`,
      {
        schema: docs(kind, `Download the file uploaded with a ${kind.label}`, {
          operationId: `${ids.get}File`,
          params: itemParams,
          response: {
            200: success('The file as it was uploaded, with its content type', undefined, {
              content: { 'application/octet-stream': Type.String({ format: 'binary' }) },
            }),
            ...errorResponses(404),
          },
        }),
      },
      async (request, reply) => {
        const file = await resources.getFile(kind, request.params as PathParams);
        return reply
          .header('content-type', file.contentType)
          .header('content-disposition', `attachment; filename="${file.fileName.replace(/"/g, '')}"`)
          .send(file.data);
      },
    );
  }
}

export function registerResourceRoutes(app: FastifyInstance, resources: ResourceService): void {
  for (const kind of KINDS) registerKind(app, kind, resources);

  // EMCO addresses a composite app by name and version; the name alone lists its versions.
  const compositeApp = KINDS.find((kind) => kind.kind === 'compositeApp') as ResourceKind;
  app.get(
    '/v2/projects/:project/composite-apps/:compositeApp',
    {
      schema: docs(compositeApp, 'List the versions of a composite app', {
        operationId: 'listCompositeAppVersions',
        params: paramsSchema('/projects/:project/composite-apps/:compositeApp'),
        response: {
          200: success('Every version of the composite app', Type.Array(compositeApp.schema)),
          ...errorResponses(404),
        },
      }),
    },
    async (request, reply) => {
      const params = request.params as { project: string; compositeApp: string };
      const all = await resources.list(compositeApp, params);
      const versions = all.filter((resource) =>
        resource.key.startsWith(`${parentKeyFromParams(compositeApp, params)}/composite-apps/${params.compositeApp}/`),
      );
      if (versions.length === 0) throw new NotFoundError(`composite app "${params.compositeApp}" not found`);
      return sendList(reply, versions);
    },
  );
}
