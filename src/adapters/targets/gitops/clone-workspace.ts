/**
 * meshbridge's own clone of a remote repository, one per repository and branch under the
 * target's work folder. Every session starts from the remote branch as it is (local leftovers
 * are thrown away) and ends with a push; a push the remote refuses because the branch moved
 * is rebased onto it and pushed once more.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { TargetError } from '../../../service/deploy/target.js';
import { gitError, gitStep, redactCredentials } from './git-errors.js';
import { gitIn, type GitAuthor } from './git.js';
import type { RepositoryLocation } from './repository-location.js';
import { commitPaths, lastCommitOf, unstagePaths, type StagedChanges, type Workspace } from './workspace.js';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/**
 * A local repository's receive-pack runs on this host, in that repository, and git does not
 * hand it our `-c` settings: without this, the repository's own hooks would run as meshbridge.
 * (A server's receive-pack runs on the server, under the server's rules.)
 */
const LOCAL_RECEIVE_PACK = 'git -c core.hooksPath=/dev/null receive-pack';

/** The remote has moved on since the fetch: `! [rejected] main -> main (fetch first)`. */
const BEHIND = /\[rejected\]|non-fast-forward|fetch first/i;

export class CloneWorkspace implements Workspace {
  private readonly git: SimpleGit;

  private readonly url: string;

  private constructor(
    readonly root: string,
    private readonly location: RepositoryLocation,
    private readonly branch: string,
    author: GitAuthor,
  ) {
    this.git = gitIn(root, author);
    this.url = location.url;
  }

  /** The clone's folder is made first: simple-git wants it to exist. */
  static async open(location: RepositoryLocation, branch: string, author: GitAuthor): Promise<CloneWorkspace> {
    await mkdir(location.clone, { recursive: true });
    return new CloneWorkspace(location.clone, location, branch, author);
  }

  private get remoteRef(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  async prepare(): Promise<void> {
    if (await exists(join(this.root, '.git'))) {
      await this.abandonRebase();
      const url = await this.git.raw(['remote', 'get-url', 'origin']).catch(() => undefined);
      if (url?.trim() !== this.url) {
        await gitStep('git remote', () =>
          this.git.raw(['remote', url === undefined ? 'add' : 'set-url', 'origin', this.url]),
        );
      }
    } else {
      await gitStep('git init', () => this.git.raw(['init']));
      await gitStep('git remote', () => this.git.raw(['remote', 'add', 'origin', this.url]));
    }
    if (await this.fetch()) {
      // Without -q: git says what it did, and simple-git need not wait out its 50 ms for silent commands.
      await gitStep('git checkout', () => this.git.raw(['checkout', '-f', '-B', this.branch, this.remoteRef]));
    } else {
      await gitStep('git checkout', () => this.startBranch());
    }
    await gitStep('git clean', () => this.git.raw(['clean', '-ffdx']));
  }

  commit(paths: readonly string[], message: (changes: StagedChanges) => string): Promise<StagedChanges | undefined> {
    return commitPaths(this.git, this.root, paths, message);
  }

  async publish(): Promise<void> {
    try {
      await this.push();
      return;
    } catch (error) {
      if (!BEHIND.test(error instanceof Error ? error.message : String(error))) throw gitError(error, 'git push');
    }
    await this.fetch();
    try {
      await this.git.raw(['rebase', '-q', this.remoteRef]);
    } catch (error) {
      await this.abandonRebase().catch(() => undefined);
      throw new TargetError(
        redactCredentials(
          `git push to ${this.url} was rejected since the branch ${this.branch} moved, ` +
            `and rebasing onto it failed: ${error instanceof Error ? error.message.trim() : String(error)}`,
        ),
        'git-error',
        true,
      );
    }
    await gitStep('git push (after rebase)', () => this.push());
  }

  lastCommit(path: string): Promise<string | undefined> {
    return lastCommitOf(this.git, path);
  }

  unstage(paths: readonly string[]): Promise<void> {
    return gitStep('git reset', () => unstagePaths(this.git, paths));
  }

  /** An empty remote, or one without the branch: the session's commit starts the branch. */
  private async startBranch(): Promise<void> {
    await this.git.raw(['symbolic-ref', 'HEAD', `refs/heads/${this.branch}`]);
    const local = await this.git.raw(['rev-parse', '--verify', '-q', `refs/heads/${this.branch}`]).catch(() => '');
    if (local.trim() !== '') await this.git.raw(['update-ref', '-d', `refs/heads/${this.branch}`]);
    await this.git.raw(['read-tree', '--empty']);
  }

  /** A rebase left by a session that died half-way. */
  private async abandonRebase(): Promise<void> {
    const gitDir = join(this.root, '.git');
    if ((await exists(join(gitDir, 'rebase-merge'))) || (await exists(join(gitDir, 'rebase-apply')))) {
      await gitStep('git rebase --abort', () => this.git.raw(['rebase', '--abort']));
    }
  }

  private async push(): Promise<void> {
    const receivePack = this.location.local ? [`--receive-pack=${LOCAL_RECEIVE_PACK}`] : [];
    await this.git.raw(['push', ...receivePack, 'origin', `HEAD:refs/heads/${this.branch}`]);
  }

  /** Fetches the branch; false when the remote does not have it (yet). */
  private async fetch(): Promise<boolean> {
    try {
      await this.git.raw(['fetch', '--verbose', '--no-tags', 'origin', `+refs/heads/${this.branch}:${this.remoteRef}`]);
      return true;
    } catch (error) {
      if (!/couldn't find remote ref/i.test(error instanceof Error ? error.message : String(error))) {
        throw gitError(error, `git fetch ${this.url}`);
      }
      await this.git.raw(['update-ref', '-d', this.remoteRef]).catch(() => undefined);
      return false;
    }
  }
}
