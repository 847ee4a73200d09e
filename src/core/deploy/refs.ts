/** How deploy names objects in a cluster, and what it reads back from one. */
import type { RenderedObject } from '../render/objects.js';

/** Names one object in a cluster. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** An object as read back from a target, with what the server added stripped away. */
export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  type?: string;
}

export function refOf(object: ObjectRef | LiveObject | RenderedObject): ObjectRef {
  if ('metadata' in object) {
    return {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    };
  }
  return object;
}

/** `Kind/namespace/name`: the same id `objectId` gives a rendered object. */
export function refId(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}
