/** The EMCO resource tree: a collection and an item route for every kind. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { PathParams, ResourceKind } from '../../core/model/kind.js';
import { KINDS, parentKeyFromParams, routePatterns } from '../../core/model/registry.js';
import type { ResourceService } from '../../service/resource-service.js';
import { readDocument } from './body.js';
import { ErrorResponse, paramsSchema } from './openapi.js';
import { sendList, sendOne, sendWrite } from './present.js';

/** Kinds whose uploaded file is kept as a file and can be downloaded again (not secrets: those go in a write-only field). */
const KINDS_WITH_FILES = new Set(['app']);

function ifMatch(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  return Array.isArray(header) ? header.join(',') : header;
}

function docs(kind: ResourceKind, summary: string, extra: Record<string, unknown> = {}) {
  return { tags: [kind.label], summary, ...extra };
}

function registerKind(app: FastifyInstance, kind: ResourceKind, resources: ResourceService): void {
  const { collection, item } = routePatterns(kind);
  const collectionParams = paramsSchema(collection);
  const itemParams = paramsSchema(item);
  const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 412: ErrorResponse, 422: ErrorResponse };

  app.get(
    `/v2${collection}`,
    {
      schema: docs(kind, `List ${kind.label}s`, {
        params: collectionParams,
        response: { 200: Type.Array(kind.schema), 404: ErrorResponse },
      }),
    },
    async (request, reply) => sendList(reply, await resources.list(kind, request.params as PathParams)),
  );
  app.post(
    `/v2${collection}`,
    {
      schema: docs(kind, `Create a ${kind.label}`, {
        params: collectionParams,
        body: kind.schema,
        response: { 201: kind.schema, ...errors },
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
      schema: docs(kind, `Get a ${kind.label}`, {
        params: itemParams,
        response: { 200: kind.schema, 404: ErrorResponse },
      }),
    },
    async (request, reply) => sendOne(reply, await resources.get(kind, request.params as PathParams)),
  );
  app.put(
    `/v2${item}`,
    {
      schema: docs(kind, `Create or replace a ${kind.label}`, {
        params: itemParams,
        body: kind.schema,
        response: { 200: kind.schema, 201: kind.schema, ...errors },
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
    { schema: docs(kind, `Delete a ${kind.label}`, { params: itemParams, response: { 204: Type.Null(), ...errors } }) },
    async (request, reply) => {
      await resources.remove(kind, request.params as PathParams, { ifMatch: ifMatch(request) });
      return reply.status(204).send();
    },
  );
  if (KINDS_WITH_FILES.has(kind.kind)) {
    app.get(
      `/v2${item}/file`,
      { schema: docs(kind, `Download the file uploaded with a ${kind.label}`, { params: itemParams }) },
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
        params: paramsSchema('/projects/:project/composite-apps/:compositeApp'),
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
