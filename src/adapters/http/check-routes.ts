/** `GET /v2/check-route`: where a call would go, with what share, and whether it is let in, from the rendered objects. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError, type Issue } from '../../core/errors.js';
import { HTTP_METHODS } from '../../core/model/access.js';
import { isIpAddress } from '../../core/model/formats.js';
import type { CheckRouteQuery, CheckRouteService } from '../../service/check-route-service.js';
import { AnyObject, errorResponses, success } from './openapi.js';

type RawQuery = Partial<Record<keyof CheckRouteQuery, unknown>>;

const querySchema = {
  type: 'object',
  required: ['from', 'to', 'cluster', 'path'],
  properties: {
    from: { type: 'string', description: 'the calling app' },
    to: {
      type: 'string',
      description: 'the host it calls: service01, service01.bar, an FQDN or httpbin.namespace02.logicalcloud02',
    },
    cluster: { type: 'string', description: 'provider/cluster the caller runs in' },
    path: { type: 'string', description: 'request path, e.g. /headers' },
    port: { type: 'string', description: "the port called (default: the host's lowest port)" },
    method: { type: 'string', enum: [...HTTP_METHODS], description: 'HTTP method (default GET)' },
    project: { type: 'string', description: 'the project, when the app runs in that cluster for several' },
    namespace: { type: 'string', description: 'the namespace, when the app runs in several there' },
    sourceIp: { type: 'string', description: "the caller's IP, for policies on ipBlocks" },
  },
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function text(query: RawQuery, field: keyof CheckRouteQuery, issues: Issue[], required: boolean): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') {
    if (required) issues.push({ path: field, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.push({ path: field, message: 'must be given once' });
    return undefined;
  }
  return value;
}

function check(
  issues: Issue[],
  field: string,
  value: string | undefined,
  problem: (value: string) => string | undefined,
) {
  const message = value === undefined ? undefined : problem(value);
  if (message) issues.push({ path: field, message });
}

export function parseCheckQuery(request: FastifyRequest): CheckRouteQuery {
  const query = (request.query ?? {}) as RawQuery;
  const issues: Issue[] = [];
  const from = text(query, 'from', issues, true);
  const to = text(query, 'to', issues, true);
  const cluster = text(query, 'cluster', issues, true);
  const path = text(query, 'path', issues, true);
  const method = text(query, 'method', issues, false)?.toUpperCase() ?? 'GET';
  const project = text(query, 'project', issues, false);
  const namespace = text(query, 'namespace', issues, false);
  const sourceIp = text(query, 'sourceIp', issues, false);
  const port = text(query, 'port', issues, false);
  check(issues, 'port', port, (value) =>
    /^[1-9][0-9]{0,4}$/.test(value) && Number(value) <= 65535 ? undefined : 'must be a port number (1-65535)',
  );
  check(issues, 'from', from, (value) => (NAME.test(value) ? undefined : 'must be an app name'));
  check(issues, 'to', to, (value) =>
    /^[A-Za-z0-9*]([A-Za-z0-9.-]*)\.?$/.test(value) ? undefined : 'must be a host name',
  );
  check(issues, 'cluster', cluster, (value) => (/^[^/]+\/[^/]+$/.test(value) ? undefined : 'must be provider/cluster'));
  check(issues, 'path', path, (value) => (value.startsWith('/') ? undefined : 'must start with "/"'));
  check(issues, 'method', method, (value) =>
    (HTTP_METHODS as readonly string[]).includes(value) ? undefined : `must be one of ${HTTP_METHODS.join(', ')}`,
  );
  check(issues, 'sourceIp', sourceIp, (value) => (isIpAddress(value) ? undefined : 'must be an IP address'));
  if (issues.length > 0) throw new ValidationError('bad query parameters', issues);
  return {
    from: from as string,
    to: to as string,
    cluster: cluster as string,
    path: path as string,
    method,
    ...(project === undefined ? {} : { project }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(sourceIp === undefined ? {} : { sourceIp }),
    ...(port === undefined ? {} : { port: Number(port) }),
  };
}

export function registerCheckRoutes(app: FastifyInstance, service: CheckRouteService): void {
  app.get(
    '/v2/check-route',
    {
      schema: {
        tags: ['render'],
        operationId: 'checkRoute',
        summary: 'Where a call would go and with what share, and whether the AuthorizationPolicies let it in',
        description:
          'Decided from the rendered objects (not the intents): the VirtualService rule the call matches, each destination with its serving cluster and share, and the verdict of the serving AuthorizationPolicies with its reason.',
        querystring: querySchema,
        response: {
          200: success(
            'The matched rule, each destination with its serving cluster and share, and the verdict with its reason',
            AnyObject,
          ),
          // A caller that does not run in that cluster is a 400 naming the candidates, not a 404.
          ...errorResponses(400),
        },
      },
    },
    async (request) => service.check(parseCheckQuery(request)),
  );
}
