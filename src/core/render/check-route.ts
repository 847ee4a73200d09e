/**
 * `check route`: trace one call through the data-plane model (src/core/dataplane)
 * from the RENDERED objects and the fleet's mesh facts, the way istiod and Envoy
 * of each cluster's release would carry it:
 *
 * 1. DNS: does the called name resolve to something the caller's sidecar captures;
 * 2. the VirtualService the caller sees for the host picks the first http rule
 *    whose match fits (Istio's first-match), and its weights give the shares;
 *    with no VirtualService the call goes straight to the host;
 * 3. each destination is traced hop by hop (dataplane/trace.ts): outbound cluster
 *    and TLS, endpoint, east-west gateway and SNI cluster, inbound mTLS, and the
 *    serving cluster's AuthorizationPolicies (check-route-authz.ts).
 */
import { resolveName } from '../dataplane/dns.js';
import { exportedTo } from '../dataplane/exports.js';
import type { Hop } from '../dataplane/hops.js';
import type { Caller } from '../dataplane/outbound.js';
import { entryFor, knownToIstiod, traceDestination, type DestinationTrace } from '../dataplane/trace.js';
import { keyOf, memoized, objectsOfKind } from '../dataplane/cluster-index.js';
import { clusterNamed, type ClusterWorld, type World } from '../dataplane/world.js';
import type { RequestFacts } from './check-route-authz.js';
import {
  describeStringMatch,
  hostMatches,
  pathOnly,
  qualifyHost,
  queryOf,
  resolveCalledHost,
  stringMatches,
  type StringMatch,
} from './check-route-match.js';
import type { RenderedObject } from './objects.js';
import { profileFor, type IstioProfile } from './profile.js';

export type RouteCaller = Caller;

export interface RouteRequest {
  /** As the caller writes it: `service01`, `service01.bar`, an FQDN or a cross-cluster host. */
  host: string;
  path: string;
  method?: string;
  /** The port called; a route's destination port wins, as in Envoy. Default: the host's lowest port. */
  port?: number;
}

export type RouteDestination = DestinationTrace;

export interface RouteCheck {
  caller: { cluster: string; namespace: string; principal: string };
  request: { host: string; resolvedHost: string; method: string; path: string };
  /** Whether the called name resolves, and how. */
  dns: Hop;
  /** `namespace/name` of the VirtualService used, if any. */
  virtualService: string | null;
  rule: { index: number; name: string | null; match: string } | null;
  /** One line: which VirtualService and rule, or why none. */
  route: string;
  destinations: RouteDestination[];
  /** Some destination with a share above 0 is delivered. */
  reaches: boolean;
  /** Every destination with a share above 0 is delivered. */
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
  world: World;
  /** The caller's cluster's release, which decides how `exportTo` reads. */
  profile: IstioProfile;
  caller: RouteCaller;
  callerObjects: readonly RenderedObject[];
  request: RequestFacts;
  principal: string;
  notes: string[];
}

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

function meshBound(object: RenderedObject): boolean {
  const gateways = object.spec?.gateways as string[] | undefined;
  return !gateways || gateways.length === 0 || gateways.includes('mesh');
}

function virtualServiceHosts(object: RenderedObject): string[] {
  return ((object.spec?.hosts as string[] | undefined) ?? []).map((host) =>
    qualifyHost(host, object.metadata.namespace),
  );
}

/** The VirtualServices the caller's namespace sees, each with its qualified hosts; once per cluster and namespace. */
function visibleVirtualServices(context: CheckContext, from: ClusterWorld): readonly VisibleService[] {
  const namespace = context.caller.namespace;
  return memoized(from, keyOf('visibleVirtualServices', namespace), () =>
    objectsOfKind(from, 'VirtualService')
      .filter((object) => exportedTo(object, namespace, context.profile) && meshBound(object))
      .map((object) => ({ object, hosts: virtualServiceHosts(object) })),
  );
}

interface VisibleService {
  object: RenderedObject;
  hosts: string[];
}

function knownHost(context: CheckContext, from: ClusterWorld | undefined): (host: string) => boolean {
  if (!from) return () => false;
  const namespace = context.caller.namespace;
  const hosts = memoized(from, keyOf('knownHosts', namespace), () =>
    [
      ...visibleVirtualServices(context, from).flatMap((visible) => visible.hosts),
      ...objectsOfKind(from, 'ServiceEntry')
        .filter((object) => exportedTo(object, namespace, context.profile))
        .flatMap((object) => (object.spec?.hosts as string[] | undefined) ?? []),
    ].filter((host) => host !== '*'),
  );
  return (host) =>
    memoized(from, keyOf('knownHost', namespace, host), () => hosts.some((pattern) => hostMatches(pattern, host)));
}

