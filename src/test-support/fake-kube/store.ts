/**
 * The object store: objects kept per group + kind (so every served version of a group
 * sees the same object), a global resourceVersion counter, and `commit`, the one place
 * where a write becomes a stored object with the metadata the server maintains
 * (uid, resourceVersion, generation, creationTimestamp, managedFields).
 */
import { randomUUID } from 'node:crypto';
import { managedContent } from './apply.js';
import { NAMESPACE_TYPE, type ResourceType } from './discovery.js';
import { deepClone, deepEqual, isPlainObject } from './fields.js';
import type { KubeMetadata, KubeObject, ManagedFieldsEntry } from './types.js';

interface Entry {
  type: ResourceType;
  object: KubeObject;
}

function keyOf(type: ResourceType, namespace: string | undefined, name: string): string {
  return [type.group, type.kind, type.namespaced ? (namespace ?? '') : '', name].join('\u0000');
}

function compareKeys(a: string[], b: string[]): number {
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index] as string;
    const right = b[index] as string;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

/** By apiVersion, kind, namespace, name (code-point order, locale-independent). */
function compareObjects(a: KubeObject, b: KubeObject): number {
  return compareKeys(
    [a.apiVersion, a.kind, a.metadata.namespace ?? '', a.metadata.name],
    [b.apiVersion, b.kind, b.metadata.namespace ?? '', b.metadata.name],
  );
}

/** By namespace, then name: the order of a list. */
function comparePositions(a: KubeObject, b: KubeObject): number {
  return compareKeys([a.metadata.namespace ?? '', a.metadata.name], [b.metadata.namespace ?? '', b.metadata.name]);
}

/** A copy of `object` as served in `apiVersion`. */
export function inVersion(object: KubeObject, apiVersion: string): KubeObject {
  const copy = deepClone(object);
  copy.apiVersion = apiVersion;
  return copy;
}

/** The parts of the object that bump `metadata.generation` when they change. */
function generationContent(content: Record<string, unknown>): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = content;
  return rest;
}

export interface Write {
  type: ResourceType;
  apiVersion: string;
  namespace?: string;
  name: string;
  /** Managed content (see `managedContent`): what the client controls. */
  content: Record<string, unknown>;
  managedFields: ManagedFieldsEntry[];
  /** Only for seeding and hand edits: API writes never change status (it is a subresource). */
  status?: unknown;
  dryRun?: boolean;
}

export class ObjectStore {
  private readonly entries = new Map<string, Entry>();
  private revision = 0;

  /** The current resourceVersion of the whole store (what a list reports). */
  resourceVersion(): string {
    return String(this.revision);
  }

  bump(): string {
    this.revision += 1;
    return String(this.revision);
  }

  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.entries.get(keyOf(type, namespace, name))?.object;
  }

  namespaceExists(name: string): boolean {
    return this.find(NAMESPACE_TYPE, undefined, name) !== undefined;
  }

  /** Objects of `type` (in `namespace`, or everywhere), sorted by namespace then name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    return [...this.entries.values()]
      .filter((entry) => entry.type === type)
      .map((entry) => entry.object)
      .filter((object) => namespace === undefined || object.metadata.namespace === namespace)
      .sort(comparePositions);
  }

  all(): KubeObject[] {
    return [...this.entries.values()].map((entry) => deepClone(entry.object)).sort(compareObjects);
  }

  /** Removes one object (and, for a namespace, everything in it); returns what was removed. */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = keyOf(type, namespace, name);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (type === NAMESPACE_TYPE) {
      for (const [other, { type: otherType, object }] of this.entries) {
        if (otherType.namespaced && object.metadata.namespace === name) this.entries.delete(other);
      }
    }
    this.bump();
    return entry.object;
  }

  /**
   * Stores a write and returns the stored object. A write that changes neither the
   * content nor the managed fields is a no-op: the object keeps its resourceVersion.
   */
  commit(write: Write): KubeObject {
    const { type, name } = write;
    const namespace = type.namespaced ? write.namespace : undefined;
    const previous = this.find(type, namespace, name);
    if (
      previous &&
      deepEqual(managedContent(previous), write.content) &&
      deepEqual(previous.metadata.managedFields ?? [], write.managedFields) &&
      (write.status === undefined || deepEqual(previous.status, write.status))
    ) {
      return inVersion(previous, write.apiVersion);
    }
    const object = this.assemble(write, previous, namespace);
    if (!write.dryRun) {
      this.revision += 1;
      this.entries.set(keyOf(type, namespace, name), { type, object });
    }
    return deepClone(object);
  }

  private assemble(write: Write, previous: KubeObject | undefined, namespace: string | undefined): KubeObject {
    const { metadata: userMetadata, ...rest } = deepClone(write.content);
    const specChanged =
      previous !== undefined &&
      !deepEqual(generationContent(managedContent(previous)), generationContent(write.content));
    const metadata: KubeMetadata = { name: write.name };
    if (namespace !== undefined) metadata.namespace = namespace;
    metadata.uid = previous?.metadata.uid ?? randomUUID();
    metadata.resourceVersion = String(this.revision + 1);
    metadata.generation = (previous?.metadata.generation ?? 0) + (previous === undefined || specChanged ? 1 : 0);
    metadata.creationTimestamp =
      previous?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (isPlainObject(userMetadata)) Object.assign(metadata, userMetadata);
    if (write.managedFields.length > 0) metadata.managedFields = deepClone(write.managedFields);
    const object: KubeObject = { apiVersion: write.apiVersion, kind: write.type.kind, metadata, ...rest };
    const status = write.status ?? (previous ? previous.status : initialStatus(write.type));
    if (status !== undefined) object.status = deepClone(status);
    return object;
  }
}

function initialStatus(type: ResourceType): unknown {
  return type === NAMESPACE_TYPE ? { phase: 'Active' } : undefined;
}
