/** The EMCO resource tree: a collection and an item route for every kind. */
import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../core/errors.js';
import type { ResourceKind } from '../../core/model/kind.js';
import { KINDS, parentKeyFromParams, routePatterns } from '../../core/model/registry.js';
import type { ResourceService } from '../../service/resource-service.js';
import { BODY_ERRORS, errorResponses, ifMatchHeaders, paramsSchema, pascal, success } from './openapi.js';
import { answerList, answerOne, answerWrite, NO_CONTENT } from './present.js';
import type { Route } from './route.js';

/** Kinds whose uploaded file is kept as a file and can be downloaded again (not secrets: those go in a write-only field). */
const KINDS_WITH_FILES = new Set(['app', 'appProfile']);

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

function kindRoutes(kind: ResourceKind, resources: ResourceService): Route[] {
  const { collection, item } = routePatterns(kind);
  const collectionParams = paramsSchema(collection);
  const itemParams = paramsSchema(item);
  const ids = kindOperationIds(kind);
  const label = kind.label;
  const created = success(`The ${label} is created`, kind.schema, { headers: CREATED_HEADERS });
  const routes: Route[] = [
    {
      method: 'GET',
      url: `/v2${collection}`,
      schema: docs(kind, `List ${label}s`, {
        operationId: ids.list,
        params: collectionParams,
        response: {
          200: success(`Every ${label} here; [] when none`, Type.Array(kind.schema)),
          ...errorResponses(404),
        },
      }),
      run: async ({ params }) => answerList(await resources.list(kind, params)),
    },
    {
      method: 'POST',
      url: `/v2${collection}`,
      schema: docs(kind, `Create a ${label}`, {
        operationId: ids.create,
        params: collectionParams,
        body: kind.schema,
        response: { 201: created, ...errorResponses(...BODY_ERRORS, 404, 409) },
      }),
      run: async ({ params, document }) => {
        const { raw, file } = await document();
        return answerWrite(await resources.create(kind, params, raw, { file }));
      },
    },
    {
      method: 'GET',
      url: `/v2${item}`,
      schema: docs(kind, `Get a ${label}`, {
        operationId: ids.get,
        params: itemParams,
        response: {
          200: success(`The ${label}, write-only fields redacted`, kind.schema, { headers: VERSION_HEADERS }),
          ...errorResponses(404),
        },
      }),
      run: async ({ params }) => answerOne(await resources.get(kind, params)),
    },
    {
      method: 'PUT',
      url: `/v2${item}`,
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
      run: async ({ params, document, ifMatch }) => {
        const { raw, file } = await document();
        return answerWrite(await resources.replace(kind, params, raw, { ifMatch, file }));
      },
    },
    {
      method: 'DELETE',
      url: `/v2${item}`,
      schema: docs(kind, `Delete a ${label}`, {
        operationId: ids.remove,
        params: itemParams,
        headers: ifMatchHeaders,
        response: { 204: success(`The ${label} is deleted`), ...errorResponses(404, 409, 412) },
      }),
      run: async ({ params, ifMatch }) => {
        await resources.remove(kind, params, { ifMatch });
        return NO_CONTENT;
      },
    },
  ];
  if (KINDS_WITH_FILES.has(kind.kind)) routes.push(fileRoute(kind, resources, item, itemParams));
  return routes;
}

function fileRoute(kind: ResourceKind, resources: ResourceService, item: string, itemParams: object): Route {
  return {
    method: 'GET',
    url: `/v2${item}/file`,
    schema: docs(kind, `Download the file uploaded with a ${kind.label}`, {
      operationId: `${kindOperationIds(kind).get}File`,
      params: itemParams,
      response: {
        200: success('The file as it was uploaded, with its content type', undefined, {
          content: { 'application/octet-stream': Type.String({ format: 'binary' }) },
        }),
        ...errorResponses(404),
      },
    }),
    run: async ({ params }) => {
      const file = await resources.getFile(kind, params);
      return {
        status: 200,
        headers: {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${file.fileName.replace(/"/g, '')}"`,
        },
        body: file.data,
      };
    },
  };
}

/** Every kind's routes, and EMCO's list of a composite app's versions. */
export function resourceRoutes(resources: ResourceService): Route[] {
  // EMCO addresses a composite app by name and version; the name alone lists its versions.
  const compositeApp = KINDS.find((kind) => kind.kind === 'compositeApp') as ResourceKind;
  const versions: Route = {
    method: 'GET',
    url: '/v2/projects/:project/composite-apps/:compositeApp',
    schema: docs(compositeApp, 'List the versions of a composite app', {
      operationId: 'listCompositeAppVersions',
      params: paramsSchema('/projects/:project/composite-apps/:compositeApp'),
      response: {
        200: success('Every version of the composite app', Type.Array(compositeApp.schema)),
        ...errorResponses(404),
      },
    }),
    run: async ({ params }) => {
      const all = await resources.list(compositeApp, params);
      const below = `${parentKeyFromParams(compositeApp, params)}/composite-apps/${params.compositeApp}/`;
      const found = all.filter((resource) => resource.key.startsWith(below));
      if (found.length === 0) throw new NotFoundError(`composite app "${params.compositeApp}" not found`);
      return answerList(found);
    },
  };
  return [...KINDS.flatMap((kind) => kindRoutes(kind, resources)), versions];
}
