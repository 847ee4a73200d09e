/** The commit message: which group, action, revision and cluster, and which files; a drift repair says so. */
import type { ChangeContext, TargetCluster } from '../../../service/deploy/target.js';
import type { StagedChanges } from './workspace.js';

/** A file meshbridge wrote back because someone had changed or deleted it, and the commit that did. */
export interface Repair {
  file: string;
  drift: 'changed' | 'deleted';
  /** `abc1234 Jane Doe: tweak timeout`: the last commit that touched the file, when git knows one. */
  by?: string;
}

/** Files meshbridge writes beside the objects, brought in line whenever the objects change. */
const isBookkeeping = (file: string): boolean => file === 'kustomization.yaml' || file.startsWith('namespace-cluster-');

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Nothing but drift was put right: every object file the commit touches is a repaired one. */
function onlyRepairs(files: StagedChanges, repairs: readonly Repair[]): boolean {
  const repaired = new Set(repairs.map((repair) => repair.file));
  const touched = [...files.created, ...files.changed, ...files.deleted].filter((file) => !isBookkeeping(file));
  return repairs.length > 0 && touched.every((file) => repaired.has(file));
}

function repairLines(repairs: readonly Repair[], revision: number): string[] {
  if (repairs.length === 0) return [];
  const lines = [...repairs]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((repair) => `  ${repair.file}: ${repair.drift} by hand${repair.by === undefined ? '' : ` in ${repair.by}`}`);
  return ['', `restored to revision ${revision}:`, ...lines];
}

/**
 * `meshbridge: update projects/p/composite-apps/ca/v1/deployment-intent-groups/dig revision 3 (edge/cluster01)`,
 * or, when the commit only puts back what was edited by hand,
 * `meshbridge: repair: restore 2 objects in cluster edge/cluster01 drifted from revision 3 of projects/…/dig`;
 * a blank line, then `created: …`, `changed: …` and `deleted: …` lines naming the files in the
 * cluster's folder, and the repaired files with the commit that had changed each.
 */
export function commitMessage(
  context: ChangeContext,
  cluster: TargetCluster,
  files: StagedChanges,
  repairs: readonly Repair[] = [],
): string {
  const where = `${cluster.provider}/${cluster.name}`;
  const subject = onlyRepairs(files, repairs)
    ? `meshbridge: repair: restore ${plural(repairs.length, 'object')} in cluster ${where} ` +
      `drifted from revision ${context.revision} of ${context.group}`
    : `meshbridge: ${context.action} ${context.group} revision ${context.revision} (${where})`;
  const lines = (['created', 'changed', 'deleted'] as const)
    .filter((change) => files[change].length > 0)
    .map((change) => `${change}: ${[...files[change]].sort().join(', ')}`);
  return [subject, '', ...lines, ...repairLines(repairs, context.revision)].join('\n');
}
