/**
 * What a test does behind the API's back: seed an object (as if a human had made it),
 * hand-edit one (as `kubectl edit` would: an Update that takes over the changed fields),
 * delete one, read one. These skip auth, faults and validation, never the bookkeeping.
 */
import { kubeTime, managedContent, recordUpdate, soleUpdater } from './apply.js';
import { NAMESPACE_TYPE, typeByKind, type ResourceType } from './discovery.js';
import { deepClone } from './fields.js';
import { inVersion, type ObjectStore } from './store.js';
import type { KubeObject, ObjectRef } from './types.js';
import { defaults } from './writes.js';

function typeOf(apiVersion: string, kind: string): ResourceType {
  const type = typeByKind(apiVersion, kind);
  if (!type) throw new Error(`fake-kube: no served resource for apiVersion ${apiVersion}, kind ${kind}`);
  return type;
}

/** A namespaced ref without a namespace means `default`, as with kubectl. */
function namespaceOf(type: ResourceType, namespace: string | undefined): string | undefined {
  return type.namespaced ? namespace || 'default' : undefined;
}

export function getObject(store: ObjectStore, ref: ObjectRef): KubeObject | undefined {
  const type = typeOf(ref.apiVersion, ref.kind);
  const object = store.find(type, namespaceOf(type, ref.namespace), ref.name);
  return object ? inVersion(object, ref.apiVersion) : undefined;
}

function ensureNamespace(store: ObjectStore, namespace: string): void {
  if (store.namespaceExists(namespace)) return;
  putObject(store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}

/** Seeds `object` (replacing any object of that name); a missing namespace is created. */
export function putObject(store: ObjectStore, object: KubeObject): KubeObject {
  const type = typeOf(object.apiVersion, object.kind);
  const name = object.metadata?.name;
  if (!name) throw new Error('fake-kube: put() needs metadata.name');
  const namespace = namespaceOf(type, object.metadata.namespace);
  if (namespace !== undefined) ensureNamespace(store, namespace);
  const content = defaults(type, name, managedContent(object));
  const managedFields =
    object.metadata.managedFields ?? soleUpdater(content, 'kubectl-client-side-apply', object.apiVersion, kubeTime());
  const write = { type, apiVersion: object.apiVersion, namespace, name, content, managedFields };
  return store.commit(object.status === undefined ? write : { ...write, status: deepClone(object.status) });
}

/** Applies `mutate` to a copy of the object and stores the result as an Update by `manager`. */
export function editObject(
  store: ObjectStore,
  ref: ObjectRef,
  mutate: (object: KubeObject) => void,
  manager = 'kubectl-edit',
): KubeObject {
  const type = typeOf(ref.apiVersion, ref.kind);
  const namespace = namespaceOf(type, ref.namespace);
  const current = store.find(type, namespace, ref.name);
  if (!current) throw new Error(`fake-kube: edit() of a missing object: ${ref.kind} ${namespace ?? ''}/${ref.name}`);
  const copy = inVersion(current, ref.apiVersion);
  mutate(copy);
  const content = managedContent(copy);
  const managedFields = recordUpdate({
    before: managedContent(current),
    after: content,
    managedFields: current.metadata.managedFields ?? [],
    manager,
    apiVersion: ref.apiVersion,
    time: kubeTime(),
  });
  const write = { type, apiVersion: ref.apiVersion, namespace, name: ref.name, content, managedFields };
  return store.commit(copy.status === undefined ? write : { ...write, status: copy.status });
}

export function removeObject(store: ObjectStore, ref: ObjectRef): boolean {
  const type = typeOf(ref.apiVersion, ref.kind);
  return store.delete(type, namespaceOf(type, ref.namespace), ref.name) !== undefined;
}

export function seedNamespaces(store: ObjectStore, namespaces: readonly string[]): void {
  for (const name of namespaces) {
    if (!store.find(NAMESPACE_TYPE, undefined, name)) {
      putObject(store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, managedFields: [] } });
    }
  }
}
