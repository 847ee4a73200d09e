/**
 * What a deploy would change, as people read it: per cluster, the objects it would
 * create, change and delete, and a unified diff of their YAML. Secret data is never
 * shown; a changed Secret says so in a comment.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
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
  const text = stringify(redacted(object), { lineWidth: 0 });
  return object.kind === 'Secret' ? `# Secret data is never shown\n${text}` : text;
}

function secretChanged(was: RenderedObject | undefined, now: RenderedObject | undefined): boolean {
  return was?.kind === 'Secret' && now !== undefined && hashObject(was.data ?? {}) !== hashObject(now.data ?? {});
}

function fileName(cluster: string, id: string): string {
  return `${cluster}/${id.replace(/\/\//g, '/_/')}.yaml`;
}

function diffCluster(
  cluster: string,
  before: readonly RenderedObject[],
  after: readonly RenderedObject[],
): ClusterDiff {
  const old = new Map(before.map((object) => [objectId(object), object]));
  const next = new Map(after.map((object) => [objectId(object), object]));
  const result: ClusterDiff = { cluster, create: [], change: [], delete: [], patch: '' };
  const ids = [...new Set([...old.keys(), ...next.keys()])].sort();
  const patches: string[] = [];
  for (const id of ids) {
    const was = old.get(id);
    const now = next.get(id);
    if (was !== undefined && now !== undefined && hashObject(was) === hashObject(now)) continue;
    if (was === undefined) result.create.push(id);
    else if (now === undefined) result.delete.push(id);
    else result.change.push(id);
    const name = fileName(cluster, id);
    patches.push(
      createTwoFilesPatch(
        was === undefined ? '/dev/null' : `a/${name}`,
        now === undefined ? '/dev/null' : `b/${name}`,
        yamlOf(was),
        secretChanged(was, now) ? `# Secret data changed\n${yamlOf(now)}` : yamlOf(now),
        undefined,
        undefined,
        { context: 3 },
      ).replace(/^=+\n/, ''),
    );
  }
  result.patch = patches.join('');
  return result;
}

/**
 * Per cluster (named by `names`, storage key → `provider/cluster`), what going from
 * `before` to `after` creates, changes and deletes. Clusters with no change are left out.
 */
export function diffRevisions(before: DiffSide, after: DiffSide, names: (cluster: string) => string): ClusterDiff[] {
  const clusters = [...new Set([...Object.keys(before.clusters), ...Object.keys(after.clusters)])];
  return clusters
    .map((cluster) => diffCluster(names(cluster), before.clusters[cluster] ?? [], after.clusters[cluster] ?? []))
    .filter((diff) => diff.create.length + diff.change.length + diff.delete.length > 0)
    .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
}
