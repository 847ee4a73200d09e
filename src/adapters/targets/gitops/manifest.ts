/** Objects as YAML files: how meshbridge writes them, and how any file in the folder is read back. */
import { parseAllDocuments } from 'yaml';
import { toYaml } from '../../../core/yaml/output.js';
import { MANAGED_BY, type RenderedObject } from '../../../core/render/objects.js';
import type { KindRef, LiveObject } from '../../../service/deploy/target.js';
import { groupOf } from './file-names.js';

/** What one file holds. */
export interface Manifest {
  /** Every document that reads as a Kubernetes object. */
  objects: LiveObject[];
  /** meshbridge wrote it: one document, carrying `app.kubernetes.io/managed-by: meshbridge`. */
  ours: boolean;
}

const [MANAGED_BY_KEY, MANAGED_BY_VALUE] = Object.entries(MANAGED_BY)[0] as [string, string];

export function isManagedByMeshbridge(labels: Record<string, string> | undefined): boolean {
  return labels?.[MANAGED_BY_KEY] === MANAGED_BY_VALUE;
}

function sortedKeys(map: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The file meshbridge writes for `object`: fields in the usual order, labels sorted, no anchors, no folding. */
export function serializeObject(object: RenderedObject): string {
  const { name, namespace, labels, annotations } = object.metadata;
  const document = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      labels: sortedKeys(labels),
      ...(annotations === undefined ? {} : { annotations: sortedKeys(annotations) }),
    },
    ...(object.spec === undefined ? {} : { spec: object.spec }),
    ...(object.type === undefined ? {} : { type: object.type }),
    ...(object.data === undefined ? {} : { data: object.data }),
  };
  return toYaml(document);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

/** A parsed document as a `LiveObject`, or undefined when it is not a Kubernetes object. */
export function toLiveObject(document: unknown): LiveObject | undefined {
  if (!isRecord(document) || !isRecord(document.metadata)) return undefined;
  const { apiVersion, kind, metadata } = document;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata.name !== 'string') return undefined;
  const annotations = stringMap(metadata.annotations);
  const data = stringMap(document.data);
  return {
    apiVersion,
    kind,
    metadata: {
      name: metadata.name,
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      labels: stringMap(metadata.labels) ?? {},
      ...(annotations ? { annotations } : {}),
    },
    ...(isRecord(document.spec) ? { spec: document.spec } : {}),
    ...(data ? { data } : {}),
    ...(typeof document.type === 'string' ? { type: document.type } : {}),
  };
}

/** Reads any file: broken YAML holds no object and is nobody's that meshbridge can prove. */
export function parseManifest(text: string): Manifest {
  let contents: unknown[];
  try {
    const documents = parseAllDocuments(text);
    if (documents.some((document) => document.errors.length > 0)) return { objects: [], ours: false };
    contents = documents.map((document) => document.toJS() as unknown).filter((value) => value != null);
  } catch {
    return { objects: [], ours: false };
  }
  const objects = contents.map(toLiveObject).filter((object): object is LiveObject => object !== undefined);
  const ours = contents.length === 1 && objects.length === 1 && isManagedByMeshbridge(objects[0]?.metadata.labels);
  return { objects, ours };
}

export function matchesKinds(object: LiveObject, kinds: readonly KindRef[]): boolean {
  return kinds.some((kind) => kind.kind === object.kind && groupOf(kind.apiVersion) === groupOf(object.apiVersion));
}

export function matchesLabels(object: LiveObject, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => object.metadata.labels[key] === value);
}
