/** The rendered Istio configuration: of a deployment intent group, of a cluster, of the fleet. */
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../../core/errors.js';
import type { PathParams } from '../../core/model/kind.js';
import { renderView, renderYaml } from '../../core/render/present.js';
import type { RenderResult } from '../../core/render/render.js';
import type { RenderService } from '../../service/render-service.js';
import { AnyObject, errorResponses, paramsSchema, success } from './openapi.js';
import type { Answer, Route } from './route.js';

interface RenderQuery {
  format?: string;
  cluster?: string;
  showSecrets?: string;
}

const querySchema = {
  type: 'object',
  properties: {
    format: {
      type: 'string',
      enum: ['json', 'yaml'],
      description: 'yaml: multi-document YAML, a comment line per cluster',
    },
    cluster: { type: 'string', description: 'provider/cluster: only that cluster' },
    showSecrets: { type: 'string', enum: ['true', 'false'], description: 'show Secret data instead of redacting it' },
  },
};

function parseQuery(query: RenderQuery): { format: 'json' | 'yaml'; cluster?: string; showSecrets: boolean } {
  const issues = [];
  if (query.format !== undefined && query.format !== 'json' && query.format !== 'yaml')
    issues.push({ path: 'format', message: 'must be json or yaml' });
  if (query.cluster !== undefined && !/^[^/]+\/[^/]+$/.test(query.cluster))
    issues.push({ path: 'cluster', message: 'must be provider/cluster' });
  if (issues.length > 0) throw new ValidationError('bad query parameters', issues);
  return {
    format: query.format === 'yaml' ? 'yaml' : 'json',
    ...(query.cluster ? { cluster: query.cluster } : {}),
    showSecrets: query.showSecrets === 'true',
  };
}

function answer(result: RenderResult, options: ReturnType<typeof parseQuery>): Answer {
  const view = renderView(result, { showSecrets: options.showSecrets });
  if (options.format === 'yaml')
    return { status: 200, headers: { 'content-type': 'application/yaml; charset=utf-8' }, body: renderYaml(view) };
  return { status: 200, headers: {}, body: view };
}

type Renderer = (params: PathParams, options: ReturnType<typeof parseQuery>) => Promise<RenderResult>;

export function renderRoutes(render: RenderService): Route[] {
  const routes: { path: string; operationId: string; summary: string; run: Renderer }[] = [
    {
      path: '/v2/projects/:project/composite-apps/:compositeApp/:compositeAppVersion/deployment-intent-groups/:deploymentIntentGroup/render',
      operationId: 'renderDeploymentIntentGroup',
      summary: "The Istio objects a deployment intent group's intents put in every cluster",
      run: (params, options) => render.renderGroup(params, options),
    },
    {
      path: '/v2/cluster-providers/:clusterProvider/clusters/:cluster/render',
      operationId: 'renderCluster',
      summary: 'Everything meshbridge manages in one cluster, across all projects',
      run: (params) => render.renderCluster(params),
    },
    {
      path: '/v2/render',
      operationId: 'renderFleet',
      summary: 'Everything meshbridge manages, in every cluster',
      run: (_params, options) => render.renderFleet(options),
    },
  ];
  return routes.map(({ path, operationId, summary, run }) => {
    const params = paramsSchema(path.replace('/v2', ''));
    const schema = {
      tags: ['render'],
      operationId,
      summary,
      ...(Object.keys(params.properties).length > 0 ? { params } : {}),
      querystring: querySchema,
      response: {
        200: success(
          'The rendered objects per cluster, with what the renderer reports (docs/rendering.md)',
          undefined,
          {
            content: { 'application/json': AnyObject, 'application/yaml': Type.String() },
          },
        ),
        ...errorResponses(400, ...(path === '/v2/render' ? [] : ([404] as const))),
      },
    };
    return {
      method: 'GET',
      url: path,
      schema,
      run: async (input) => {
        const options = parseQuery(input.query);
        return answer(await run(input.params, options), options);
      },
    };
  });
}
