/**
 * What a deploy would change, as people read it: per cluster, the objects it would
 * create, change and delete, and a unified diff of their YAML. Secret data is never
 * shown; a changed Secret says so in a comment.
 */
import { createTwoFilesPatch } from 'diff';
import { toYaml } from '../yaml/output.js';
import { objectId, type RenderedObject } from '../render/objects.js';
import { hashObject } from './object-hash.js';

export interface ClusterDiff {
  /** `provider/cluster`. */
  cluster: string;
  create: string[];
  change: string[];
  delete: string[];
  /** Unified diff of every created, changed and deleted object's YAML. */
  patch: string;
}

export interface DiffSide {
  /** Objects per cluster storage key. */
  clusters: Readonly<Record<string, readonly RenderedObject[]>>;
}

function redacted(object: RenderedObject): RenderedObject {
  if (object.kind !== 'Secret' || object.data === undefined) return object;
  return { ...object, data: Object.fromEntries(Object.keys(object.data).map((key) => [key, '<redacted>'])) };
}

function yamlOf(object: RenderedObject | undefined): string {
  if (object === undefined) return '';
  const text = toYaml(redacted(object));
  return object.kind === 'Secret' ? `# Secret data is never shown\n${text}` : text;
}

function secretChanged(was: RenderedObject | undefined, now: RenderedObject | undefined): boolean {
  return was?.kind === 'Secret' && now !== undefined && hashObject(was.data ?? {}) !== hashObject(now.data ?? {});
}

function fileName(cluster: string, id: string): string {
  return `${cluster}/${id.replace(/\/\//g, '/_/')}.yaml`;
}

interface Change {
  id: string;
  was: RenderedObject | undefined;
  now: RenderedObject | undefined;
}

/** The objects that differ between two sides of one cluster, by id. */
function changesIn(before: readonly RenderedObject[], after: readonly RenderedObject[]): Change[] {
  const old = new Map(before.map((object) => [objectId(object), object]));
  const next = new Map(after.map((object) => [objectId(object), object]));
  const changes: Change[] = [];
  for (const id of [...new Set([...old.keys(), ...next.keys()])].sort()) {
    const was = old.get(id);
    const now = next.get(id);
    if (was === undefined || now === undefined || hashObject(was) !== hashObject(now)) changes.push({ id, was, now });
  }
  return changes;
}

function patchOf(cluster: string, { id, was, now }: Change): string {
  const name = fileName(cluster, id);
  return createTwoFilesPatch(
    was === undefined ? '/dev/null' : `a/${name}`,
    now === undefined ? '/dev/null' : `b/${name}`,
    yamlOf(was),
    secretChanged(was, now) ? `# Secret data changed\n${yamlOf(now)}` : yamlOf(now),
    undefined,
    undefined,
    { context: 3 },
  ).replace(/^=+\n/, '');
}

function diffCluster(cluster: string, changes: readonly Change[]): ClusterDiff {
  const result: ClusterDiff = { cluster, create: [], change: [], delete: [], patch: '' };
  for (const { id, was, now } of changes) {
    if (was === undefined) result.create.push(id);
    else if (now === undefined) result.delete.push(id);
    else result.change.push(id);
  }
  result.patch = changes.map((change) => patchOf(cluster, change)).join('');
  return result;
}

function clusterKeys(before: DiffSide, after: DiffSide): string[] {
  return [...new Set([...Object.keys(before.clusters), ...Object.keys(after.clusters)])];
}

/** Whether going from `before` to `after` changes anything in any cluster (no diff text is built). */
export function hasChanges(before: DiffSide, after: DiffSide): boolean {
  return clusterKeys(before, after).some(
    (cluster) => changesIn(before.clusters[cluster] ?? [], after.clusters[cluster] ?? []).length > 0,
  );
}

/**
 * Per cluster (named by `names`, storage key → `provider/cluster`), what going from
 * `before` to `after` creates, changes and deletes. Clusters with no change are left out.
 */
export function diffRevisions(before: DiffSide, after: DiffSide, names: (cluster: string) => string): ClusterDiff[] {
  return clusterKeys(before, after)
    .map((cluster) => ({
      cluster: names(cluster),
      changes: changesIn(before.clusters[cluster] ?? [], after.clusters[cluster] ?? []),
    }))
    .filter(({ changes }) => changes.length > 0)
    .map(({ cluster, changes }) => diffCluster(cluster, changes))
    .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
}
