/**
 * The reading and deleting verbs: get, list (label and field selectors, limit/continue),
 * delete and deletecollection.
 */
import { NAMESPACE_TYPE } from './discovery.js';
import { isPlainObject } from './fields.js';
import { bodyObject, isDryRun, type Reply, type ResourceRequest } from './requests.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { KubeError, badRequest, notFound, successStatus } from './status.js';
import { inVersion, type ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

function namespaceOf(request: ResourceRequest): string | undefined {
  return request.route.type.namespaced ? request.route.namespace : undefined;
}

function existing(store: ObjectStore, request: ResourceRequest): KubeObject {
  const { type, name = '' } = request.route;
  const object = store.find(type, namespaceOf(request), name);
  if (!object) throw notFound(type.group, type.plural, name);
  return object;
}

export function get(store: ObjectStore, request: ResourceRequest): Reply {
  return { status: 200, body: inVersion(existing(store, request), request.route.apiVersion) };
}

/** Items of a built-in type's list carry no apiVersion and kind; a CRD's do. */
function listItem(request: ResourceRequest, object: KubeObject): Record<string, unknown> {
  const item = inVersion(object, request.route.apiVersion);
  if (!request.route.type.builtin) return item;
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = item;
  return rest;
}

function selected(store: ObjectStore, request: ResourceRequest): KubeObject[] {
  const labels = parseLabelSelector(request.query.labelSelector ?? '');
  const fields = parseFieldSelector(request.query.fieldSelector ?? '');
  return store
    .list(request.route.type, namespaceOf(request))
    .filter((object) => matchesLabels(labels, object.metadata.labels))
    .filter((object) => matchesFields(fields, object.metadata.name, object.metadata.namespace));
}

function positionKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function afterContinue(items: KubeObject[], token: string | undefined): KubeObject[] {
  if (token === undefined || token === '') return items;
  let after: unknown;
  try {
    after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
  } catch {
    after = undefined;
  }
  if (typeof after !== 'string') throw badRequest(`continue key is not valid: ${token}`);
  return items.filter((object) => positionKey(object) > after);
}

export function list(store: ObjectStore, request: ResourceRequest): Reply {
  const { type, apiVersion } = request.route;
  if (request.query.watch === 'true' || request.query.watch === '1') {
    throw new KubeError(405, 'watch is not supported by the fake API server', 'MethodNotAllowed');
  }
  let items = afterContinue(selected(store, request), request.query.continue);
  const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion() };
  const limit = Number(request.query.limit ?? '0');
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit must be a non-negative integer`);
  if (limit > 0 && items.length > limit) {
    const last = items[limit - 1] as KubeObject;
    metadata.continue = Buffer.from(JSON.stringify({ after: positionKey(last) }), 'utf8').toString('base64url');
    metadata.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  const body = { kind: `${type.kind}List`, apiVersion, metadata, items: items.map((item) => listItem(request, item)) };
  return { status: 200, body };
}

function checkPreconditions(request: ResourceRequest, object: KubeObject): void {
  if (request.raw.trim() === '') return;
  const options = bodyObject(request);
  const preconditions = isPlainObject(options.preconditions) ? options.preconditions : {};
  const { uid, resourceVersion } = preconditions;
  const { type } = request.route;
  const prefix = `Operation cannot be fulfilled on ${type.group ? `${type.plural}.${type.group}` : type.plural} "${object.metadata.name}": Precondition failed:`;
  if (typeof uid === 'string' && uid !== object.metadata.uid) {
    throw new KubeError(
      409,
      `${prefix} UID in precondition: ${uid}, UID in object meta: ${object.metadata.uid}`,
      'Conflict',
    );
  }
  if (typeof resourceVersion === 'string' && resourceVersion !== object.metadata.resourceVersion) {
    const message = `${prefix} ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`;
    throw new KubeError(409, message, 'Conflict');
  }
}

/** A namespace answers with itself, Terminating; other objects with a Success Status. */
function deletedReply(request: ResourceRequest, object: KubeObject): Reply {
  const { type } = request.route;
  if (type === NAMESPACE_TYPE) {
    const body = inVersion(object, request.route.apiVersion);
    body.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    body.status = { phase: 'Terminating' };
    return { status: 200, body };
  }
  const details = type.group
    ? { name: object.metadata.name, group: type.group, kind: type.plural, uid: object.metadata.uid }
    : { name: object.metadata.name, kind: type.plural, uid: object.metadata.uid };
  return { status: 200, body: successStatus(details) };
}

export function remove(store: ObjectStore, request: ResourceRequest): Reply {
  const object = existing(store, request);
  checkPreconditions(request, object);
  if (!isDryRun(request)) store.delete(request.route.type, namespaceOf(request), object.metadata.name);
  return deletedReply(request, object);
}

export function removeCollection(store: ObjectStore, request: ResourceRequest): Reply {
  const { type, apiVersion } = request.route;
  const victims = selected(store, request);
  const dryRun = isDryRun(request);
  for (const object of victims) {
    if (!dryRun) store.delete(type, object.metadata.namespace, object.metadata.name);
  }
  const items = victims.map((object) => listItem(request, object));
  const body = { kind: `${type.kind}List`, apiVersion, metadata: { resourceVersion: store.resourceVersion() }, items };
  return { status: 200, body };
}
