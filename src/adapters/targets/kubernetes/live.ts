/**
 * An object as the API server returns it, reduced to what meshbridge renders: the
 * server's additions (status, managedFields, resourceVersion, uid, timestamps,
 * generation, kubectl's last-applied annotation) are dropped, so that a live object
 * compares equal to the rendered one it came from.
 */
import type { KindRef, LiveObject } from '../../../service/deploy/target.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

function strings(value: unknown, skip?: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const [key, item] of Object.entries(value)) {
    if (key !== skip && typeof item === 'string') result[key] = item;
  }
  return result;
}

/**
 * `kind` comes from the request: list items of built-in kinds carry no apiVersion
 * nor kind of their own.
 */
export function toLiveObject(raw: unknown, kind: KindRef): LiveObject {
  const object = isObject(raw) ? raw : {};
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const annotations = strings(metadata.annotations, LAST_APPLIED);
  const live: LiveObject = {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: {
      name: typeof metadata.name === 'string' ? metadata.name : '',
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      labels: strings(metadata.labels),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  };
  if (isObject(object.spec)) live.spec = object.spec;
  if (isObject(object.data)) live.data = strings(object.data);
  if (typeof object.type === 'string') live.type = object.type;
  return live;
}
