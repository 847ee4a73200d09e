/** `meshbridge completion bash|zsh`: generated from the command tree, valid bash, and it completes. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli } from '../../test-support/cli.js';
import { buildProgram } from './program.js';
import { commandTree } from './completion.js';

let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-completion-'));
  const result = await cli(['completion', 'bash']);
  expect(result.code).toBe(0);
  script = join(dir, 'meshbridge.bash');
  await writeFile(script, `${result.stdout}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tree = () =>
  commandTree(
    buildProgram(
      {
        output: { out: () => undefined, err: () => undefined },
        env: {},
        version: '0',
        serve: async () => undefined,
        withOfflineApi: () => Promise.reject(new Error('unused')),
      },
      () => undefined,
    ),
  );

/** What bash completes for a command line typed so far (a trailing space starts a new word). */
function complete(line: string): string[] {
  const program = `source "$1"; read -ra COMP_WORDS <<< "$2"; [[ "$2" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _meshbridge; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', program, 'bash', script, line], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('completion bash', () => {
  test('is valid bash (bash -n) and names every command and sub-command of the program', async () => {
    execFileSync('bash', ['-n', script]);
    const text = await import('node:fs/promises').then((fs) => fs.readFile(script, 'utf8'));
    const paths = tree()
      .map((node) => node.path)
      .filter(Boolean);
    expect(paths).toEqual(expect.arrayContaining(['apply', 'get', 'token list', 'config set-context', 'version']));
    for (const path of paths) expect(text).toContain(`'${path}'`);
  });

  test('completes commands, sub-commands, options and option choices', () => {
    expect(complete('meshbridge to')).toEqual(['token']);
    expect(complete('meshbridge token ')).toEqual(expect.arrayContaining(['create', 'list', 'revoke']));
    expect(complete('meshbridge get -o ')).toEqual(['table', 'wide', 'name', 'yaml', 'json']);
    expect(complete('meshbridge apply -f x --stop')).toEqual(['--stop-on-failure']);
    expect(complete('meshbridge completion ')).toEqual(expect.arrayContaining(['--help']));
    // A value of -f is a file name: the shell's file completion takes over (no words offered).
    expect(complete('meshbridge apply -f ')).toEqual([]);
    // A word after a valued option is its value, not a command: `get` here is a file name.
    expect(complete('meshbridge apply -f get --se')).toEqual(['--server']);
  });
});

test('completion zsh wraps the same script through bashcompinit', async () => {
  const zsh = await cli(['completion', 'zsh']);
  expect(zsh.stdout.split('\n')[0]).toBe('#compdef meshbridge');
  expect(zsh.stdout).toContain('bashcompinit');
  expect(zsh.stdout).toContain('complete -o default -F _meshbridge meshbridge');
  expect((await cli(['completion', 'fish'])).code).not.toBe(0);
});
