/**
 * A work tree meshbridge commits in: a human's (committed to as it is) or meshbridge's own
 * clone of a remote (reset to the remote before, pushed after). Committing is the same for both.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { gitStep } from './git-errors.js';

export interface StagedChanges {
  created: string[];
  changed: string[];
  deleted: string[];
}

export interface Workspace {
  /** The work tree's root. */
  readonly root: string;
  /** Gets the work tree onto the branch, as recent as it can be, before the session reads it. */
  prepare(): Promise<void>;
  /**
   * Commits exactly `paths` (added, changed or deleted; anything else staged stays staged and
   * out of the commit). Returns what was committed, or undefined when git saw no change.
   */
  commit(paths: readonly string[], message: (changes: StagedChanges) => string): Promise<StagedChanges | undefined>;
  /** Sends the commit wherever it has to go. */
  publish(): Promise<void>;
  /** After a failed commit or publish: unstages `paths`. */
  unstage(paths: readonly string[]): Promise<void>;
  /** The last commit that touched `path` (`abc1234 Jane Doe: subject`), or undefined when none did. */
  lastCommit(path: string): Promise<string | undefined>;
}

function nulSeparated(output: string): string[] {
  return output.split('\0').filter((item) => item !== '');
}

/** The paths git can add: those in the work tree and those it tracks (a deletion). */
async function addable(git: SimpleGit, root: string, paths: readonly string[]): Promise<string[]> {
  const tracked = new Set(nulSeparated(await git.raw(['ls-files', '-z', '--', ...paths])));
  const result: string[] = [];
  for (const path of paths) {
    if (tracked.has(path) || (await stat(join(root, path)).catch(() => undefined))) result.push(path);
  }
  return result;
}

function parseNameStatus(output: string): StagedChanges {
  const changes: StagedChanges = { created: [], changed: [], deleted: [] };
  const items = nulSeparated(output);
  for (let index = 0; index + 1 < items.length; index += 2) {
    const [status, path] = [items[index] as string, items[index + 1] as string];
    if (status === 'A') changes.created.push(path);
    else if (status === 'D') changes.deleted.push(path);
    else changes.changed.push(path);
  }
  return changes;
}

export async function commitPaths(
  git: SimpleGit,
  root: string,
  paths: readonly string[],
  message: (changes: StagedChanges) => string,
): Promise<StagedChanges | undefined> {
  const targets = await gitStep('git add', () => addable(git, root, paths));
  if (targets.length === 0) return undefined;
  await gitStep('git add', () => git.raw(['add', '-A', '--verbose', '--', ...targets]));
  const staged = parseNameStatus(
    await gitStep('git diff', () =>
      git.raw(['diff', '--cached', '--no-renames', '--name-status', '-z', '--', ...targets]),
    ),
  );
  if (staged.created.length + staged.changed.length + staged.deleted.length === 0) return undefined;
  await gitStep('git commit', () => git.raw(['commit', '--no-edit', '-m', message(staged), '--', ...targets]));
  return staged;
}

export async function hasHead(git: SimpleGit): Promise<boolean> {
  return git
    .raw(['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
    .then(() => true)
    .catch(() => false);
}

export async function unstagePaths(git: SimpleGit, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  if (await hasHead(git)) await git.raw(['reset', '-q', '--', ...paths]);
  else await git.raw(['rm', '-q', '-r', '--cached', '--ignore-unmatch', '--', ...paths]);
}

export async function lastCommitOf(git: SimpleGit, path: string): Promise<string | undefined> {
  if (!(await hasHead(git))) return undefined;
  const line = await git.raw(['log', '-1', '--no-renames', '--format=%h %an: %s', 'HEAD', '--', path]).catch(() => '');
  return line.trim() === '' ? undefined : line.trim();
}
