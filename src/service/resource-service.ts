/**
 * The use cases of the resource API: create, replace, read, list and delete any
 * kind, each in one transaction. It owns the rules that need the database (the
 * parent exists, referenced resources exist, names are free, versions match);
 * everything about a body itself is the core's `prepareBody`.
 */
import { ConflictError, NotFoundError, StaleVersionError, ValidationError, type Issue } from '../core/errors.js';
import { NO_GITOPS } from '../core/model/gitops-allow.js';
import type { PathParams, Reference, ResourceBody, ResourceKind, WritePolicy } from '../core/model/kind.js';
import { invalid, prepareBody } from '../core/model/prepare.js';
import { itemKey, kindOf, lineage, parentKeyFromParams, paramsFromKey } from '../core/model/registry.js';
import { deepEqual, isPlainObject } from '../core/validation/values.js';
import type { InboundSpec } from '../core/model/inbound.js';
import { specOf } from '../core/model/kind.js';
import { usesApplicationTls } from '../core/render/services.js';
import { applicationTlsAcrossClusters } from '../core/render/write-rules.js';
import { readSnapshot } from './snapshot.js';
import type { StoredFile, StoredResource, Store, StoreReader, StoreWriter } from './store.js';

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export interface WriteResult {
  resource: StoredResource;
  outcome: WriteOutcome;
}

export interface WriteOptions {
  /** The `If-Match` version: the write fails with `StaleVersionError` unless it is current. */
  ifMatch?: string | undefined;
  file?: StoredFile | undefined;
}

export class ResourceService {
  constructor(
    private readonly store: Store,
    /** The operator's write rules (the GitOps allow-list); without them, the safe defaults. */
    private readonly policy: WritePolicy = { gitops: NO_GITOPS },
  ) {}

  async list(kind: ResourceKind, params: PathParams): Promise<StoredResource[]> {
    const parentKey = parentKeyFromParams(kind, params);
    await requireAncestors(this.store, kind, params);
    return this.store.listChildren(parentKey, kind.kind);
  }

  async get(kind: ResourceKind, params: PathParams): Promise<StoredResource> {
    return getOrThrow(this.store, kind, params);
  }

  async getFile(kind: ResourceKind, params: PathParams): Promise<StoredFile> {
    const resource = await getOrThrow(this.store, kind, params);
    const file = await this.store.getFile(resource.key);
    if (!file) throw new NotFoundError(`${kind.label} "${resource.name}" has no file`);
    return file;
  }

  async create(kind: ResourceKind, params: PathParams, raw: unknown, options: WriteOptions = {}): Promise<WriteResult> {
    const parentKey = parentKeyFromParams(kind, params);
    const { document, file } = takeUpload(kind, raw, options.file);
    const body = prepareBody(kind, document, { parentKey, params, policy: this.policy });
    return this.store.transaction((tx) => createIn(tx, kind, params, body, file));
  }

  /** PUT: creates when missing, keeps the version when nothing changed. */
  async replace(
    kind: ResourceKind,
    params: PathParams,
    raw: unknown,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const parentKey = parentKeyFromParams(kind, params);
    const urlSegments = kind.params.map((param) => params[param] ?? '');
    const { document, file } = takeUpload(kind, raw, options.file);
    return this.store.transaction(async (tx) => {
      const existing = await tx.get(itemKey(kind, parentKey, urlSegments));
      checkVersion(existing, options.ifMatch, kind);
      const body = prepareBody(kind, document, { parentKey, params, policy: this.policy }, existing?.body);
      requireUrlName(kind, body, urlSegments);
      if (!existing) return createIn(tx, kind, params, body, file);
      return replaceIn(tx, kind, existing, body, file);
    });
  }

  async remove(kind: ResourceKind, params: PathParams, options: WriteOptions = {}): Promise<void> {
    await this.store.transaction(async (tx) => {
      const existing = await getOrThrow(tx, kind, params);
      checkVersion(existing, options.ifMatch, kind);
      await tx.delete(existing.key);
    });
  }
}

