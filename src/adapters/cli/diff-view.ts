/** How `GET .../diff` reads in a terminal: a line per cluster, then the unified diff, coloured in a TTY. */
import type { ClusterDiff } from '../../core/deploy/diff.js';

export interface GroupDiff {
  revision: number;
  clusters: ClusterDiff[];
}

const COLORS = { bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', reset: '\x1b[0m' };

function colorLine(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('Index: '))
    return `${COLORS.bold}${line}${COLORS.reset}`;
  if (line.startsWith('+')) return `${COLORS.green}${line}${COLORS.reset}`;
  if (line.startsWith('-')) return `${COLORS.red}${line}${COLORS.reset}`;
  if (line.startsWith('@@')) return `${COLORS.cyan}${line}${COLORS.reset}`;
  return line;
}

/** ANSI colours for a unified diff: additions green, removals red, hunks cyan, file names bold. */
export function colorPatch(patch: string): string {
  return patch
    .split('\n')
    .map((line) => (line === '' ? line : colorLine(line)))
    .join('\n');
}

const count = (items: readonly string[], what: string) => `${items.length} to ${what}`;

/** `edge/cluster01: 1 to create, 2 to change, 0 to delete`, per cluster; or that nothing would change. */
export function diffSummary(diff: GroupDiff): string {
  if (diff.clusters.length === 0) {
    return diff.revision === 0
      ? 'no changes: the intents render no objects'
      : `no changes: the clusters have what the intents render (revision ${diff.revision})`;
  }
  return diff.clusters
    .map(
      (cluster) =>
        `${cluster.cluster}: ${count(cluster.create, 'create')}, ${count(cluster.change, 'change')}, ${count(cluster.delete, 'delete')}`,
    )
    .join('\n');
}

/** The summary, then every cluster's patch (coloured when `color`). */
export function formatDiff(diff: GroupDiff, color: boolean): string {
  const summary = diffSummary(diff);
  const patch = diff.clusters
    .map((cluster) => cluster.patch)
    .join('')
    .trimEnd();
  if (patch === '') return summary;
  return `${summary}\n\n${color ? colorPatch(patch) : patch}`;
}
