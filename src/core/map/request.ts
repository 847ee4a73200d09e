/**
 * The call the map traces for a declared caller: the first operation the intents
 * allow it (its client intent's access for its principal, then its access points,
 * then the inbound intent's access for it), made concrete; GET / when none is named.
 */
import type { AccessMap } from '../model/access.js';
import type { ClientModel, ServiceModel } from '../render/services.js';

export interface MapRequest {
  method: string;
  path: string;
}

export const DEFAULT_REQUEST: MapRequest = { method: 'GET', path: '/' };

/**
 * A path an Istio path pattern admits: `*` → `/`, `/status*` → `/status`,
 * `*.html` → `/x.html`, `/api/{*}/items` → `/api/x/items`.
 */
export function concretePath(pattern: string): string {
  if (pattern === '*') return '/';
  let path = pattern.replace(/\{\*\*?\}/g, 'x');
  if (path.endsWith('*')) path = path.slice(0, -1);
  else if (path.startsWith('*')) path = `/x${path.slice(1)}`;
  if (!path.startsWith('/')) path = `/${path}`;
  return path;
}

function firstOf(operations: Record<string, string[]> | undefined): MapRequest | undefined {
  for (const [method, paths] of Object.entries(operations ?? {})) {
    const first = paths[0];
    if (first === undefined) continue;
    return { method: method === '*' ? 'GET' : method, path: concretePath(first) };
  }
  return undefined;
}

export function declaredRequest(service: ServiceModel, client: ClientModel, principal: string): MapRequest {
  const access: AccessMap = client.spec.serviceAccountAccess;
  const points = client.accessPoints.map((point) =>
    firstOf(Object.fromEntries(point.methods.map((method) => [method, point.urls]))),
  );
  return (
    firstOf(access[principal]) ??
    points.find((request) => request !== undefined) ??
    firstOf(service.spec.serviceAccountAccess[principal]) ??
    DEFAULT_REQUEST
  );
}

interface RouteMatch {
  uriPrefix?: string;
  uriExact?: string;
  method?: string;
}

/** A request the first match block of a routing rule admits; GET / for a rule without match. */
export function routeRequest(match: RouteMatch | undefined): MapRequest {
  return {
    method: match?.method ?? 'GET',
    path: match?.uriExact ?? match?.uriPrefix ?? '/',
  };
}

/** A source address a client's first CIDR admits (its first host, IPv4); policies on ipBlocks see it. */
export function sourceAddress(cidrs: readonly string[]): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidrs[0] ?? '');
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = match[5] === undefined ? 32 : Number(match[5]);
  const base = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - bits);
  const network = base - (base % size);
  const host = size > 2 ? network + 1 : network;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join('.');
}
