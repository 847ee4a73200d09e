/** The commit message: which group, action, revision and cluster, and which files. */
import type { ChangeContext, TargetCluster } from '../../../service/deploy/target.js';
import type { StagedChanges } from './workspace.js';

/**
 * `meshbridge: update projects/p/composite-apps/ca/v1/deployment-intent-groups/dig revision 3 (edge/cluster01)`,
 * a blank line, then `created: …`, `changed: …` and `deleted: …` lines naming the files in the cluster's folder.
 */
export function commitMessage(context: ChangeContext, cluster: TargetCluster, files: StagedChanges): string {
  const subject =
    `meshbridge: ${context.action} ${context.group} revision ${context.revision} ` +
    `(${cluster.provider}/${cluster.name})`;
  const lines = (['created', 'changed', 'deleted'] as const)
    .filter((change) => files[change].length > 0)
    .map((change) => `${change}: ${[...files[change]].sort().join(', ')}`);
  return [subject, '', ...lines].join('\n');
}
