/** The deployment lifecycle of a deployment intent group: EMCO's verbs, status, diff and revisions. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../core/errors.js';
import type { PathParams } from '../../core/model/kind.js';
import type { DeployService } from '../../service/deploy/deploy-service.js';
import { AnyObject, BODY_ERRORS, errorResponses, paramsSchema, success } from './openapi.js';

const GROUP =
  '/v2/projects/:project/composite-apps/:compositeApp/:compositeAppVersion/deployment-intent-groups/:deploymentIntentGroup';

const params = (request: FastifyRequest) => request.params as PathParams;

/** EMCO sends `{"spec": {"revision": n}}`; `{"revision": n}` works too. */
function revisionOf(body: unknown): number {
  const record = (body ?? {}) as { revision?: unknown; spec?: { revision?: unknown } };
  const raw = record.spec?.revision ?? record.revision;
  const revision = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1) {
    throw new ValidationError('rollback needs the revision to go back to', [
      { path: 'spec.revision', message: 'must be a revision number (1 or more); GET .../revisions lists them' },
    ]);
  }
  return revision;
}

const ROLLBACK_BODY = Type.Object({
  spec: Type.Object({ revision: Type.Integer({ minimum: 1, description: 'The revision to go back to' }) }),
});

function flag(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new ValidationError('bad query parameters', [{ path: name, message: 'must be true or false' }]);
}

function accepted(reply: FastifyReply, request: FastifyRequest, body: object) {
  return reply
    .status(202)
    .header('location', `${request.url.replace(/\/[^/?]+(\?.*)?$/, '')}/status`)
    .send(body);
}

const ACCEPTED = success('Started: the operation runs in the background; Location is its status', AnyObject, {
  headers: { location: { type: 'string', description: 'The status path of the group' } },
});
const STATUS = success('Where every object of the group stands, per cluster, and the last operation', AnyObject);

export function registerDeployRoutes(app: FastifyInstance, deploy: DeployService): void {
  const schema = (operationId: string, summary: string, extra: object = {}) => ({
    tags: ['deploy'],
    operationId,
    summary,
    params: paramsSchema(GROUP.replace('/v2', '')),
    ...extra,
  });
  const verbs: { verb: string; summary: string; run: (request: FastifyRequest) => Promise<object> }[] = [
    { verb: 'approve', summary: 'Approve the group for instantiation', run: (r) => deploy.approve(params(r)) },
    {
      verb: 'instantiate',
      summary: 'Deploy the rendered objects to every cluster (202; see status)',
      run: (r) => deploy.instantiate(params(r)),
    },
    { verb: 'update', summary: 'Deploy what changed since the last revision', run: (r) => deploy.update(params(r)) },
    { verb: 'terminate', summary: 'Remove everything the group deployed', run: (r) => deploy.terminate(params(r)) },
    {
      verb: 'rollback',
      summary: 'Deploy the objects of an earlier revision again',
      run: (r) => deploy.rollback(params(r), revisionOf(r.body)),
    },
  ];
  for (const { verb, summary, run } of verbs) {
    // A refusal by the lifecycle (not approved, already instantiated, ...) is a 409.
    const errors = verb === 'rollback' ? errorResponses(...BODY_ERRORS, 404, 409) : errorResponses(404, 409);
    const extra = {
      ...(verb === 'rollback' ? { body: ROLLBACK_BODY } : {}),
      response: { 202: ACCEPTED, ...errors },
    };
    app.post(
      `${GROUP}/${verb}`,
      { schema: schema(`${verb}DeploymentIntentGroup`, summary, extra) },
      async (request, reply) => accepted(reply, request, await run(request)),
    );
  }
  app.get(
    `${GROUP}/status`,
    {
      schema: schema('getDeploymentIntentGroupStatus', 'Where every object of the group stands, per cluster', {
        querystring: { type: 'object', properties: { changes: { type: 'string', enum: ['true', 'false'] } } },
        response: { 200: STATUS, ...errorResponses(400, 404) },
      }),
    },
    async (request) =>
      deploy.status(params(request), {
        changes: flag((request.query as { changes?: string }).changes, 'changes') ?? true,
      }),
  );
  app.post(
    `${GROUP}/status`,
    {
      schema: schema(
        'refreshDeploymentIntentGroupStatus',
        'With ?refresh: read every cluster now, repair drift, retry failures; answers when done',
        {
          querystring: {
            type: 'object',
            required: ['refresh'],
            properties: { refresh: { type: 'string', enum: ['', 'true'] } },
          },
          response: { 200: STATUS, ...errorResponses(400, 404) },
        },
      ),
    },
    async (request) => {
      if (flag((request.query as { refresh?: string }).refresh, 'refresh') !== true)
        throw new ValidationError('POST status needs ?refresh', [{ path: 'refresh', message: 'is required' }]);
      return deploy.refresh(params(request));
    },
  );
  app.get(
    `${GROUP}/diff`,
    {
      schema: schema(
        'diffDeploymentIntentGroup',
        'What an update would create, change and delete, per cluster (nothing is touched)',
        {
          querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'text'] } } },
          response: {
            200: success('{revision, clusters: [{cluster, patch, ...}]}; format=text: the unified diff', undefined, {
              content: { 'application/json': AnyObject, 'text/plain': Type.String() },
            }),
            // Intents that do not render cleanly cannot be diffed: 409, as for update.
            ...errorResponses(404, 409),
          },
        },
      ),
    },
    async (request, reply) => {
      const diff = await deploy.diff(params(request));
      if ((request.query as { format?: string }).format === 'text') {
        return reply
          .header('content-type', 'text/plain; charset=utf-8')
          .send(diff.clusters.map((cluster) => cluster.patch).join(''));
      }
      return diff;
    },
  );
  app.get(
    `${GROUP}/revisions`,
    {
      schema: schema('listDeploymentIntentGroupRevisions', 'Every revision of the group, oldest first', {
        response: { 200: success('Every revision, oldest first', Type.Array(AnyObject)), ...errorResponses(404) },
      }),
    },
    async (request) => deploy.revisions(params(request)),
  );
}
