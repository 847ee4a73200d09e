/** Seed 000's traffic paths, which name no deployment intent group (see service/seed-paths.ts). */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { inboundClientKind } from '../../core/model/clients.js';
import { inboundIntentKind } from '../../core/model/inbound.js';
import type { ResourceKind } from '../../core/model/kind.js';
import type { SeedPathService } from '../../service/seed-paths.js';
import { BODY_ERRORS, errorResponses, ifMatchHeaders, paramsSchema, success } from './openapi.js';
import { answerList, answerOne, answerWrite, NO_CONTENT } from './present.js';
import type { Route } from './route.js';

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

const seedParams = (params: Record<string, string>) => params as unknown as SeedParams & Record<string, string>;

function inboundRoutes(seed: SeedPathService): Route[] {
  const item = `${INBOUND}/:name`;
  return [
    {
      method: 'GET',
      url: INBOUND,
      schema: inboundSchema(
        'listSeedInboundIntents',
        'List inbound intents of a composite app version',
        INBOUND,
        'list',
      ),
      run: async ({ params }) => answerList(await seed.listInbound(seedParams(params))),
    },
    {
      method: 'POST',
      url: INBOUND,
      schema: inboundSchema(
        'createSeedInboundIntent',
        'Create an inbound intent in the group that places its app',
        INBOUND,
        'create',
      ),
      run: async ({ params, document }) =>
        answerWrite(await seed.createInbound(seedParams(params), (await document()).raw)),
    },
    {
      method: 'GET',
      url: item,
      schema: inboundSchema('getSeedInboundIntent', 'Get an inbound intent', item, 'get'),
      run: async ({ params }) => answerOne(await seed.getInbound(seedParams(params), params.name as string)),
    },
    {
      method: 'PUT',
      url: item,
      schema: inboundSchema('replaceSeedInboundIntent', 'Create or replace an inbound intent', item, 'replace'),
      run: async ({ params, document, ifMatch }) => {
        const { raw } = await document();
        return answerWrite(await seed.replaceInbound(seedParams(params), params.name as string, raw, { ifMatch }));
      },
    },
    {
      method: 'DELETE',
      url: item,
      schema: inboundSchema('deleteSeedInboundIntent', 'Delete an inbound intent', item, 'delete'),
      run: async ({ params, ifMatch }) => {
        await seed.removeInbound(seedParams(params), params.name as string, { ifMatch });
        return NO_CONTENT;
      },
    },
  ];
}

function outboundRoutes(seed: SeedPathService): Route[] {
  const byService = `${OUTBOUND}/:inboundService`;
  const item = `${byService}/:client`;
  return [
    {
      method: 'GET',
      url: OUTBOUND,
      schema: clientSchema('listSeedClients', 'List every client of a composite app version', OUTBOUND, 'list'),
      run: async ({ params }) => answerList(await seed.listClients(seedParams(params))),
    },
    {
      method: 'POST',
      url: OUTBOUND,
      schema: clientSchema(
        'createSeedClient',
        'Add a client to the inbound service named in spec.inboundServiceName',
        OUTBOUND,
        'create',
      ),
      run: async ({ params, document }) =>
        answerWrite(await seed.createClient(seedParams(params), undefined, (await document()).raw)),
    },
    {
      method: 'GET',
      url: byService,
      schema: clientSchema('listSeedClientsOfService', 'List the clients of an inbound service', byService, 'list'),
      run: async ({ params }) => answerList(await seed.listClients(seedParams(params), params.inboundService)),
    },
    {
      method: 'POST',
      url: byService,
      schema: clientSchema('createSeedClientOfService', 'Add a client to an inbound service', byService, 'create'),
      run: async ({ params, document }) =>
        answerWrite(await seed.createClient(seedParams(params), params.inboundService, (await document()).raw)),
    },
    {
      method: 'GET',
      url: item,
      schema: clientSchema('getSeedClient', 'Get a client', item, 'get'),
      run: async ({ params }) =>
        answerOne(await seed.getClient(seedParams(params), params.inboundService as string, params.client as string)),
    },
    {
      method: 'PUT',
      url: item,
      schema: clientSchema('replaceSeedClient', 'Create or replace a client', item, 'replace'),
      run: async ({ params, document, ifMatch }) => {
        const { raw } = await document();
        const { inboundService, client } = params as { inboundService: string; client: string };
        return answerWrite(await seed.replaceClient(seedParams(params), inboundService, client, raw, { ifMatch }));
      },
    },
    {
      method: 'DELETE',
      url: item,
      schema: clientSchema('deleteSeedClient', 'Delete a client', item, 'delete'),
      run: async ({ params, ifMatch }) => {
        const { inboundService, client } = params as { inboundService: string; client: string };
        await seed.removeClient(seedParams(params), inboundService, client, { ifMatch });
        return NO_CONTENT;
      },
    },
  ];
}

export function seedRoutes(seed: SeedPathService): Route[] {
  return [...inboundRoutes(seed), ...outboundRoutes(seed)];
}
