/**
 * simple-git, set up for meshbridge: the author passed with `-c` on each call (no git config
 * file is touched), no prompts, literal paths, and nothing from the caller's GIT_* state that
 * would point git at another repository.
 */
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';

export interface GitAuthor {
  name: string;
  email: string;
}

export const DEFAULT_AUTHOR: GitAuthor = { name: 'meshbridge', email: 'meshbridge@localhost' };

/** Variables that would point git at another repository, index or work tree than the one asked for. */
const REPOSITORY_VARIABLES = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
]);

/** Editors and pagers: git run with `-m` and without a terminal needs neither. */
const INTERACTIVE_VARIABLES = new Set(['EDITOR', 'VISUAL', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'PAGER', 'GIT_PAGER']);

type UnsafeFlags = NonNullable<SimpleGitOptions['unsafe']>;

/**
 * Variables simple-git refuses unless allowed. When they are set, whoever runs meshbridge set
 * them (an SSH command or askpass helper for the remote, say), so they are allowed; nothing
 * that comes from a cluster's settings reaches git's environment.
 */
const OPERATOR_VARIABLES: Record<string, keyof UnsafeFlags> = {
  GIT_ASKPASS: 'allowUnsafeAskPass',
  SSH_ASKPASS: 'allowUnsafeAskPass',
  GIT_SSH: 'allowUnsafeSshCommand',
  GIT_SSH_COMMAND: 'allowUnsafeSshCommand',
  GIT_PROXY_COMMAND: 'allowUnsafeGitProxy',
  GIT_CONFIG: 'allowUnsafeConfigPaths',
  GIT_CONFIG_GLOBAL: 'allowUnsafeConfigPaths',
  GIT_CONFIG_SYSTEM: 'allowUnsafeConfigPaths',
  GIT_EXEC_PATH: 'allowUnsafeConfigPaths',
  PREFIX: 'allowUnsafeConfigPaths',
  GIT_CONFIG_COUNT: 'allowUnsafeConfigEnvCount',
  GIT_EXTERNAL_DIFF: 'allowUnsafeDiffExternal',
  GIT_TEMPLATE_DIR: 'allowUnsafeTemplateDir',
};

function environment(): { env: Record<string, string>; unsafe: UnsafeFlags } {
  const env: Record<string, string> = {};
  const unsafe: UnsafeFlags = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || REPOSITORY_VARIABLES.has(name) || INTERACTIVE_VARIABLES.has(name.toUpperCase()))
      continue;
    env[name] = value;
    const flag = OPERATOR_VARIABLES[name.toUpperCase()];
    if (flag) unsafe[flag] = true;
  }
  return { env: { ...env, GIT_TERMINAL_PROMPT: '0', GIT_LITERAL_PATHSPECS: '1', LC_ALL: 'C' }, unsafe };
}

/**
 * On every git call: no hooks run (not the repository's, not the template's), and git speaks
 * only https, ssh and local files: no `ext::` command, no `git://` or `http://`, whatever a
 * repository's URL or `.gitmodules` says.
 */
const LOCKED_DOWN = [
  'core.hooksPath=/dev/null',
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.ssh.allow=always',
  'protocol.file.allow=always',
];

/** git in `baseDir`, committing as `author`. */
export function gitIn(baseDir: string, author: GitAuthor = DEFAULT_AUTHOR): SimpleGit {
  const { env, unsafe } = environment();
  return simpleGit({
    baseDir,
    config: [`user.name=${author.name}`, `user.email=${author.email}`, ...LOCKED_DOWN],
    // meshbridge's own settings below: LOCKED_DOWN and the local receive-pack (clone-workspace.ts).
    unsafe: { ...unsafe, allowUnsafeHooksPath: true, allowUnsafeProtocolOverride: true, allowUnsafePack: true },
    // simple-git ignores a failing exit code when git printed nothing on stderr (`rev-parse -q`, a silent hook).
    errors: (error, result) => {
      if (error || result.exitCode === 0) return error;
      const output = Buffer.concat([...result.stdOut, ...result.stdErr])
        .toString('utf8')
        .trim();
      return Buffer.from(output === '' ? `git exited with code ${result.exitCode}` : output);
    },
  }).env(env);
}
