/**
 * README.md's walkthrough runs top to bottom as written: its shell blocks' meshbridge commands
 * are real commands, and no command needs an example that is not applied at that point (applied
 * by an earlier `apply -f`, not deleted since). A command needs an example when it names one of
 * the example's projects or cluster providers and talks to the server (`render -f` does not).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from './adapters/cli/program.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Step {
  line: number;
  command: string;
}

/** The commands of ```sh blocks and the `$ ` lines of ```console blocks, with `$VAR`s of the blocks expanded. */
function walkthrough(markdown: string): Step[] {
  const steps: Step[] = [];
  const variables = new Map<string, string>();
  // Inside a fence: its language; plain fences (the command line's synopsis) are not run.
  let block: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^```(\w*)/.exec(text);
    if (fence) {
      block = block === undefined ? (fence[1] ?? '') : undefined;
      return;
    }
    if (block !== 'sh' && block !== 'console') return;
    const line = block === 'console' ? (text.startsWith('$ ') ? text.slice(2) : '') : text;
    const command = line.replace(/\s+#.*$/, '').trim();
    if (command === '' || command.startsWith('#')) return;
    const assignment = /^([A-Z_]+)=(\S+)$/.exec(command);
    if (assignment) variables.set(assignment[1] as string, assignment[2] as string);
    else
      steps.push({
        line: index + 1,
        command: command.replace(/\$([A-Z_]+)/g, (all, name: string) => variables.get(name) ?? all),
      });
  });
  return steps;
}

/** The projects and cluster providers an example file creates. */
function namesIn(file: string): string[] {
  const names: string[] = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const body = document.toJS() as { resourceContext?: { anchor?: string }; metadata?: { name?: string } };
    const anchor = body.resourceContext?.anchor;
    if ((anchor === 'projects' || anchor === 'cluster-providers') && body.metadata?.name)
      names.push(body.metadata.name);
  }
  return names;
}

/** `-f` arguments of a command, a folder standing for its .yaml files (kubectl's -f DIR). */
function filesOf(command: string): string[] {
  return [...command.matchAll(/(?:^|\s)-f\s+(\S+)/g)].flatMap((match) => {
    const path = join(ROOT, match[1] as string);
    if (match[1] === '-') return [];
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .map((name) => join(path, name));
  });
}

const meshbridgeArgs = (command: string) => /(?:npx )?meshbridge\s+(.*)$/.exec(command)?.[1];

/** What is wrong with the order: a command that needs an example not applied then. */
function orderProblems(steps: Step[]): string[] {
  const applied = new Set<string>();
  const problems: string[] = [];
  for (const { line, command } of steps) {
    const args = meshbridgeArgs(command);
    if (args?.startsWith('apply ')) for (const file of filesOf(args)) applied.add(file);
    if (args?.startsWith('delete ')) for (const file of filesOf(args)) applied.delete(file);
    if (/^cat (\S+) \| npx meshbridge apply -f -/.test(command))
      applied.add(join(ROOT, command.split(' ')[1] as string));
    const offline = args !== undefined && (/^(apply|delete|render) /.test(args) ? / -f /.test(` ${args}`) : false);
    const online = !offline && (args !== undefined || /\bcurl\b.*\/v2\//.test(command));
    if (!online) continue;
    const examples = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.yaml'));
    for (const example of examples) {
      const file = join(ROOT, 'examples', example);
      const named = namesIn(file).find((name) => new RegExp(`(^|[\\s/=])${name}(/|\\s|$)`).test(command));
      if (named && !applied.has(file))
        problems.push(`README.md:${line}: ${command} needs examples/${example} (${named}), which is not applied then`);
    }
  }
  return problems;
}

test('the README walkthrough has commands, and every one is a meshbridge command that exists', () => {
  const steps = walkthrough(README);
  expect(steps.length).toBeGreaterThan(30);
  const program = buildProgram(
    {
      output: { out: () => undefined, err: () => undefined },
      env: {},
      version: '0',
      serve: () => Promise.resolve(),
      withOfflineApi: () => Promise.reject(new Error('unused')),
    },
    () => undefined,
  );
  const known = new Set(program.commands.map((command) => command.name()));
  for (const { line, command } of steps) {
    const verb = meshbridgeArgs(command)?.split(/\s+/)[0];
    if (verb !== undefined) expect(known.has(verb), `README.md:${line}: ${command}`).toBe(true);
  }
});

test('the README walkthrough runs top to bottom: nothing is used before it is applied or after it is deleted', () => {
  expect(orderProblems(walkthrough(README))).toEqual([]);
});

test('the order check fails on the walkthrough of old: the quick start deleted the example the render examples need', () => {
  const old = [
    '```sh',
    'npx meshbridge apply -f examples/seed-two-clouds.yaml',
    'npx meshbridge get projects/demo',
    'npx meshbridge delete -f examples/seed-two-clouds.yaml',
    '```',
    '```sh',
    'npx meshbridge render -f examples/seed-two-clouds.yaml   # offline: fine',
    'curl http://127.0.0.1:9015/v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc02-group/render',
    'G=demo/blue-app/v1/lc01-group',
    'npx meshbridge status $G',
    'npx meshbridge check route --from sleep --to service01 --cluster metro/cluster1 --path /headers',
    '```',
  ].join('\n');
  const problems = orderProblems(walkthrough(old));
  expect(problems).toHaveLength(3);
  expect(problems[0]).toContain('curl');
  expect(problems[1]).toContain('status demo/blue-app/v1/lc01-group');
  expect(problems[2]).toContain('seed-replication.yaml (metro)');
});
