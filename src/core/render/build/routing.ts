/**
 * Weighted routing (seed 001): a VirtualService for the routed host in every
 * cluster the host is placed in; each destination by its cluster-local name when
 * it runs in that cluster, else by its cross-cluster name.
 */
import type { HTTPMatchRequest, HTTPRoute } from '../../istio/objects.js';
import { kubernetesServicePort, type InboundSpec } from '../../model/inbound.js';
import { specOf } from '../../model/kind.js';
import { meshOf, sharesDiscovery } from '../mesh.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Owner, RenderedObject } from '../objects.js';
import { profileFor } from '../profile.js';
import { crossClusterHost, dnsLabel, istioVersionOf, localHost, type ServiceModel } from '../services.js';
import type { ClusterFacts, SnapshotRecord } from '../snapshot.js';
import type { GroupInfo, Topology } from '../topology.js';
import { stableName } from '../names.js';
import type { UnitOutput } from './service.js';
import { object } from './shared.js';

interface RouteSpec {
  host: string;
  port?: number;
  http: {
    name?: string;
    match?: {
      uriPrefix?: string;
      uriExact?: string;
      uriRegex?: string;
      method?: string;
      headers?: Record<string, string>;
    }[];
    route: { app: string; weight: number; port?: number }[];
    timeout?: string;
    retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
  }[];
}

export interface RoutingContext {
  topology: Topology;
  /** The inbound intent serving an app in a group, if any: it names the service and its port. */
  serviceOf(groupKey: string, app: string): ServiceModel | undefined;
}

