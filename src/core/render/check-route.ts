/**
 * `check route`: where would a call go, and would it be let in? Decided from the
 * RENDERED objects only (not the intents), the way the caller's sidecar and the
 * serving sidecar would decide it:
 *
 * 1. the called name is resolved like Kubernetes DNS search paths resolve it;
 * 2. the VirtualService the caller sees for that host picks the first http rule
 *    whose match fits (Istio's first-match), and its weights give the shares;
 *    with no VirtualService the call goes straight to the host;
 * 3. each destination is served in the caller's cluster (`*.svc.cluster.local`)
 *    or, through the ServiceEntry the caller sees, by the cluster whose east-west
 *    gateway is the endpoint, whose AUTO_PASSTHROUGH Gateway and ServiceEntry map
 *    the host to a local Service;
 * 4. the serving cluster's AuthorizationPolicies decide (see check-route-authz.ts).
 */
import { authorize, workloadLabels, type PeerIdentity, type RequestFacts } from './check-route-authz.js';
import {
  describeStringMatch,
  hostMatches,
  pathOnly,
  qualifyHost,
  queryOf,
  resolveCalledHost,
  stringMatches,
  visibleTo,
  type StringMatch,
} from './check-route-match.js';
import { serve, type Served } from './check-route-serve.js';
import type { RenderedObject } from './objects.js';

export interface ClusterObjects {
  clusterProvider: string;
  cluster: string;
  resources: readonly RenderedObject[];
  /** The cluster's east-west gateway address: it tells which cluster a ServiceEntry endpoint reaches. */
  gatewayAddress?: string | null;
}

export interface RouteCaller {
  /** `provider/cluster` */
  cluster: string;
  namespace: string;
  serviceAccount: string;
  trustDomain: string;
  /** The caller's pod labels, for DestinationRule workload selectors and `sourceLabels` matches. */
  labels?: Record<string, string>;
  /** The caller's IP, for `ipBlocks`; without it, rules on IPs never match. */
  ip?: string;
}

export interface RouteRequest {
  /** As the caller writes it: `service01`, `service01.bar`, an FQDN or a cross-cluster host. */
  host: string;
  path: string;
  method?: string;
}

export interface RouteDestination {
  /** The destination host of the route (or the called host when no VirtualService applies). */
  host: string;
  /** `provider/cluster` that serves it; null when the call cannot be resolved or leaves the mesh. */
  servingCluster: string | null;
  /** The Kubernetes Service that finally serves it there. */
  service: string | null;
  /** Percent of calls, two decimals. */
  share: number;
  reached: boolean;
  allowed: boolean;
  reason: string;
  /** The objects the call passes through, in order. */
  via: string[];
}

export interface RouteCheck {
  caller: { cluster: string; namespace: string; principal: string };
  request: { host: string; resolvedHost: string; method: string; path: string };
  /** `namespace/name` of the VirtualService used, if any. */
  virtualService: string | null;
  rule: { index: number; name: string | null; match: string } | null;
  /** One line: which VirtualService and rule, or why none. */
  route: string;
  destinations: RouteDestination[];
  /** Some destination with a share above 0 is reached. */
  reaches: boolean;
  /** Every destination with a share above 0 is reached and allowed. */
  ok: boolean;
  notes: string[];
}

interface HttpMatch {
  uri?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  scheme?: StringMatch;
  headers?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  sourceNamespace?: string;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
}

interface HttpRoute {
  name?: string;
  match?: HttpMatch[];
  route?: { destination: { host: string; port?: { number?: number }; subset?: string }; weight?: number }[];
  redirect?: unknown;
  directResponse?: unknown;
}

export interface CheckContext {
  fleet: readonly ClusterObjects[];
  caller: RouteCaller;
  callerObjects: readonly RenderedObject[];
  request: RequestFacts;
  principal: string;
  notes: string[];
}

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const round2 = (value: number) => Math.round(value * 100) / 100;

function meshBound(object: RenderedObject): boolean {
  const gateways = object.spec?.gateways as string[] | undefined;
  return !gateways || gateways.length === 0 || gateways.includes('mesh');
}