/** A file uploaded for a kind with an `uploadField` becomes that field of the document. */
function takeUpload(
  kind: ResourceKind,
  raw: unknown,
  file: StoredFile | undefined,
): { document: unknown; file?: StoredFile } {
  if (!file || !kind.uploadField || !isPlainObject(raw)) return file ? { document: raw, file } : { document: raw };
  const document = structuredClone(raw);
  let holder: Record<string, unknown> = document;
  for (const key of kind.uploadField.slice(0, -1)) {
    if (!isPlainObject(holder[key])) holder[key] = {};
    holder = holder[key] as Record<string, unknown>;
  }
  holder[kind.uploadField[kind.uploadField.length - 1] as string] = file.data.toString('utf8');
  return { document };
}

/** Creates `body` under the parent named by `params`, inside an open transaction. */
export async function createIn(
  tx: StoreWriter,
  kind: ResourceKind,
  params: PathParams,
  body: ResourceBody,
  file?: StoredFile,
): Promise<WriteResult> {
  const parent = await requireAncestors(tx, kind, params);
  const fitted = fitToParent(kind, body, parent);
  await requireReferences(tx, kind, fitted, params);
  const segments = kind.itemSegments(fitted);
  const parentKey = parentKeyFromParams(kind, params);
  await requireUnique(tx, kind, fitted, params, itemKey(kind, parentKey, segments));
  const resource = await tx.insert({
    key: itemKey(kind, parentKey, segments),
    parentKey,
    kind: kind.kind,
    name: segments.join('/'),
    body: fitted,
  });
  if (file) await tx.putFile(resource.key, file);
  await requireFleetRules(tx, kind, resource);
  return { resource, outcome: 'created' };
}

export async function replaceIn(
  tx: StoreWriter,
  kind: ResourceKind,
  existing: StoredResource,
  body: ResourceBody,
  file?: StoredFile,
): Promise<WriteResult> {
  const params = paramsFromKey(kind, existing.key);
  const parent = existing.parentKey === null ? undefined : await tx.get(existing.parentKey);
  const fitted = fitToParent(kind, body, parent);
  await requireReferences(tx, kind, fitted, params);
  await requireUnique(tx, kind, fitted, params, existing.key);
  const fileChanged = file !== undefined && !sameFile(await tx.getFile(existing.key), file);
  if (file && fileChanged) await tx.putFile(existing.key, file);
  if (deepEqual(existing.body, fitted) && !fileChanged) return { resource: existing, outcome: 'unchanged' };
  const resource = await tx.update(existing.key, fitted);
  await requireFleetRules(tx, kind, resource);
  return { resource, outcome: 'updated' };
}

/**
 * Rules that need the fleet, checked after the write inside its transaction (a refusal rolls it back). Only a
 * service with TLS of its own reads the fleet, so ordinary writes stay cheap.
 */
async function requireFleetRules(tx: StoreWriter, kind: ResourceKind, written: StoredResource): Promise<void> {
  if (kind.kind !== 'inboundIntent' && kind.kind !== 'inboundClient') return;
  const inbound = kind.kind === 'inboundIntent' ? written : written.parentKey && (await tx.get(written.parentKey));
  if (!inbound || !usesApplicationTls({ spec: specOf(inbound.body) as unknown as InboundSpec })) return;
  const client = kind.kind === 'inboundClient' ? written.key : undefined;
  const issues = applicationTlsAcrossClusters(await readSnapshot(tx), inbound.key, client);
  if (issues.length > 0) throw invalid(kind, issues);
}

function sameFile(stored: StoredFile | undefined, file: StoredFile): boolean {
  return (
    stored !== undefined &&
    stored.fileName === file.fileName &&
    stored.contentType === file.contentType &&
    stored.data.equals(file.data)
  );
}

function fitToParent(kind: ResourceKind, body: ResourceBody, parent: StoredResource | undefined): ResourceBody {
  if (!kind.fitParent || !parent) return body;
  const { body: fitted, issues } = kind.fitParent(body, parent.body);
  if (issues.length > 0) throw invalid(kind, issues);
  return fitted;
}

