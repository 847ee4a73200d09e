/**
 * `check route` as a use case: find where the calling app runs (its identity),
 * render the fleet, and let the core decide from the rendered objects where the
 * call goes and whether it is let in.
 */
import { callerPlacement, type CallerPlacement } from '../core/render/check-route-caller.js';
import { checkRoute, type RouteCheck } from '../core/render/check-route.js';
import { buildTopology } from '../core/render/topology.js';
import type { RenderService } from './render-service.js';

export interface CheckRouteQuery {
  /** The calling app. */
  from: string;
  /** The host it calls, as it writes it. */
  to: string;
  /** `provider/cluster` the caller runs in. */
  cluster: string;
  path: string;
  method: string;
  project?: string;
  namespace?: string;
  sourceIp?: string;
  /** The port called; default the host's lowest port. */
  port?: number;
}

export interface CheckRouteAnswer extends RouteCheck {
  from: Omit<CallerPlacement, 'labels' | 'trustDomain' | 'sidecar'>;
}

export class CheckRouteService {
  constructor(private readonly render: RenderService) {}

  async check(query: CheckRouteQuery): Promise<CheckRouteAnswer> {
    const { world, snapshot } = await this.render.renderWorld();
    const topology = buildTopology(snapshot);
    const caller = callerPlacement(snapshot, topology, {
      app: query.from,
      cluster: query.cluster,
      ...(query.project === undefined ? {} : { project: query.project }),
      ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
    });
    const result = checkRoute(
      world,
      {
        cluster: query.cluster,
        namespace: caller.namespace,
        serviceAccount: caller.serviceAccount,
        trustDomain: caller.trustDomain,
        labels: caller.labels,
        sidecar: caller.sidecar,
        ...(query.sourceIp === undefined ? {} : { ip: query.sourceIp }),
      },
      {
        host: query.to,
        path: query.path,
        method: query.method,
        ...(query.port === undefined ? {} : { port: query.port }),
      },
    );
    const from = {
      app: caller.app,
      project: caller.project,
      deploymentIntentGroup: caller.deploymentIntentGroup,
      logicalCloud: caller.logicalCloud,
      namespace: caller.namespace,
      serviceAccount: caller.serviceAccount,
    };
    return { from, ...result };
  }
}