function virtualServiceHosts(object: RenderedObject): string[] {
  return ((object.spec?.hosts as string[] | undefined) ?? []).map((host) =>
    qualifyHost(host, object.metadata.namespace),
  );
}

function visibleVirtualServices(context: CheckContext): RenderedObject[] {
  return context.callerObjects.filter(
    (object) => object.kind === 'VirtualService' && visibleTo(object, context.caller.namespace) && meshBound(object),
  );
}

function knownHost(context: CheckContext): (host: string) => boolean {
  const hosts = [
    ...visibleVirtualServices(context).flatMap(virtualServiceHosts),
    ...context.callerObjects
      .filter((object) => object.kind === 'ServiceEntry' && visibleTo(object, context.caller.namespace))
      .flatMap((object) => (object.spec?.hosts as string[] | undefined) ?? []),
  ].filter((host) => host !== '*');
  return (host) => hosts.some((pattern) => hostMatches(pattern, host));
}

/** The VirtualService for a host: an exact host before a wildcard, the caller's namespace first. */
function virtualServiceFor(context: CheckContext, host: string): RenderedObject | undefined {
  const rank = (object: RenderedObject) =>
    (virtualServiceHosts(object).includes(host) ? 0 : 2) +
    (object.metadata.namespace === context.caller.namespace ? 0 : 1);
  const found = visibleVirtualServices(context)
    .filter((object) => virtualServiceHosts(object).some((pattern) => hostMatches(pattern, host)))
    .sort((a, b) => rank(a) - rank(b) || (idOf(a) < idOf(b) ? -1 : 1));
  if (found.length > 1)
    context.notes.push(
      `several VirtualServices declare ${host} (${found.map(idOf).join(', ')}); the check uses ${idOf(found[0] as RenderedObject)}, Istio the oldest`,
    );
  return found[0];
}

function queryFits(params: Record<string, StringMatch> | undefined, path: string): boolean {
  if (!params) return true;
  const query = queryOf(path);
  return Object.entries(params).every(([name, match]) => {
    const value = query.get(name);
    return value !== null && stringMatches(match, value);
  });
}

function labelsFit(wanted: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!wanted) return true;
  return Object.entries(wanted).every(([key, value]) => labels?.[key] === value);
}

/** Envoy matches prefixes on the whole `:path`, exact and regex paths without the query string. */
function uriFits(match: HttpMatch, path: string): boolean {
  if (!match.uri) return true;
  const value = match.uri.prefix !== undefined ? path : pathOnly(path);
  return stringMatches(match.uri, value, match.ignoreUriCase === true);
}

function optional<T>(value: T | undefined, test: (value: T) => boolean): boolean {
  return value === undefined || test(value);
}

/** One match block: every condition holds. The check sends no headers besides Host. */
function matchFits(match: HttpMatch, context: CheckContext): boolean {
  const { request, caller } = context;
  return [
    uriFits(match, request.path),
    optional(match.method, (method) => stringMatches(method, request.method)),
    optional(match.authority, (authority) => stringMatches(authority, request.host)),
    optional(match.scheme, (scheme) => stringMatches(scheme, 'http')),
    optional(match.headers, (headers) => Object.keys(headers).length === 0),
    queryFits(match.queryParams, request.path),
    optional(match.sourceNamespace, (namespace) => namespace === caller.namespace),
    labelsFit(match.sourceLabels, caller.labels),
    optional(match.gateways, (gateways) => gateways.includes('mesh')),
  ].every(Boolean);
}

function describeMatch(match: HttpMatch | undefined): string {
  if (!match) return 'no match conditions';
  const parts: string[] = [];
  if (match.uri) parts.push(`uri ${describeStringMatch(match.uri)}`);
  if (match.method) parts.push(`method ${describeStringMatch(match.method)}`);
  if (match.authority) parts.push(`authority ${describeStringMatch(match.authority)}`);
  for (const name of Object.keys(match.headers ?? {})) parts.push(`header ${name}`);
  for (const name of Object.keys(match.queryParams ?? {})) parts.push(`query ${name}`);
  if (match.sourceNamespace) parts.push(`source namespace ${match.sourceNamespace}`);
  if (match.sourceLabels) parts.push('source labels');
  return parts.length > 0 ? parts.join(', ') : 'empty match (any request)';
}

