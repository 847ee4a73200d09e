/**
 * The writing verbs: create (POST), replace (PUT), server-side apply (PATCH with
 * `application/apply-patch+yaml`) and the other patches (merge, JSON, strategic merge).
 */
import { kubeTime, managedContent, recordUpdate, serverSideApply } from './apply.js';
import { NAMESPACE_TYPE, type ResourceType } from './discovery.js';
import { isPlainObject } from './fields.js';
import { jsonPatch, mergePatch } from './patch.js';
import {
  bodyObject,
  checkIdentity,
  fieldManager,
  isDryRun,
  parseBody,
  requireNamespace,
  validateObject,
  type Reply,
  type ResourceRequest,
} from './requests.js';
import { KubeError, alreadyExists, badRequest, invalid, notFound, staleResourceVersion } from './status.js';
import { inVersion, type ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export const APPLY_PATCH = 'application/apply-patch+yaml';
const MERGE_PATCH = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

function bodyResourceVersion(body: Record<string, unknown>): unknown {
  return isPlainObject(body.metadata) ? body.metadata.resourceVersion : undefined;
}

function checkResourceVersion(request: ResourceRequest, current: KubeObject, wanted: unknown): void {
  if (wanted === undefined || wanted === '' || wanted === current.metadata.resourceVersion) return;
  const { type } = request.route;
  throw staleResourceVersion(type.group, type.plural, current.metadata.name);
}

/** Extra content the server adds to new objects (a namespace's name label and finalizer). */
export function defaults(type: ResourceType, name: string, content: Record<string, unknown>): Record<string, unknown> {
  if (type !== NAMESPACE_TYPE) return content;
  const metadata = isPlainObject(content.metadata) ? content.metadata : {};
  const labels = isPlainObject(metadata.labels) ? metadata.labels : {};
  const spec = isPlainObject(content.spec) ? content.spec : { finalizers: ['kubernetes'] };
  return { ...content, metadata: { ...metadata, labels: { ...labels, 'kubernetes.io/metadata.name': name } }, spec };
}

function generatedName(body: Record<string, unknown>): string {
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const prefix = typeof metadata.generateName === 'string' ? metadata.generateName : '';
  if (prefix === '') return '';
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let index = 0; index < 5; index += 1) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${prefix}${suffix}`;
}

export function create(store: ObjectStore, request: ResourceRequest): Reply {
  const { type, apiVersion } = request.route;
  const body = bodyObject(request);
  const name = checkIdentity(request, body) || generatedName(body);
  const content = defaults(type, name, managedContent(body));
  validateObject(request, name, content);
  const namespace = requireNamespace(store, request);
  if (store.find(type, namespace, name)) throw alreadyExists(type.group, type.plural, name);
  const managedFields = recordUpdate({
    before: {},
    after: content,
    managedFields: [],
    manager: fieldManager(request),
    apiVersion,
    time: kubeTime(),
  });
  const object = store.commit({ type, apiVersion, namespace, name, content, managedFields, dryRun: isDryRun(request) });
  return { status: 201, body: object };
}

export function replace(store: ObjectStore, request: ResourceRequest): Reply {
  const { type } = request.route;
  const body = bodyObject(request);
  const name = checkIdentity(request, body);
  const namespace = type.namespaced ? request.route.namespace : undefined;
  const current = store.find(type, namespace, name);
  if (!current) throw notFound(type.group, type.plural, name);
  checkResourceVersion(request, current, bodyResourceVersion(body));
  const content = managedContent(body);
  return commitUpdate(store, request, { current, namespace, name, content });
}

export function patch(store: ObjectStore, request: ResourceRequest): Reply {
  const { contentType } = request;
  if (contentType === APPLY_PATCH) return apply(store, request);
  if (request.query.force !== undefined) badForce();
  if (contentType === MERGE_PATCH || contentType === JSON_PATCH) return update(store, request);
  if (contentType === STRATEGIC_MERGE_PATCH && request.route.type.builtin) return update(store, request);
  throw new KubeError(
    415,
    `the body of the request was in an unknown format - accepted media types include: ` +
      `${JSON_PATCH}, ${MERGE_PATCH}, ${APPLY_PATCH}${request.route.type.builtin ? `, ${STRATEGIC_MERGE_PATCH}` : ''}`,
    'UnsupportedMediaType',
  );
}

function badForce(): never {
  throw badRequest('force flag must only be set for apply requests (application/apply-patch+yaml)');
}

function apply(store: ObjectStore, request: ResourceRequest): Reply {
  const { type, apiVersion } = request.route;
  if (!request.query.fieldManager) throw badRequest('fieldManager is required for apply requests');
  const force = request.query.force;
  if (force !== undefined && force !== 'true' && force !== 'false') {
    throw badRequest(`Invalid value for force: "${force}": must be true or false`);
  }
  const body = bodyObject(request);
  const name = checkIdentity(request, body);
  const namespace = requireNamespace(store, request);
  const current = store.find(type, namespace, name);
  if (current) checkResourceVersion(request, current, bodyResourceVersion(body));
  const applied = managedContent(body);
  validateObject(request, name, applied);
  const outcome = serverSideApply({
    current: managedContent(current),
    managedFields: current?.metadata.managedFields ?? [],
    applied,
    manager: fieldManager(request),
    apiVersion,
    force: force === 'true',
    time: kubeTime(),
  });
  const content = current ? outcome.content : defaults(type, name, outcome.content);
  const write = { type, apiVersion, namespace, name, content, managedFields: outcome.managedFields };
  const object = store.commit({ ...write, dryRun: isDryRun(request) });
  return { status: current ? 200 : 201, body: object };
}

/** Merge, JSON and (for built-ins, approximately) strategic merge patches: an Update of the object. */
function update(store: ObjectStore, request: ResourceRequest): Reply {
  const { type, apiVersion, name = '' } = request.route;
  const namespace = type.namespaced ? request.route.namespace : undefined;
  const current = store.find(type, namespace, name);
  if (!current) throw notFound(type.group, type.plural, name);
  let operations: unknown;
  try {
    operations = parseBody(request.raw, 'application/json');
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
  const before = inVersion(current, apiVersion);
  const patched = request.contentType === JSON_PATCH ? jsonPatch(before, operations) : mergePatch(before, operations);
  if (!isPlainObject(patched)) throw badRequest('the patched object is not an object');
  const metadata = isPlainObject(patched.metadata) ? patched.metadata : {};
  const immutable = { kind: patched.kind, name: metadata.name, namespace: metadata.namespace };
  for (const [field, value] of Object.entries(immutable)) {
    const old = field === 'kind' ? current.kind : current.metadata[field];
    if (value !== old) {
      const cause = { reason: 'FieldValueInvalid', message: 'field is immutable', field: `metadata.${field}` };
      throw invalid(type.kind, type.group, name, [cause]);
    }
  }
  checkResourceVersion(request, current, metadata.resourceVersion);
  const content = managedContent(patched);
  return commitUpdate(store, request, { current, namespace, name, content });
}

/** An Update of an existing object (PUT, merge or JSON patch): validated, ownership recorded, stored. */
function commitUpdate(
  store: ObjectStore,
  request: ResourceRequest,
  change: { current: KubeObject; namespace: string | undefined; name: string; content: Record<string, unknown> },
): Reply {
  const { type, apiVersion } = request.route;
  const { current, namespace, name, content } = change;
  validateObject(request, name, content);
  const managedFields = recordUpdate({
    before: managedContent(current),
    after: content,
    managedFields: current.metadata.managedFields ?? [],
    manager: fieldManager(request),
    apiVersion,
    time: kubeTime(),
  });
  const object = store.commit({ type, apiVersion, namespace, name, content, managedFields, dryRun: isDryRun(request) });
  return { status: 200, body: object };
}
