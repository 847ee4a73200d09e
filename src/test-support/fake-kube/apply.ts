/**
 * Field ownership, as the API server keeps it in `metadata.managedFields`:
 *
 * - `serverSideApply`: the applier's new field set replaces its old one. Fields it owned
 *   and no longer sends are removed (unless another manager owns them too); fields it
 *   sends are set. A field owned by another manager whose value would change is a
 *   conflict (409, `reason: Conflict`, one `FieldManagerConflict` cause per field) unless
 *   `force`, in which case the applier takes it over. Sending the value a field already
 *   has shares its ownership.
 * - `recordUpdate` (create, update, merge/JSON patch, hand edits): the updater becomes the
 *   sole owner of every field whose value it changed; removed fields leave every set.
 *
 * Both work on "managed content": the object without apiVersion, kind, status and the
 * metadata the server owns (see `managedContent`). Lists are atomic (see `fields.ts`).
 */
import {
  decodeFieldsV1,
  deepClone,
  deepEqual,
  deleteAt,
  encodeFieldsV1,
  getAt,
  isPlainObject,
  leafPaths,
  isPrefix,
  pathKey,
  pathString,
  setAt,
  type FieldPath,
} from './fields.js';
import { KubeError, type StatusCause } from './status.js';
import type { ManagedFieldsEntry } from './types.js';

/** Metadata the server maintains; clients' values for these are ignored. */
export const SYSTEM_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** Drops null map values, as decoding into the API's types does (a null field is an absent field). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== null && child !== undefined)
      .map(([key, child]) => [key, withoutNulls(child)]),
  );
}

/** A copy of `object` without apiVersion, kind, status, server-maintained metadata and null fields. */
export function managedContent(object: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!object) return {};
  const copy = withoutNulls(object) as Record<string, unknown>;
  const { apiVersion: _apiVersion, kind: _kind, status: _status, metadata, ...rest } = copy;
  const content: Record<string, unknown> = rest;
  if (isPlainObject(metadata)) {
    const userMetadata = Object.fromEntries(Object.entries(metadata).filter(([key]) => !SYSTEM_METADATA.includes(key)));
    if (Object.keys(userMetadata).length > 0) content.metadata = userMetadata;
  }
  return content;
}

/** RFC 3339 with seconds, like metav1.Time. */
export function kubeTime(at = new Date()): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Owner {
  entry: ManagedFieldsEntry;
  paths: FieldPath[];
}

function owners(entries: readonly ManagedFieldsEntry[]): Owner[] {
  return entries.map((entry) => ({ entry, paths: decodeFieldsV1(entry.fieldsV1) }));
}

function isIdentity(entry: ManagedFieldsEntry, manager: string, operation: string, apiVersion: string): boolean {
  if (entry.manager !== manager || entry.operation !== operation || entry.subresource) return false;
  return operation === 'Apply' || entry.apiVersion === apiVersion;
}

function withPaths(entry: ManagedFieldsEntry, paths: readonly FieldPath[]): ManagedFieldsEntry {
  return { ...entry, fieldsV1: encodeFieldsV1(paths) };
}

/**
 * Drops entries whose field set became empty. When neither the object nor any field set
 * changed, the old entries are kept as they were (a no-op write does not touch times).
 */
function finish(
  before: readonly ManagedFieldsEntry[],
  after: readonly ManagedFieldsEntry[],
  contentChanged: boolean,
): ManagedFieldsEntry[] {
  const kept = after.filter((entry) => Object.keys(entry.fieldsV1).length > 0);
  const same =
    !contentChanged &&
    kept.length === before.length &&
    kept.every((entry, index) => {
      const old = before[index] as ManagedFieldsEntry;
      return (
        entry.manager === old.manager &&
        entry.operation === old.operation &&
        entry.apiVersion === old.apiVersion &&
        deepEqual(entry.fieldsV1, old.fieldsV1)
      );
    });
  return same ? deepClone([...before]) : kept;
}

function managerLabel(entry: ManagedFieldsEntry): string {
  return entry.operation === 'Update' ? `"${entry.manager}" using ${entry.apiVersion}` : `"${entry.manager}"`;
}

interface Conflict {
  entry: ManagedFieldsEntry;
  path: FieldPath;
}

