/**
 * Who is asking and whether they may: the fake's authentication and RBAC.
 *
 * - The fake's own token (`options.token`) is a cluster admin: it may do anything, as the
 *   kubeconfigs tests have always used.
 * - The token of a ServiceAccount token Secret (filled by `token-controller.ts`) authenticates
 *   as `system:serviceaccount:NS:NAME` while the Secret and its ServiceAccount exist, and is
 *   authorized by the ClusterRoleBindings naming that ServiceAccount and their ClusterRoles,
 *   with the API server's rule matching (`*`, resourceNames). A server-side apply that creates
 *   an object needs `create` as well as `patch`, as on a real API server.
 *
 * Simplifications: no Roles or RoleBindings, no aggregated ClusterRoles, no groups as
 * subjects, no nonResourceURLs rules (discovery, /version and health checks are open to every
 * authenticated user, as `system:discovery` and `system:public-info-viewer` make them).
 */
import { Buffer } from 'node:buffer';
import { RBAC, RESOURCE_TYPES, type ResourceType } from './discovery.js';
import { isPlainObject } from './fields.js';
import type { ResourceRoute } from './routes.js';
import { KubeError } from './status.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';
import { APPLY_PATCH } from './writes.js';

export const TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';
export const ADMIN_USER = 'kubernetes-admin';

export interface Identity {
  user: string;
  /** Set for a ServiceAccount; an identity without one is the admin. */
  serviceAccount?: { namespace: string; name: string };
}

const typeOf = (kind: string, group: string) =>
  RESOURCE_TYPES.find((type) => type.kind === kind && type.group === group) as ResourceType;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The identity a bearer token stands for, or undefined when it stands for none. */
export function identify(store: ObjectStore, header: string | undefined, adminToken: string): Identity | undefined {
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const token = header.slice('Bearer '.length);
  if (token === adminToken) return { user: ADMIN_USER };
  const encoded = Buffer.from(token, 'utf8').toString('base64');
  const secret = store
    .list(typeOf('Secret', ''))
    .find((object) => object.type === TOKEN_SECRET_TYPE && isPlainObject(object.data) && object.data.token === encoded);
  const namespace = secret?.metadata.namespace;
  const name = secret?.metadata.annotations?.[SERVICE_ACCOUNT_ANNOTATION];
  if (namespace === undefined || name === undefined) return undefined;
  if (!store.find(typeOf('ServiceAccount', ''), namespace, name)) return undefined;
  return { user: `system:serviceaccount:${namespace}:${name}`, serviceAccount: { namespace, name } };
}

/** What a request asks to do, in RBAC's terms. */
export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export function attributesOf(method: string, route: ResourceRoute, query: Record<string, string>): Attributes {
  const item = route.name !== undefined;
  const verbs: Record<string, string> = {
    GET: item ? 'get' : query.watch === 'true' || query.watch === '1' ? 'watch' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: item ? 'delete' : 'deletecollection',
  };
  return {
    verb: verbs[method] ?? method.toLowerCase(),
    group: route.type.group,
    resource: route.type.plural,
    ...(route.namespace === undefined ? {} : { namespace: route.namespace }),
    ...(route.name === undefined ? {} : { name: route.name }),
  };
}

/** `group resource verb`, the core group as `''`: how tests compare rights used with rights granted. */
export function rightName(attributes: Attributes): string {
  return `${attributes.group || "''"} ${attributes.resource} ${attributes.verb}`;
}

function matches(values: string[], wanted: string): boolean {
  return values.includes('*') || values.includes(wanted);
}

function ruleAllows(rule: unknown, attributes: Attributes): boolean {
  if (!isPlainObject(rule)) return false;
  const names = strings(rule.resourceNames);
  return (
    matches(strings(rule.apiGroups), attributes.group) &&
    matches(strings(rule.resources), attributes.resource) &&
    matches(strings(rule.verbs), attributes.verb) &&
    (names.length === 0 || (attributes.name !== undefined && names.includes(attributes.name)))
  );
}

function bindsTo(binding: KubeObject, account: { namespace: string; name: string }): boolean {
  const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
  return subjects.some(
    (subject) =>
      isPlainObject(subject) &&
      subject.kind === 'ServiceAccount' &&
      subject.name === account.name &&
      subject.namespace === account.namespace,
  );
}

/** The ClusterRoles bound to the ServiceAccount. */
function rolesOf(store: ObjectStore, account: { namespace: string; name: string }): KubeObject[] {
  return store.list(typeOf('ClusterRoleBinding', RBAC)).flatMap((binding) => {
    const ref = binding.roleRef;
    if (!isPlainObject(ref) || ref.kind !== 'ClusterRole' || !bindsTo(binding, account)) return [];
    const role = store.find(typeOf('ClusterRole', RBAC), undefined, String(ref.name));
    return role ? [role] : [];
  });
}

export function allowed(store: ObjectStore, identity: Identity, attributes: Attributes): boolean {
  if (!identity.serviceAccount) return true;
  return rolesOf(store, identity.serviceAccount).some((role) =>
    (Array.isArray(role.rules) ? role.rules : []).some((rule) => ruleAllows(rule, attributes)),
  );
}

export function forbidden(identity: Identity, attributes: Attributes): KubeError {
  const { verb, group, resource, namespace, name } = attributes;
  const subject = name === undefined ? resource : `${resource} "${name}"`;
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const message = `${subject} is forbidden: User "${identity.user}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`;
  return new KubeError(403, message, 'Forbidden', { ...(name === undefined ? {} : { name }), group, kind: resource });
}

/**
 * Every check a request needs: its own verb, and `create` too for a server-side apply of an object that does not
 * exist yet. Throws 403 on the first that fails.
 */
export function authorize(
  store: ObjectStore,
  identity: Identity,
  request: { method: string; route: ResourceRoute; query: Record<string, string>; contentType: string },
): Attributes[] {
  const attributes = attributesOf(request.method, request.route, request.query);
  const checks = [attributes];
  const { route } = request;
  if (request.method === 'PATCH' && request.contentType === APPLY_PATCH && route.name !== undefined) {
    const namespace = route.type.namespaced ? route.namespace : undefined;
    if (!store.find(route.type, namespace, route.name)) checks.push({ ...attributes, verb: 'create' });
  }
  for (const check of checks) if (!allowed(store, identity, check)) throw forbidden(identity, check);
  return checks;
}

/** Every right a list of ClusterRole rules grants, as `rightName` writes them (no wildcards expected). */
export function rightsGranted(
  rules: readonly { apiGroups: string[]; resources: string[]; verbs: string[] }[],
): string[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((resource) => rule.verbs.map((verb) => rightName({ group, resource, verb }))),
    ),
  );
}