export async function getOrThrow(reader: StoreReader, kind: ResourceKind, params: PathParams): Promise<StoredResource> {
  const key = itemKey(
    kind,
    parentKeyFromParams(kind, params),
    kind.params.map((param) => params[param] ?? ''),
  );
  const found = await reader.get(key);
  if (found) return found;
  await requireAncestors(reader, kind, params);
  throw new NotFoundError(`${kind.label} "${kind.params.map((param) => params[param]).join('/')}" not found`);
}

/** Finds the first missing ancestor, so a 404 names what is actually missing. Returns the parent. */
export async function requireAncestors(
  reader: StoreReader,
  kind: ResourceKind,
  params: PathParams,
): Promise<StoredResource | undefined> {
  let parent: StoredResource | undefined;
  let parentKey: string | null = null;
  for (const ancestor of lineage(kind).slice(0, -1)) {
    const segments = ancestor.params.map((param) => params[param] ?? '');
    const key = itemKey(ancestor, parentKey, segments);
    parent = await reader.get(key);
    if (!parent) throw new NotFoundError(`${ancestor.label} "${segments.join('/')}" not found`);
    parentKey = key;
  }
  return parent;
}

/** The kind's uniqueness rule: another resource of the kind in the scope with the same identity is a 409. */
async function requireUnique(
  reader: StoreReader,
  kind: ResourceKind,
  body: ResourceBody,
  params: PathParams,
  selfKey: string,
): Promise<void> {
  if (!kind.unique) return;
  const scope = kind.unique.scope({ parentKey: parentKeyFromParams(kind, params), params });
  const identity = kind.unique.identity(body);
  const other = (await reader.listByKind(kind.kind, scope)).find(
    (candidate) => candidate.key !== selfKey && kind.unique?.identity(candidate.body) === identity,
  );
  if (!other) return;
  const what = kind.unique.describe(body);
  const message = `${what} is already served by ${kind.label} /v2/${other.key}`;
  throw new ConflictError(message, { details: [{ path: kind.unique.field, message }], existingKey: other.key });
}

async function requireReferences(reader: StoreReader, kind: ResourceKind, body: ResourceBody, params: PathParams) {
  const references = kind.references?.(body, { parentKey: parentKeyFromParams(kind, params), params }) ?? [];
  const issues: Issue[] = [];
  for (const reference of references) {
    if (!(await exists(reader, reference))) issues.push({ path: reference.path, message: describeMissing(reference) });
  }
  if (issues.length > 0) throw new ValidationError(`the ${kind.label} names resources that do not exist`, issues);
}

async function exists(reader: StoreReader, reference: Reference): Promise<boolean> {
  if ('key' in reference) return (await reader.get(reference.key)) !== undefined;
  const candidates = await reader.listByKind(reference.kind, reference.under);
  return candidates.some((candidate) => candidate.name === reference.name);
}

function describeMissing(reference: Reference): string {
  if ('key' in reference) return `no ${reference.what} at /v2/${reference.key}`;
  return `no ${reference.what} "${reference.name}" under /v2/${reference.under.replace(/\/$/, '')} (any ${kindOf(reference.kind).label})`;
}

function requireUrlName(kind: ResourceKind, body: ResourceBody, urlSegments: string[]): void {
  const bodySegments = kind.itemSegments(body);
  const fields = kind.itemFields ?? ['metadata.name'];
  const issues = fields
    .map((path, index) => ({ path, inBody: bodySegments[index], inUrl: urlSegments[index] }))
    .filter(({ inBody, inUrl }) => inBody !== inUrl)
    .map(({ path, inBody, inUrl }) => ({ path, message: `says "${inBody}" but the URL says "${inUrl}"` }));
  if (issues.length > 0) throw new ValidationError('the name in the body does not match the URL', issues);
}

export function checkVersion(
  existing: StoredResource | undefined,
  ifMatch: string | undefined,
  kind: ResourceKind,
): void {
  if (ifMatch === undefined) return;
  const wanted = ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '').replace(/"/g, ''));
  if (wanted.includes('*') && existing) return;
  if (existing && wanted.includes(String(existing.version))) return;
  const current = existing ? `is at version ${existing.version}` : 'does not exist';
  throw new StaleVersionError(`the ${kind.label} ${current}; If-Match asked for ${ifMatch}`);
}
