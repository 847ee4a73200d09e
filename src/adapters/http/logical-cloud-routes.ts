/** A logical cloud's lifecycle, as EMCO's DCM serves it: instantiate, terminate (202) and status. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PathParams } from '../../core/model/kind.js';
import type { LogicalCloudService } from '../../service/logical-cloud-service.js';
import { errorResponses, paramsSchema, success } from './openapi.js';

const CLOUD = '/v2/projects/:project/logical-clouds/:logicalCloud';

const CloudStatus = Type.Object({
  project: Type.String(),
  logicalCloud: Type.String(),
  level: Type.String({ enum: ['0', '1'], description: '"0": admin cloud; "1": standard cloud' }),
  namespace: Type.String({ description: "The cloud's namespace; 'default' for an admin cloud that names none" }),
  state: Type.String({ enum: ['Created', 'Instantiated', 'Terminated'] }),
  at: Type.Optional(Type.String({ format: 'date-time', description: 'When the cloud entered its state' })),
  clusters: Type.Array(
    Type.Object({ clusterReference: Type.String(), clusterProvider: Type.String(), cluster: Type.String() }),
  ),
});

const params = (request: FastifyRequest) => request.params as PathParams;

export function registerLogicalCloudRoutes(app: FastifyInstance, clouds: LogicalCloudService): void {
  const schema = (operationId: string, summary: string, response: object) => ({
    tags: ['logical cloud'],
    operationId,
    summary,
    params: paramsSchema(CLOUD.replace('/v2', '')),
    response,
  });
  const verbs = [
    {
      verb: 'instantiate',
      summary: "Instantiate the logical cloud: checked as EMCO's DCM does, and recorded (202)",
      run: (request: FastifyRequest) => clouds.instantiate(params(request)),
    },
    {
      verb: 'terminate',
      summary: 'Terminate the logical cloud; refused while a deployment intent group of it is instantiated (202)',
      run: (request: FastifyRequest) => clouds.terminate(params(request)),
    },
  ];
  for (const { verb, summary, run } of verbs) {
    app.post(
      `${CLOUD}/${verb}`,
      {
        schema: schema(`${verb}LogicalCloud`, summary, {
          202: success('Done: the body is the status; Location is its path', CloudStatus, {
            headers: { location: { type: 'string', description: 'The status path of the logical cloud' } },
          }),
          ...errorResponses(404, 409),
        }),
      },
      async (request, reply) => {
        const status = await run(request);
        return reply
          .status(202)
          .header('location', `${request.url.replace(/\/[^/?]+(\?.*)?$/, '')}/status`)
          .send(status);
      },
    );
  }
  app.get(
    `${CLOUD}/status`,
    {
      schema: schema('getLogicalCloudStatus', "The logical cloud's state, since when, and its clusters", {
        200: success("The logical cloud's state and clusters", CloudStatus),
        ...errorResponses(404),
      }),
    },
    async (request) => clouds.status(params(request)),
  );
}
