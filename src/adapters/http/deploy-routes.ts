/** The deployment lifecycle of a deployment intent group: EMCO's verbs, status, diff and revisions. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../core/errors.js';
import type { PathParams } from '../../core/model/kind.js';
import type { DeployService } from '../../service/deploy/deploy-service.js';
import { paramsSchema } from './openapi.js';

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

export function registerDeployRoutes(app: FastifyInstance, deploy: DeployService): void {
  const schema = (summary: string, extra: object = {}) => ({
    tags: ['deploy'],
    summary,
    params: paramsSchema(`${GROUP}/approve`.replace('/v2', '').replace('/approve', '')),
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
    app.post(`${GROUP}/${verb}`, { schema: schema(summary) }, async (request, reply) =>
      accepted(reply, request, await run(request)),
    );
  }
  app.get(
    `${GROUP}/status`,
    {
      schema: schema('Where every object of the group stands, per cluster', {
        querystring: { type: 'object', properties: { changes: { type: 'string', enum: ['true', 'false'] } } },
      }),
    },
    async (request) =>
      deploy.status(params(request), {
        changes: flag((request.query as { changes?: string }).changes, 'changes') ?? true,
      }),
  );
  app.post(
    `${GROUP}/status`,
    { schema: schema('With ?refresh: read every cluster now, repair drift, retry failures; answers when done') },
    async (request) => {
      if (flag((request.query as { refresh?: string }).refresh, 'refresh') !== true)
        throw new ValidationError('POST status needs ?refresh', [{ path: 'refresh', message: 'is required' }]);
      return deploy.refresh(params(request));
    },
  );
  app.get(
    `${GROUP}/diff`,
    {
      schema: schema('What an update would create, change and delete, per cluster (nothing is touched)', {
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'text'] } } },
      }),
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
  app.get(`${GROUP}/revisions`, { schema: schema('Every revision of the group, oldest first') }, async (request) =>
    deploy.revisions(params(request)),
  );
}
