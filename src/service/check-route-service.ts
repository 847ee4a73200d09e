/**
 * `check route` as a use case: find where the calling app runs (its identity),
 * render the fleet, and let the core decide from the rendered objects where the
 * call goes and whether it is let in.
 */
import { callerPlacement, type CallerPlacement } from '../core/render/check-route-caller.js';
import { checkRoute, type RouteCheck } from '../core/render/check-route.js';
import { buildTopology } from '../core/render/topology.js';
import type { RenderService } from './render-service.js';
import { readSnapshot } from './snapshot.js';
import type { StoreReader } from './store.js';

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
}

export interface CheckRouteAnswer extends RouteCheck {
  from: Omit<CallerPlacement, 'labels' | 'trustDomain'>;
}

export class CheckRouteService {
  constructor(
    private readonly store: StoreReader,
    private readonly render: RenderService,
  ) {}

  async check(query: CheckRouteQuery): Promise<CheckRouteAnswer> {
    const snapshot = await readSnapshot(this.store);
    const caller = callerPlacement(snapshot, buildTopology(snapshot), {
      app: query.from,
      cluster: query.cluster,
      ...(query.project === undefined ? {} : { project: query.project }),
      ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
    });
    const rendered = await this.render.renderFleet();
    const fleet = rendered.clusters.map((entry) => ({
      clusterProvider: entry.cluster.provider,
      cluster: entry.cluster.name,
      resources: entry.resources,
      gatewayAddress: entry.cluster.gateway.address,
    }));
    const result = checkRoute(
      fleet,
      {
        cluster: query.cluster,
        namespace: caller.namespace,
        serviceAccount: caller.serviceAccount,
        trustDomain: caller.trustDomain,
        labels: caller.labels,
        ...(query.sourceIp === undefined ? {} : { ip: query.sourceIp }),
      },
      { host: query.to, path: query.path, method: query.method },
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
