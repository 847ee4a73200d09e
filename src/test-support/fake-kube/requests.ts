/**
 * What a resource handler gets (the parsed route, query, body) and the checks every
 * write shares: body parsing, identity (kind, apiVersion, name, namespace) against the
 * URL, name and label syntax, the namespace's existence, field manager names.
 */
import { parse as parseYaml } from 'yaml';
import { NAMESPACE_TYPE, splitApiVersion } from './discovery.js';
import { isPlainObject } from './fields.js';
import type { ResourceRoute } from './routes.js';
import { KubeError, badRequest, invalid, notFound, type StatusCause } from './status.js';
import type { ObjectStore } from './store.js';
import { labelNameError, labelValueError, qualifiedKeyError, subdomainError } from './validate.js';

export interface ResourceRequest {
  method: string;
  route: ResourceRoute;
  query: Record<string, string>;
  /** The media type, lowercased, without parameters (`application/apply-patch+yaml`). */
  contentType: string;
  /** The raw body ('' when none). */
  raw: string;
  userAgent: string;
}

export interface Reply {
  status: number;
  /** Sent as JSON, unless `text` is set. */
  body: unknown;
  /** A plain-text answer (health checks). */
  text?: string;
}

/** JSON for JSON media types, YAML (a superset) otherwise; throws on malformed text. */
export function parseBody(raw: string, contentType: string): unknown {
  if (contentType.endsWith('json')) return JSON.parse(raw) as unknown;
  return parseYaml(raw) as unknown;
}

/** The body as an object, or a 400 like the API server's decoder gives. */
export function bodyObject(request: ResourceRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseBody(request.raw, request.contentType);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isPlainObject(body)) throw badRequest('the body of the request must be an object');
  return body;
}

/** Checks apiVersion, kind, name and namespace of a body against the URL; returns the object's name. */
export function checkIdentity(request: ResourceRequest, body: Record<string, unknown>): string {
  const { type, apiVersion, namespace, name } = request.route;
  if (typeof body.kind !== 'string' || body.kind === '') throw badRequest(`Object 'Kind' is missing in the request`);
  if (typeof body.apiVersion !== 'string' || body.apiVersion === '') {
    throw badRequest(`Object 'apiVersion' is missing in the request`);
  }
  if (body.kind !== type.kind) {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${type.kind})`);
  }
  if (splitApiVersion(body.apiVersion).group !== type.group) {
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersion})`,
    );
  }
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  if (metadata.namespace !== undefined && metadata.namespace !== '' && type.namespaced) {
    if (metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }
  const bodyName = typeof metadata.name === 'string' ? metadata.name : '';
  if (name !== undefined && bodyName !== '' && bodyName !== name) {
    throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
  }
  return name ?? bodyName;
}

function stringMapCauses(field: string, map: unknown, checkValues: boolean): StatusCause[] {
  if (map === undefined) return [];
  if (!isPlainObject(map)) return [{ reason: 'FieldValueInvalid', message: 'must be a map of strings', field }];
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(map)) {
    const keyError = qualifiedKeyError(key);
    if (keyError) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${key}": ${keyError}`, field });
    if (typeof value !== 'string') {
      causes.push({ reason: 'FieldValueInvalid', message: 'must be a string', field: `${field}.${key}` });
      continue;
    }
    const valueError = checkValues ? labelValueError(value) : undefined;
    if (valueError) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${value}": ${valueError}`, field });
    }
  }
  return causes;
}

/** 422 for an invalid name, label or annotation, as the API server's validation answers. */
export function validateObject(request: ResourceRequest, name: string, content: Record<string, unknown>): void {
  const { type } = request.route;
  const causes: StatusCause[] = [];
  if (name === '') {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else {
    const nameError = type === NAMESPACE_TYPE ? labelNameError(name) : subdomainError(name);
    if (nameError) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": ${nameError}`,
        field: 'metadata.name',
      });
    }
  }
  const metadata = isPlainObject(content.metadata) ? content.metadata : {};
  causes.push(...stringMapCauses('metadata.labels', metadata.labels, true));
  causes.push(...stringMapCauses('metadata.annotations', metadata.annotations, false));
  if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
}

/** Namespaced writes need their namespace to exist. */
export function requireNamespace(store: ObjectStore, request: ResourceRequest): string | undefined {
  const { type, namespace } = request.route;
  if (!type.namespaced) return undefined;
  if (namespace === undefined)
    throw new KubeError(405, 'the server does not allow this method on the requested resource', 'MethodNotAllowed');
  if (!store.namespaceExists(namespace)) throw notFound('', 'namespaces', namespace);
  return namespace;
}

/** The field manager: the `fieldManager` query parameter, else derived from the User-Agent like the API server. */
export function fieldManager(request: ResourceRequest): string {
  const given = request.query.fieldManager;
  if (given !== undefined) {
    if (given.length > 128) throw badRequest('fieldManager: Too long: must have at most 128 bytes');
    return given;
  }
  return (request.userAgent.split('/')[0] ?? '').slice(0, 128) || 'unknown';
}

export function isDryRun(request: ResourceRequest): boolean {
  const dryRun = request.query.dryRun;
  if (dryRun !== undefined && dryRun !== 'All') badRequestDryRun(dryRun);
  return dryRun === 'All';
}

function badRequestDryRun(value: string): never {
  throw badRequest(`Invalid dry run value: "${value}": supported values: "All"`);
}
