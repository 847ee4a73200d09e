/** The HTTP adapter: EMCO's `/v2` API, OpenAPI at `/v2/openapi.json`, a browsable page at `/docs`, the web page at `/`. */
import { BODY_LIMIT, readJsonBody } from './json-body.js';
import { registerLargeBodyLine, SingleFile } from './large-bodies.js';
import { BodyBudget } from './body-budget.js';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { ResolvedGateway } from '../../core/model/gateway.js';
import type { PathParams } from '../../core/model/kind.js';
import type { ResourceService } from '../../service/resource-service.js';
import type { SeedPathService } from '../../service/seed-paths.js';
import type { RenderService } from '../../service/render-service.js';
import type { CheckRouteService } from '../../service/check-route-service.js';
import type { MapService } from '../../service/map-service.js';
import type { DeployService } from '../../service/deploy/deploy-service.js';
import type { LogicalCloudService } from '../../service/logical-cloud-service.js';
import type { AccessRecords } from '../../service/access/access-records.js';
import type { TokenService } from '../../service/access/tokens.js';
import { registerAccess, type AccessOptions } from './authentication.js';
import { registerAccessRoutes } from './access-routes.js';
import { registerDeployRoutes } from './deploy-routes.js';
import { registerLogicalCloudRoutes } from './logical-cloud-routes.js';
import { registerCheckRoutes } from './check-routes.js';
import { registerMapRoutes } from './map-routes.js';
import { renderRoutes } from './render-routes.js';
import { errorHandler } from './errors.js';
import { registerNotFound } from './not-found.js';
import { registerMetricsRoute, type MetricsText } from './metrics-route.js';
import { ErrorResponse, errorResponses, paramsSchema, AnyObject, success } from './openapi.js';
import { openApiOptions } from './openapi-document.js';
import { resourceRoutes } from './resource-routes.js';
import { serveRoutes } from './route.js';
import { seedRoutes } from './seed-routes.js';
import { registerWebPage } from '../web/static-files.js';

export interface HttpServices {
  resources: ResourceService;
  seedPaths: SeedPathService;
  render: RenderService;
  checkRoute: CheckRouteService;
  map: MapService;
  deploy: DeployService;
  logicalClouds: LogicalCloudService;
  tokens: TokenService;
  accessRecords: AccessRecords;
  clusterGateway(params: PathParams): Promise<ResolvedGateway>;
  ready(): Promise<boolean>;
  /** `/metrics`, when given. */
  metrics?: MetricsText;
}

export interface HttpOptions {
  logger?: FastifyServerOptions['logger'];
  version: string;
  /** Authentication (when on), the access policy and the audit log. */
  access: AccessOptions;
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 5 * 60_000;

export async function buildHttpServer(services: HttpServices, options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Kept by json-body.ts for JSON bodies, which it reads from the stream itself.
    bodyLimit: BODY_LIMIT,
    // Node's own limit on receiving a whole request, which Fastify turns off: a client that sends a
    // body a byte a minute would otherwise hold its connection and the body's buffers for ever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Seed 000 writes its URLs with a trailing slash.
    routerOptions: { ignoreTrailingSlash: true },
  });
  // Bodies are normalized and validated by the core, which names every bad field;
  // the route schemas are there for the OpenAPI document only.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // JSON only (and multipart): a document sent as text/plain is a 415, not a guess.
  app.removeAllContentTypeParsers();
  const largeBodies = new SingleFile();
  const bodyBudget = new BodyBudget();
  // The request's stream, not a buffer: the body is measured as it arrives, and joined and
  // decoded only when it has passed (json-body.ts).
  app.addContentTypeParser('application/json', (request: FastifyRequest, payload: IncomingMessage) =>
    readJsonBody(request, payload, largeBodies, bodyBudget),
  );
  app.setErrorHandler(errorHandler);
  registerNotFound(app);
  registerAccess(app, options.access);
  registerLargeBodyLine(app);

  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1 } });
  app.addSchema(ErrorResponse);
  await app.register(swagger, openApiOptions(options.version));
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ready = await services.ready();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unavailable' });
  });
  registerWebPage(app);
  app.get('/v2/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // `meshbridge version` asks this; any token may, as any may read the OpenAPI document.
  app.get('/v2/version', { schema: { hide: true } }, async () => ({ version: options.version }));

  serveRoutes(app, [
    ...resourceRoutes(services.resources),
    ...seedRoutes(services.seedPaths),
    ...renderRoutes(services.render),
  ]);
  registerCheckRoutes(app, services.checkRoute);
  registerMapRoutes(app, services.map);
  registerDeployRoutes(app, services.deploy);
  registerLogicalCloudRoutes(app, services.logicalClouds);
  registerAccessRoutes(app, services.tokens, services.accessRecords);
  if (services.metrics) registerMetricsRoute(app, services.metrics);
  const gatewayPath = '/v2/cluster-providers/:clusterProvider/clusters/:cluster/gateway';
  app.get(
    gatewayPath,
    {
      schema: {
        tags: ['cluster'],
        operationId: 'getClusterGateway',
        summary: 'The resolved gateway of a cluster (spec or EMCO kv-pairs)',
        params: paramsSchema(gatewayPath.replace('/v2', '')),
        response: {
          200: success('{address, port, internalPort, source, warnings}; address is null when neither says', AnyObject),
          ...errorResponses(404),
        },
      },
    },
    async (request) => services.clusterGateway(request.params as PathParams),
  );
  return app;
}
