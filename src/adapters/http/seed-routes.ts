/** Seed 000's traffic paths, which name no deployment intent group (see service/seed-paths.ts). */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import { inboundClientKind } from '../../core/model/clients.js';
import { inboundIntentKind } from '../../core/model/inbound.js';
import type { ResourceKind } from '../../core/model/kind.js';
import type { SeedPathService } from '../../service/seed-paths.js';
import { readDocument } from './body.js';
import { BODY_ERRORS, errorResponses, ifMatchHeaders, paramsSchema, success } from './openapi.js';
import { sendList, sendOne, sendWrite } from './present.js';

const VERSION = '/v2/projects/:project/composite-apps/:compositeApp/:compositeAppVersion';
const INBOUND = `${VERSION}/traffic-intent-set/inbound-intents`;
const OUTBOUND = `${VERSION}/traffic-group-intent/outbound-intents`;

interface SeedParams {
  project: string;
  compositeApp: string;
  compositeAppVersion: string;
  name?: string;
  inboundService?: string;
  client?: string;
}

const paramsOf = (request: FastifyRequest) => request.params as SeedParams & Record<string, string>;
const ifMatch = (request: FastifyRequest) => request.headers['if-match'] as string | undefined;

type Operation = 'list' | 'create' | 'get' | 'replace' | 'delete';

/** What each operation answers with, and which errors it can meet. */
function responses(operation: Operation, body: TSchema): Record<number, object> {
  switch (operation) {
    case 'list':
      return { 200: success('Every one here; [] when none', Type.Array(body)), ...errorResponses(404) };
    case 'get':
      return { 200: success('The resource, write-only fields redacted', body), ...errorResponses(404) };
    case 'create':
      return { 201: success('Created', body), ...errorResponses(...BODY_ERRORS, 404, 409) };
    case 'replace':
      return {
        200: success('Replaced (or unchanged)', body),
        201: success('Created', body),
        ...errorResponses(...BODY_ERRORS, 404, 409, 412),
      };
    case 'delete':
      return { 204: success('Deleted'), ...errorResponses(404, 409, 412) };
  }
}

function schema(
  kind: ResourceKind,
  operationId: string,
  summary: string,
  pattern: string,
  operation: Operation,
): FastifySchema {
  const withBody = operation === 'create' || operation === 'replace';
  const withIfMatch = operation === 'replace' || operation === 'delete';
  return {
    tags: ['seed 000 traffic paths'],
    operationId,
    summary,
    params: paramsSchema(pattern.replace('/v2', '')),
    ...(withIfMatch ? { headers: ifMatchHeaders } : {}),
    ...(withBody ? { body: kind.schema } : {}),
    response: responses(operation, kind.schema),
  };
}

const inboundSchema = (...args: [string, string, string, Operation]) => schema(inboundIntentKind, ...args);
const clientSchema = (...args: [string, string, string, Operation]) => schema(inboundClientKind, ...args);

function registerInbound(app: FastifyInstance, seed: SeedPathService): void {
  const item = `${INBOUND}/:name`;
  app.get(
    INBOUND,
    {
      schema: inboundSchema(
        'listSeedInboundIntents',
        'List inbound intents of a composite app version',
        INBOUND,
        'list',
      ),
    },
    async (request, reply) => sendList(reply, await seed.listInbound(paramsOf(request))),
  );
  app.post(
    INBOUND,
    {
      schema: inboundSchema(
        'createSeedInboundIntent',
        'Create an inbound intent in the group that places its app',
        INBOUND,
        'create',
      ),
    },
    async (request, reply) =>
      sendWrite(reply, await seed.createInbound(paramsOf(request), (await readDocument(request)).raw)),
  );
  app.get(
    item,
    { schema: inboundSchema('getSeedInboundIntent', 'Get an inbound intent', item, 'get') },
    async (request, reply) =>
      sendOne(reply, await seed.getInbound(paramsOf(request), paramsOf(request).name as string)),
  );
  app.put(
    item,
    { schema: inboundSchema('replaceSeedInboundIntent', 'Create or replace an inbound intent', item, 'replace') },
    async (request, reply) => {
      const { raw } = await readDocument(request);
      return sendWrite(
        reply,
        await seed.replaceInbound(paramsOf(request), paramsOf(request).name as string, raw, {
          ifMatch: ifMatch(request),
        }),
      );
    },
  );
  app.delete(
    item,
    { schema: inboundSchema('deleteSeedInboundIntent', 'Delete an inbound intent', item, 'delete') },
    async (request, reply) => {
      await seed.removeInbound(paramsOf(request), paramsOf(request).name as string, { ifMatch: ifMatch(request) });
      return reply.status(204).send();
    },
  );
}

function registerOutbound(app: FastifyInstance, seed: SeedPathService): void {
  const byService = `${OUTBOUND}/:inboundService`;
  const item = `${byService}/:client`;
  app.get(
    OUTBOUND,
    { schema: clientSchema('listSeedClients', 'List every client of a composite app version', OUTBOUND, 'list') },
    async (request, reply) => sendList(reply, await seed.listClients(paramsOf(request))),
  );
  app.post(
    OUTBOUND,
    {
      schema: clientSchema(
        'createSeedClient',
        'Add a client to the inbound service named in spec.inboundServiceName',
        OUTBOUND,
        'create',
      ),
    },
    async (request, reply) =>
      sendWrite(reply, await seed.createClient(paramsOf(request), undefined, (await readDocument(request)).raw)),
  );
  app.get(
    byService,
    { schema: clientSchema('listSeedClientsOfService', 'List the clients of an inbound service', byService, 'list') },
    async (request, reply) =>
      sendList(reply, await seed.listClients(paramsOf(request), paramsOf(request).inboundService)),
  );
  app.post(
    byService,
    { schema: clientSchema('createSeedClientOfService', 'Add a client to an inbound service', byService, 'create') },
    async (request, reply) =>
      sendWrite(
        reply,
        await seed.createClient(paramsOf(request), paramsOf(request).inboundService, (await readDocument(request)).raw),
      ),
  );
  app.get(item, { schema: clientSchema('getSeedClient', 'Get a client', item, 'get') }, async (request, reply) => {
    const params = paramsOf(request);
    return sendOne(reply, await seed.getClient(params, params.inboundService as string, params.client as string));
  });
  app.put(
    item,
    { schema: clientSchema('replaceSeedClient', 'Create or replace a client', item, 'replace') },
    async (request, reply) => {
      const params = paramsOf(request);
      const { raw } = await readDocument(request);
      return sendWrite(
        reply,
        await seed.replaceClient(params, params.inboundService as string, params.client as string, raw, {
          ifMatch: ifMatch(request),
        }),
      );
    },
  );
  app.delete(
    item,
    { schema: clientSchema('deleteSeedClient', 'Delete a client', item, 'delete') },
    async (request, reply) => {
      const params = paramsOf(request);
      await seed.removeClient(params, params.inboundService as string, params.client as string, {
        ifMatch: ifMatch(request),
      });
      return reply.status(204).send();
    },
  );
}

export function registerSeedRoutes(app: FastifyInstance, seed: SeedPathService): void {
  registerInbound(app, seed);
  registerOutbound(app, seed);
}
