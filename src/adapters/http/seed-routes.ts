/** Seed 000's traffic paths, which name no deployment intent group (see service/seed-paths.ts). */
import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import { inboundClientKind } from '../../core/model/clients.js';
import { inboundIntentKind } from '../../core/model/inbound.js';
import type { SeedPathService } from '../../service/seed-paths.js';
import { readDocument } from './body.js';
import { ErrorResponse, paramsSchema } from './openapi.js';
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

function schema(summary: string, pattern: string, withBody: 'inbound' | 'client' | false): FastifySchema {
  const body =
    withBody === 'inbound' ? inboundIntentKind.schema : withBody === 'client' ? inboundClientKind.schema : undefined;
  return {
    tags: ['seed 000 traffic paths'],
    summary,
    params: paramsSchema(pattern.replace('/v2', '')),
    ...(body ? { body } : {}),
    response: { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
  };
}

function registerInbound(app: FastifyInstance, seed: SeedPathService): void {
  const item = `${INBOUND}/:name`;
  app.get(
    INBOUND,
    { schema: schema('List inbound intents of a composite app version', INBOUND, false) },
    async (request, reply) => sendList(reply, await seed.listInbound(paramsOf(request))),
  );
  app.post(
    INBOUND,
    { schema: schema('Create an inbound intent in the group that places its app', INBOUND, 'inbound') },
    async (request, reply) =>
      sendWrite(reply, await seed.createInbound(paramsOf(request), (await readDocument(request)).raw)),
  );
  app.get(item, { schema: schema('Get an inbound intent', item, false) }, async (request, reply) =>
    sendOne(reply, await seed.getInbound(paramsOf(request), paramsOf(request).name as string)),
  );
  app.put(item, { schema: schema('Create or replace an inbound intent', item, 'inbound') }, async (request, reply) => {
    const { raw } = await readDocument(request);
    return sendWrite(
      reply,
      await seed.replaceInbound(paramsOf(request), paramsOf(request).name as string, raw, {
        ifMatch: ifMatch(request),
      }),
    );
  });
  app.delete(item, { schema: schema('Delete an inbound intent', item, false) }, async (request, reply) => {
    await seed.removeInbound(paramsOf(request), paramsOf(request).name as string, { ifMatch: ifMatch(request) });
    return reply.status(204).send();
  });
}

function registerOutbound(app: FastifyInstance, seed: SeedPathService): void {
  const byService = `${OUTBOUND}/:inboundService`;
  const item = `${byService}/:client`;
  app.get(
    OUTBOUND,
    { schema: schema('List every client of a composite app version', OUTBOUND, false) },
    async (request, reply) => sendList(reply, await seed.listClients(paramsOf(request))),
  );
  app.post(
    OUTBOUND,
    { schema: schema('Add a client to the inbound service named in spec.inboundServiceName', OUTBOUND, 'client') },
    async (request, reply) =>
      sendWrite(reply, await seed.createClient(paramsOf(request), undefined, (await readDocument(request)).raw)),
  );
  app.get(
    byService,
    { schema: schema('List the clients of an inbound service', byService, false) },
    async (request, reply) =>
      sendList(reply, await seed.listClients(paramsOf(request), paramsOf(request).inboundService)),
  );
  app.post(
    byService,
    { schema: schema('Add a client to an inbound service', byService, 'client') },
    async (request, reply) =>
      sendWrite(
        reply,
        await seed.createClient(paramsOf(request), paramsOf(request).inboundService, (await readDocument(request)).raw),
      ),
  );
  app.get(item, { schema: schema('Get a client', item, false) }, async (request, reply) => {
    const params = paramsOf(request);
    return sendOne(reply, await seed.getClient(params, params.inboundService as string, params.client as string));
  });
  app.put(item, { schema: schema('Create or replace a client', item, 'client') }, async (request, reply) => {
    const params = paramsOf(request);
    const { raw } = await readDocument(request);
    return sendWrite(
      reply,
      await seed.replaceClient(params, params.inboundService as string, params.client as string, raw, {
        ifMatch: ifMatch(request),
      }),
    );
  });
  app.delete(item, { schema: schema('Delete a client', item, false) }, async (request, reply) => {
    const params = paramsOf(request);
    await seed.removeClient(params, params.inboundService as string, params.client as string, {
      ifMatch: ifMatch(request),
    });
    return reply.status(204).send();
  });
}

export function registerSeedRoutes(app: FastifyInstance, seed: SeedPathService): void {
  registerInbound(app, seed);
  registerOutbound(app, seed);
}
