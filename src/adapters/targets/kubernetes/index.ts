/** The Kubernetes deploy target: server-side apply to each cluster's API server. */
export { createKubernetesTarget, type KubernetesTargetOptions } from './target.js';
/** What meshbridge may do in a cluster: the ServiceAccount, ClusterRole and token `meshbridge cluster add` sets up. */
export {
  accessObjects,
  clusterRoleRules,
  DEFAULT_ACCESS_NAMES,
  tokenSecretName,
  type AccessNames,
  type AccessObject,
  type PolicyRule,
} from './access.js';