/** Largest-remainder rounding, for Istio versions whose webhook wants weights to total 100. */
export function weightsTo100(weights: number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0 || total === 100) return weights;
  const exact = weights.map((weight) => (weight * 100) / total);
  const floored = exact.map(Math.floor);
  let left = 100 - floored.reduce((sum, weight) => sum + weight, 0);
  const order = exact
    .map((value, index) => ({ index, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    floored[index] = (floored[index] as number) + 1;
    left -= 1;
  }
  return floored;
}

function match(condition: NonNullable<RouteSpec['http'][number]['match']>[number]): HTTPMatchRequest {
  const out: HTTPMatchRequest = {};
  if (condition.uriPrefix) out.uri = { prefix: condition.uriPrefix };
  if (condition.uriExact) out.uri = { exact: condition.uriExact };
  if (condition.uriRegex) out.uri = { regex: condition.uriRegex };
  if (condition.method) out.method = { exact: condition.method };
  if (condition.headers)
    out.headers = Object.fromEntries(
      Object.entries(condition.headers).map(([name, value]) => [name, { exact: value }]),
    );
  return out;
}

function destinationHost(
  app: string,
  clusterKey: string,
  group: GroupInfo,
  context: RoutingContext,
): { host: string; port?: number } | undefined {
  const service = context.serviceOf(group.key, app);
  const serviceName = service?.spec.serviceName ?? dnsLabel(app);
  const placements = context.topology.inGroup(group.key, app);
  if (placements.some((placement) => placement.cluster.key === clusterKey)) {
    return {
      host: localHost(serviceName, group.namespace as string),
      ...(onePort(service) ? { port: kubernetesServicePort(onePort(service) as InboundSpec) } : {}),
    };
  }
  const cluster = context.topology.clusters.get(clusterKey);
  if (!service || !cluster || placements.length === 0) return undefined;
  // One multi-primary mesh calls the service by its real name (edges.ts decides the same way).
  const port = onePort(service);
  if (placements.every((placement) => sharesDiscovery(cluster, placement.cluster)))
    return {
      host: localHost(serviceName, group.namespace as string),
      ...(port ? { port: kubernetesServicePort(port) } : {}),
    };
  return { host: crossClusterHost(service, cluster), ...(port ? { port: port.port } : {}) };
}

/**
 * A route names the destination's port only when the Service has one; with several, a call keeps the port it
 * was made to (a destination without a port takes the listener's: 1.24 networking/core/route/route.go GetDestinationCluster).
 */
function onePort(service: ServiceModel | undefined): InboundSpec | undefined {
  return service && service.ports.length <= 1 ? service.spec : undefined;
}

/**
 * Seen by the group's namespace and the namespaces of the host's clients in that cluster: a VirtualService
 * visible mesh-wide would send callers meshbridge knows nothing of to destinations they may not see.
 */
function visibility(hostService: ServiceModel | undefined, cluster: ClusterFacts, namespace: string) {
  const callers = (hostService?.clients ?? [])
    .flatMap((client) => client.placements)
    .filter((placement) => placement.cluster.key === cluster.key && placement.namespace !== namespace)
    .map((placement) => placement.namespace);
  const others = [...new Set(callers)].sort();
  // Before 1.7 exportTo reads only whether its first entry is ".": name no other namespace there.
  if (others.length > 0 && !meshOf(cluster).profile.exportToNamespaces) return {};
  return { exportTo: ['.', ...others] };
}

export function renderRouting(record: SnapshotRecord, context: RoutingContext): UnitOutput {
  const byCluster = new Map<string, RenderedObject[]>();
  const diagnostics: Diagnostic[] = [];
  const groupKey = record.key.slice(0, record.key.lastIndexOf('/traffic-group-intents/'));
  const group = context.topology.groups.get(groupKey);
  if (!group || group.namespace === undefined) return { byCluster, diagnostics };
  const spec = specOf(record.body) as unknown as RouteSpec;
  const name = decodeURIComponent(record.key.slice(record.key.lastIndexOf('/') + 1));
  const owner: Owner = {
    project: group.project,
    compositeApp: group.compositeApp,
    compositeAppVersion: group.compositeAppVersion,
    deploymentIntentGroup: group.name,
    intentKind: 'routing',
    intent: name,
  };
  const hostService = context.serviceOf(group.key, spec.host);
  const host = localHost(hostService?.spec.serviceName ?? dnsLabel(spec.host), group.namespace);
  const placements = context.topology.inGroup(group.key, spec.host);
  const last = spec.http[spec.http.length - 1];
  if (last?.match && last.match.length > 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'RouteWithoutDefault',
      message: `every rule of ${name} has match conditions, so a call to ${host} that matches none gets 404 (no route) from the caller's sidecar; end with a rule without match to send the rest somewhere`,
      resource: record.key,
    });
  }
  if (placements.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'RouteHostNotPlaced',
      message: `routed host ${spec.host} is placed in no cluster by group ${group.name}`,
      resource: record.key,
    });
  }
  for (const placement of placements) {
    const profile = profileFor(istioVersionOf(placement.cluster));
    const http = spec.http.map((rule, ruleIndex) => {
      const targets = rule.route.map((target) => ({
        target,
        destination: destinationHost(target.app, placement.cluster.key, group, context),
      }));
      for (const { target, destination } of targets) {
        if (!destination) {
          diagnostics.push({
            severity: 'error',
            code: 'RouteDestinationUnreachable',
            message: `${target.app} is neither placed in ${placement.cluster.provider}/${placement.cluster.name} nor served cross-cluster by an inbound intent of group ${group.name}`,
            resource: record.key,
            cluster: `${placement.cluster.provider}/${placement.cluster.name}`,
          });
        }
      }
      const reachable = targets.flatMap(({ target, destination }) => (destination ? [{ target, destination }] : []));
      const weights = reachable.map(({ target }) => target.weight);
      const finalWeights = profile.weightsMustSum100 ? weightsTo100(weights) : weights;
      const port = (target: (typeof reachable)[number]['target'], destination: { port?: number }) =>
        target.port ?? destination.port;
      const route: HTTPRoute = {
        name: rule.name ?? `rule-${ruleIndex}`,
        ...(rule.match && rule.match.length > 0 ? { match: rule.match.map(match) } : {}),
        route: reachable.map(({ target, destination }, index) => ({
          destination: {
            host: destination.host,
            ...(port(target, destination) ? { port: { number: port(target, destination) as number } } : {}),
          },
          weight: finalWeights[index] as number,
        })),
        ...(rule.timeout ? { timeout: rule.timeout } : {}),
        ...(rule.retries ? { retries: rule.retries } : {}),
      };
      return route;
    });
    const usable = http.filter((rule) => (rule.route ?? []).length > 0);
    if (usable.length === 0) continue;
    byCluster.set(placement.cluster.key, [
      object(
        {
          apiVersion: profile.networkingApi,
          kind: 'VirtualService',
          name: stableName([name]),
          namespace: group.namespace,
        },
        owner,
        {
          hosts: [host],
          ...visibility(hostService, placement.cluster, group.namespace as string),
          http: usable,
        },
      ),
    ]);
  }
  return { byCluster, diagnostics };
}
