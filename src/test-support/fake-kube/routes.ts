/**
 * Request paths → what they address: a discovery document, `/version`, a health check
 * (`/healthz`, `/livez`, `/readyz`), a collection (namespaced, cluster-wide or of a
 * cluster-scoped type) or one object.
 */
import { joinApiVersion, servesVersion, typeByPlural, type ResourceType } from './discovery.js';

export interface ResourceRoute {
  kind: 'resource';
  type: ResourceType;
  /** The group/version the request used; answers are written in it. */
  apiVersion: string;
  version: string;
  /** The namespace in the path (namespaced types only; absent for a cluster-wide list). */
  namespace?: string;
  /** The object's name; absent for a collection. */
  name?: string;
}

export type Route =
  | { kind: 'apiVersions' }
  | { kind: 'apiGroupList' }
  | { kind: 'apiGroup'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | ResourceRoute
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'notFound' };

const NOT_FOUND: Route = { kind: 'notFound' };

function segmentsOf(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

export function parseRoute(path: string): Route {
  const segments = segmentsOf(path);
  if (!segments) return NOT_FOUND;
  const [root, ...rest] = segments;
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'apiVersions' };
    return versionRoute('', rest[0] as string, rest.slice(1));
  }
  if (root === 'apis') {
    if (rest.length === 0) return { kind: 'apiGroupList' };
    if (rest.length === 1) return { kind: 'apiGroup', group: rest[0] as string };
    return versionRoute(rest[0] as string, rest[1] as string, rest.slice(2));
  }
  if (rest.length === 0 && root === 'version') return { kind: 'version' };
  if (rest.length === 0 && (root === 'healthz' || root === 'livez' || root === 'readyz')) return { kind: 'health' };
  return NOT_FOUND;
}

function versionRoute(group: string, version: string, rest: string[]): Route {
  if (!servesVersion(group, version)) return NOT_FOUND;
  if (rest.length === 0) return { kind: 'resourceList', group, version };
  const apiVersion = joinApiVersion(group, version);
  const [first, second, third, fourth, ...extra] = rest;
  if (first === 'namespaces' && third !== undefined) {
    const type = typeByPlural(group, version, third);
    if (!type || !type.namespaced || extra.length > 0) return NOT_FOUND;
    const route: ResourceRoute = { kind: 'resource', type, apiVersion, version, namespace: second as string };
    if (fourth !== undefined) route.name = fourth;
    return route;
  }
  const type = typeByPlural(group, version, first as string);
  if (!type || third !== undefined || (type.namespaced && second !== undefined)) return NOT_FOUND;
  const route: ResourceRoute = { kind: 'resource', type, apiVersion, version };
  if (second !== undefined) route.name = second;
  return route;
}
