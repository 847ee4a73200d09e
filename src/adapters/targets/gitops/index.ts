/** The GitOps deploy target: rendered objects as files committed to a git repository. */
export { createGitOpsTarget, type GitOpsTargetOptions } from './gitops-target.js';
export type { GitAuthor } from './git.js';
