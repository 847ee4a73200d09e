/**
 * A work tree on this machine, someone's checkout: meshbridge commits on the branch that is
 * checked out and never switches it. An empty repository (nothing committed yet) gets the
 * configured branch as its first branch; a checkout of another branch is refused, since
 * switching it would change a human's files under their feet.
 */
import type { SimpleGit } from 'simple-git';
import { TargetError } from '../../../service/deploy/target.js';
import { gitStep } from './git-errors.js';
import { gitIn, type GitAuthor } from './git.js';
import { commitPaths, hasHead, unstagePaths, type StagedChanges, type Workspace } from './workspace.js';

export class WorkTreeWorkspace implements Workspace {
  private readonly git: SimpleGit;

  constructor(
    readonly root: string,
    private readonly branch: string,
    author: GitAuthor,
  ) {
    this.git = gitIn(root, author);
  }

  async prepare(): Promise<void> {
    const current = await this.git
      .raw(['symbolic-ref', '-q', '--short', 'HEAD'])
      .then((name) => name.trim())
      .catch(() => undefined);
    if (current === this.branch) return;
    const born = await hasHead(this.git);
    const branchExists = await this.git
      .raw(['rev-parse', '--verify', '-q', `refs/heads/${this.branch}`])
      .then(() => true)
      .catch(() => false);
    if (current !== undefined && !born && !branchExists) {
      // Nothing committed on the unborn branch: naming it moves no file.
      await gitStep('git symbolic-ref', () => this.git.raw(['symbolic-ref', 'HEAD', `refs/heads/${this.branch}`]));
      return;
    }
    const checkedOut = current === undefined ? 'a detached HEAD' : `branch '${current}'`;
    throw new TargetError(
      `work tree ${this.root} has ${checkedOut} checked out, not '${this.branch}': meshbridge commits only to the ` +
        'checked-out branch and does not switch a checkout; check out the branch there, or set ' +
        'spec.deploy.gitops.branch to the checked-out one, or give a URL to have meshbridge work in a clone',
      'not-configured',
      false,
    );
  }

  commit(paths: readonly string[], message: (changes: StagedChanges) => string): Promise<StagedChanges | undefined> {
    return commitPaths(this.git, this.root, paths, message);
  }

  async publish(): Promise<void> {
    // A local work tree is where the commit goes; whoever owns it pushes it.
  }

  unstage(paths: readonly string[]): Promise<void> {
    return gitStep('git reset', () => unstagePaths(this.git, paths));
  }
}