/** The VirtualService for a host: an exact host before a wildcard, the caller's namespace first. */
function virtualServiceFor(context: CheckContext, from: ClusterWorld, host: string): RenderedObject | undefined {
  const namespace = context.caller.namespace;
  const found = memoized(from, keyOf('virtualServicesFor', namespace, host), () => {
    const rank = (visible: VisibleService) =>
      (visible.hosts.includes(host) ? 0 : 2) + (visible.object.metadata.namespace === namespace ? 0 : 1);
    return visibleVirtualServices(context, from)
      .filter((visible) => visible.hosts.some((pattern) => hostMatches(pattern, host)))
      .sort((a, b) => rank(a) - rank(b) || (idOf(a.object) < idOf(b.object) ? -1 : 1))
      .map((visible) => visible.object);
  });
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
  port?: number;
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
    ...(route.destination.port?.number === undefined ? {} : { port: route.destination.port.number }),
    share: total === 0 ? 0 : ((weights[index] as number) * 100) / total,
  }));
}

interface Routing {
  virtualService: string | null;
  rule: RouteCheck['rule'];
  route: string;
  targets: Target[];
}

function routing(context: CheckContext, from: ClusterWorld, host: string): Routing {
  const where = context.caller.cluster;
  const service = virtualServiceFor(context, from, host);
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

function portOf(target: Target, called: number | undefined): number | undefined {
  return target.port ?? called;
}

export function checkRoute(world: World, caller: RouteCaller, request: RouteRequest): RouteCheck {
  const principal = `${caller.trustDomain}/ns/${caller.namespace}/sa/${caller.serviceAccount}`;
  const from = clusterNamed(world, caller.cluster);
  const callerObjects = from?.resources ?? [];
  const method = (request.method ?? 'GET').toUpperCase();
  const context: CheckContext = {
    world,
    profile: from?.mesh.profile ?? profileFor(undefined),
    caller,
    callerObjects,
    request: { method, path: request.path, host: request.host.trim().replace(/\.$/, '') },
    principal,
    notes: [],
  };
  if (callerObjects.length === 0) context.notes.push(`meshbridge renders nothing in ${caller.cluster}`);
  const resolvedHost = resolveCalledHost(request.host, caller.namespace, knownHost(context, from));
  const base = {
    caller: { cluster: caller.cluster, namespace: caller.namespace, principal },
    request: {
      host: request.host,
      resolvedHost,
      method,
      path: request.path,
      ...(request.port === undefined ? {} : { port: request.port }),
    },
  };
  if (!from) {
    const dns: Hop = {
      hop: 'dns',
      cluster: caller.cluster,
      ok: false,
      detail: `meshbridge knows no cluster ${caller.cluster}`,
    };
    return {
      ...base,
      dns,
      virtualService: null,
      rule: null,
      route: dns.detail,
      destinations: [],
      reaches: false,
      ok: false,
      notes: context.notes,
    };
  }
  const dns = resolveName({
    cluster: from,
    host: resolvedHost,
    asked: request.host,
    namespace: caller.namespace,
    sidecar: caller.sidecar,
    entry: caller.sidecar ? entryFor(from, caller.namespace, resolvedHost) : undefined,
    discovered: knownToIstiod(world, from, resolvedHost),
  });
  const chosen = caller.sidecar
    ? routing(context, from, resolvedHost)
    : {
        virtualService: null,
        rule: null,
        route: 'the caller has no sidecar: no VirtualService applies',
        targets: [{ host: resolvedHost, share: 100 }],
      };
  const destinations = dns.ok
    ? chosen.targets.flatMap((target) => {
        const traced = traceDestination(
          world,
          from,
          caller,
          {
            host: target.host,
            share: target.share,
            direct: chosen.virtualService === null,
            ...(portOf(target, request.port) === undefined ? {} : { port: portOf(target, request.port) }),
          },
          context.request,
        );
        context.notes.push(...traced.notes);
        return traced.traces;
      })
    : [];
  const sent = destinations.filter((destination) => destination.share > 0);
  return {
    ...base,
    dns,
    virtualService: chosen.virtualService,
    rule: chosen.rule,
    route: chosen.route,
    destinations,
    reaches: sent.some((destination) => destination.delivered),
    ok: dns.ok && sent.length > 0 && sent.every((destination) => destination.delivered),
    notes: [...new Set(context.notes)],
  };
}