/** Istio's first-match: the first rule with no match, or with one match block that fits. */
function firstRule(routes: HttpRoute[], context: CheckContext): { index: number; match: string } | undefined {
  for (const [index, rule] of routes.entries()) {
    if (!rule.match || rule.match.length === 0) return { index, match: describeMatch(undefined) };
    const fitting = rule.match.find((match) => matchFits(match, context));
    if (fitting) return { index, match: describeMatch(fitting) };
    if (rule.match.some((match) => match.headers || match.sourceLabels))
      context.notes.push(
        `rule ${rule.name ?? `#${index + 1}`} matches on headers or source labels, which the check does not send`,
      );
  }
  return undefined;
}

interface Target {
  host: string;
  share: number;
}

/** weight / total weight of the rule; one destination gets everything. */
function targetsOf(rule: HttpRoute, namespace: string | undefined, context: CheckContext): Target[] {
  const routes = rule.route ?? [];
  const weights = routes.map((route) => (routes.length === 1 ? 1 : (route.weight ?? 0)));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0 && routes.length > 0) context.notes.push('the weights of the rule add up to 0: no call is sent');
  return routes.map((route, index) => ({
    host: qualifyHost(route.destination.host, namespace),
    share: total === 0 ? 0 : ((weights[index] as number) * 100) / total,
  }));
}

interface Routing {
  virtualService: string | null;
  rule: RouteCheck['rule'];
  route: string;
  targets: Target[];
}

function routing(context: CheckContext, host: string): Routing {
  const where = context.caller.cluster;
  const service = virtualServiceFor(context, host);
  if (!service)
    return {
      virtualService: null,
      rule: null,
      route: `no VirtualService for ${host} in ${where} is visible to namespace ${context.caller.namespace}: the call goes straight to it`,
      targets: [{ host, share: 100 }],
    };
  const routes = (service.spec?.http as HttpRoute[] | undefined) ?? [];
  const found = firstRule(routes, context);
  const call = `${context.request.method} ${context.request.path}`;
  if (!found)
    return {
      virtualService: idOf(service),
      rule: null,
      route: `VirtualService ${idOf(service)} has no http rule matching ${call}: the caller's sidecar answers 404 (no route)`,
      targets: [],
    };
  const rule = routes[found.index] as HttpRoute;
  const label = rule.name ?? `#${found.index + 1}`;
  const answered = rule.redirect ? 'redirects' : rule.directResponse ? 'answers directly' : undefined;
  return {
    virtualService: idOf(service),
    rule: { index: found.index, name: rule.name ?? null, match: found.match },
    route: `VirtualService ${idOf(service)}, rule ${label} (${found.match})${answered ? `: it ${answered}, no destination is called` : ''}`,
    targets: answered ? [] : targetsOf(rule, service.metadata.namespace, context),
  };
}

function destinationRuleFor(context: CheckContext, host: string): RenderedObject | undefined {
  const labels = context.caller.labels;
  const rank = (object: RenderedObject) => {
    const selector = (object.spec?.workloadSelector as { matchLabels?: Record<string, string> } | undefined)
      ?.matchLabels;
    return (selector ? 0 : 2) + (object.metadata.namespace === context.caller.namespace ? 0 : 1);
  };
  return context.callerObjects
    .filter((object) => {
      if (object.kind !== 'DestinationRule' || !visibleTo(object, context.caller.namespace)) return false;
      if (!hostMatches(qualifyHost(String(object.spec?.host ?? ''), object.metadata.namespace), host)) return false;
      const selector = (object.spec?.workloadSelector as { matchLabels?: Record<string, string> } | undefined)
        ?.matchLabels;
      return !selector || (labels !== undefined && labelsFit(selector, labels));
    })
    .sort((a, b) => rank(a) - rank(b) || (idOf(a) < idOf(b) ? -1 : 1))[0];
}