/** The 409 the API server answers, worded like k8s.io/apiserver's fieldmanager. */
export function conflictError(conflicts: readonly Conflict[]): KubeError {
  const causes: StatusCause[] = conflicts.map(({ entry, path }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${managerLabel(entry)}`,
    field: pathString(path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const only = conflicts[0] as Conflict;
    message = `Apply failed with 1 conflict: conflict with ${managerLabel(only.entry)}: ${pathString(only.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const { entry, path } of conflicts) {
      const label = managerLabel(entry);
      byManager.set(label, [...(byManager.get(label) ?? []), pathString(path)]);
    }
    const parts = [...byManager.keys()]
      .sort()
      .map((label) => [`conflicts with ${label}:`, ...(byManager.get(label) ?? []).map((p) => `- ${p}`)].join('\n'));
    message = `Apply failed with ${conflicts.length} conflicts: ${parts.join('\n')}`;
  }
  return new KubeError(409, message, 'Conflict', { causes });
}

function isEmptyMap(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/**
 * Whether the value an owner owns at `path` changed. Owning a map (an empty-map leaf)
 * claims its existence, not its entries: a map that stays a map did not change.
 */
function changedAt(before: unknown, after: unknown, path: FieldPath): boolean {
  const old = getAt(before, path);
  const now = getAt(after, path);
  return !(isPlainObject(old) && isPlainObject(now)) && !deepEqual(old, now);
}

/** Changing `changed` takes `owned` from its owner: it is at or under it, or replaced a non-map above it. */
function takesOver(changed: FieldPath, owned: FieldPath, after: unknown): boolean {
  return isPrefix(changed, owned) || (isPrefix(owned, changed) && !isPlainObject(getAt(after, owned)));
}

export interface ApplyInput {
  /** Managed content of the stored object ({} when it does not exist yet). */
  current: Record<string, unknown>;
  managedFields: readonly ManagedFieldsEntry[];
  /** Managed content of the applied configuration. */
  applied: Record<string, unknown>;
  manager: string;
  apiVersion: string;
  force: boolean;
  time: string;
}

export interface Outcome {
  content: Record<string, unknown>;
  managedFields: ManagedFieldsEntry[];
}

export function serverSideApply(input: ApplyInput): Outcome {
  const { current, applied, manager, apiVersion } = input;
  const all = owners(input.managedFields);
  const mine = all.find((owner) => isIdentity(owner.entry, manager, 'Apply', apiVersion));
  const others = all.filter((owner) => owner !== mine);
  const sent = leafPaths(applied).filter((path) => path.length > 0);
  const othersPaths = others.flatMap((other) => other.paths);

  const content = deepClone(current);
  for (const path of mine?.paths ?? []) {
    // Still sent (at or below it), or another manager owns it or something below it: keep.
    if (sent.some((p) => isPrefix(path, p)) || othersPaths.some((q) => isPrefix(path, q))) continue;
    const claimed = (parent: FieldPath) => [...othersPaths, ...sent].some((q) => pathKey(q) === pathKey(parent));
    deleteAt(content, path, claimed);
  }
  for (const path of sent) {
    const value = getAt(applied, path);
    // An empty map in the configuration claims the map, it does not clear it.
    if (isEmptyMap(value) && isPlainObject(getAt(content, path))) continue;
    setAt(content, path, deepClone(value));
  }

  const conflicts: Conflict[] = [];
  for (const other of others) {
    for (const path of other.paths) {
      if (changedAt(current, content, path)) conflicts.push({ entry: other.entry, path });
    }
  }
  if (conflicts.length > 0 && !input.force) throw conflictError(conflicts);

  const lost = (owner: Owner, path: FieldPath) => conflicts.some((c) => c.entry === owner.entry && c.path === path);
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion,
    time: input.time,
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFieldsV1(sent),
  };
  const next = all.map((owner) =>
    owner === mine
      ? entry
      : withPaths(
          owner.entry,
          owner.paths.filter((path) => !lost(owner, path)),
        ),
  );
  if (!mine) next.push(entry);
  return { content, managedFields: finish(input.managedFields, next, !deepEqual(current, content)) };
}

export interface UpdateInput {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  managedFields: readonly ManagedFieldsEntry[];
  manager: string;
  apiVersion: string;
  time: string;
}

export function recordUpdate(input: UpdateInput): ManagedFieldsEntry[] {
  const { before, after, manager, apiVersion } = input;
  const changed = leafPaths(after)
    .filter((path) => path.length > 0)
    .filter((path) => !deepEqual(getAt(before, path), getAt(after, path)));
  const present = (path: FieldPath) => getAt(after, path) !== undefined;
  const all = owners(input.managedFields);
  const mine = all.find((owner) => isIdentity(owner.entry, manager, 'Update', apiVersion));
  const next = all.map((owner) => {
    if (owner === mine) return withPaths(owner.entry, owner.paths.filter(present));
    const kept = owner.paths.filter((path) => present(path) && !changed.some((p) => takesOver(p, path, after)));
    return withPaths(owner.entry, kept);
  });
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Update',
    apiVersion,
    time: input.time,
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  };
  const mineIndex = mine ? all.indexOf(mine) : -1;
  const previous = mine ? mine.paths.filter(present) : [];
  if (changed.length > 0 || mineIndex >= 0) {
    const merged = new Map([...previous, ...changed].map((path) => [pathKey(path), path]));
    const updated = { ...(mine?.entry ?? entry), fieldsV1: encodeFieldsV1([...merged.values()]) };
    if (changed.length > 0) updated.time = input.time;
    if (mineIndex >= 0) next[mineIndex] = updated;
    else next.push(updated);
  }
  return finish(input.managedFields, next, !deepEqual(before, after));
}

/** Ownership of everything in `content` by one Update manager: how a seeded object looks. */
export function soleUpdater(content: Record<string, unknown>, manager: string, apiVersion: string, time: string) {
  const paths = leafPaths(content).filter((path) => path.length > 0);
  if (paths.length === 0) return [];
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Update',
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFieldsV1(paths),
  };
  return [entry];
}
