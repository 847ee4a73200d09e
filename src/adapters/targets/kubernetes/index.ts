/** The Kubernetes deploy target: server-side apply to each cluster's API server. */
export { createKubernetesTarget, type KubernetesTargetOptions } from './target.js';