/** The identity the serving sidecar sees: the mesh certificate unless a DestinationRule says otherwise. */
function identityFor(context: CheckContext, host: string): PeerIdentity & { mode: string } {
  const rule = destinationRuleFor(context, host);
  const mode = (rule?.spec?.trafficPolicy as { tls?: { mode?: string } } | undefined)?.tls?.mode ?? 'ISTIO_MUTUAL';
  const ip = context.caller.ip === undefined ? {} : { ip: context.caller.ip };
  if (mode === 'ISTIO_MUTUAL') return { principal: context.principal, mode, ...ip };
  const why = `DestinationRule ${idOf(rule as RenderedObject)} sets tls.mode ${mode}`;
  if (mode === 'MUTUAL') return { principal: undefined, why: `${why}: it presents its own certificate`, mode, ...ip };
  return { principal: '', why, mode, ...ip };
}

function rootNamespaceOf(objects: readonly RenderedObject[]): string {
  const peer = objects.find(
    (object) =>
      object.kind === 'PeerAuthentication' && object.metadata.labels['meshbridge.io/intent-kind'] === 'cluster',
  );
  return peer?.metadata.namespace ?? 'istio-system';
}

function mentioned(objects: readonly RenderedObject[], host: string): boolean {
  return objects.some((object) => JSON.stringify(object.spec ?? {}).includes(`"${host}"`));
}

function finish(target: Target, served: Served, context: CheckContext): RouteDestination {
  const identity = identityFor(context, target.host);
  const service = served.service ? `${served.service.name}.${served.service.namespace}.svc.cluster.local` : null;
  const base = {
    host: target.host,
    servingCluster: served.cluster,
    service,
    share: round2(target.share * served.portion),
    via: served.via,
  };
  if (served.failure) return { ...base, reached: false, allowed: false, reason: served.failure };
  if (served.gateway && identity.mode === 'DISABLE')
    return {
      ...base,
      reached: false,
      allowed: false,
      reason: `unresolved: ${identity.why}, but the east-west gateway routes on the SNI of mesh mTLS: the call is dropped`,
    };
  if (!served.service || !served.cluster)
    return { ...base, reached: true, allowed: true, reason: `leaves the mesh: ${served.external ?? 'external'}` };
  const objects =
    context.fleet.find((entry) => `${entry.clusterProvider}/${entry.cluster}` === served.cluster)?.resources ?? [];
  if (served.cluster === context.caller.cluster && service && !mentioned(objects, service))
    context.notes.push(
      `nothing meshbridge renders in ${served.cluster} mentions ${service}: it is reached only if that Kubernetes Service exists`,
    );
  const workload = { namespace: served.service.namespace, labels: workloadLabels(objects, served.service) };
  const verdict = authorize(objects, workload, rootNamespaceOf(objects), identity, context.request);
  context.notes.push(...verdict.notes);
  return { ...base, reached: true, allowed: verdict.allowed, reason: verdict.reason };
}

export function checkRoute(fleet: readonly ClusterObjects[], caller: RouteCaller, request: RouteRequest): RouteCheck {
  const principal = `${caller.trustDomain}/ns/${caller.namespace}/sa/${caller.serviceAccount}`;
  const callerObjects =
    fleet.find((entry) => `${entry.clusterProvider}/${entry.cluster}` === caller.cluster)?.resources ?? [];
  const method = (request.method ?? 'GET').toUpperCase();
  const context: CheckContext = {
    fleet,
    caller,
    callerObjects,
    request: { method, path: request.path, host: request.host.trim().replace(/\.$/, '') },
    principal,
    notes: [],
  };
  if (callerObjects.length === 0) context.notes.push(`meshbridge renders nothing in ${caller.cluster}`);
  const resolvedHost = resolveCalledHost(request.host, caller.namespace, knownHost(context));
  const chosen = routing(context, resolvedHost);
  const destinations = chosen.targets.flatMap((target) =>
    serve(target.host, context).map((served) => finish(target, served, context)),
  );
  const sent = destinations.filter((destination) => destination.share > 0);
  return {
    caller: { cluster: caller.cluster, namespace: caller.namespace, principal },
    request: { host: request.host, resolvedHost, method, path: request.path },
    virtualService: chosen.virtualService,
    rule: chosen.rule,
    route: chosen.route,
    destinations,
    reaches: sent.some((destination) => destination.reached),
    ok: sent.length > 0 && sent.every((destination) => destination.reached && destination.allowed),
    notes: [...new Set(context.notes)],
  };
}
