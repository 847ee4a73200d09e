/**
 * client-node serializes the body of a request for a kind it has a model of (NetworkPolicy, Secret, ...)
 * through that model: it reads each field by the model's property name, which is not always the JSON name
 * (NetworkPolicyIngressRule's `from` is `_from`), and drops what it does not find. A plain rendered object
 * would lose such fields on the way out, so it is put in the model's form first; the serializer turns it
 * back into exactly the JSON meshbridge rendered. Kinds client-node has no model of (Istio's) go as they are.
 */
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}

const models = k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attribute[] } | undefined>;

/** A model's fields, from their JSON names to its property names. */
function convertModel(source: Record<string, unknown>, attributes: Attribute[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attribute of attributes) {
    if (attribute.baseName in source) out[attribute.name] = convert(source[attribute.baseName], attribute.type);
  }
  return out;
}

function convert(value: unknown, type: string): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  const element = /^Array<(.+)>$/.exec(type)?.[1];
  if (element !== undefined) return Array.isArray(value) ? value.map((item) => convert(item, element)) : value;
  const entry = /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (entry !== undefined) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, convert(inner, entry)]));
  }
  const attributes = models[type]?.getAttributeTypeMap?.();
  if (!attributes || Array.isArray(value)) return value;
  return convertModel(value as Record<string, unknown>, attributes);
}

/** `V1NetworkPolicy` for `networking.k8s.io/v1` `NetworkPolicy`: the name of client-node's model of a kind. */
export function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** The object in the form client-node's serializer expects for its kind. */
export function modelForm<T extends { apiVersion?: string; kind?: string }>(object: T): T {
  if (object.apiVersion === undefined || object.kind === undefined) return object;
  return convert(object, modelName(object.apiVersion, object.kind)) as T;
}
