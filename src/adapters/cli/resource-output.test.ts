/** kubectl's `-o name` and `-o wide` on the commands that print resources. */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cli, startLiveServer, type LiveServer } from '../../test-support/cli.js';
import { examplePath } from '../../test-support/examples.js';
import type { Output } from './output.js';
import { buildProgram } from './program.js';
import { parseResourceFormat, printResources, RESOURCE_FORMATS, type ResourceView } from './resource-output.js';

const captured = () => {
  const lines: string[] = [];
  const output: Output = { out: (text) => lines.push(text), err: (text) => lines.push(`ERR ${text}`) };
  return { lines, output };
};
const view: ResourceView<{ id: string; size: number }> = {
  headers: ['ID'],
  row: (item) => [item.id],
  wideHeaders: ['SIZE'],
  wideRow: (item) => [String(item.size)],
  nameOf: (item) => `things/${item.id}`,
  empty: 'Nothing.',
};

describe('printResources', () => {
  test('property: -o name prints one line per item, in order; wide has the table’s columns and more', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.stringMatching(/^[a-z0-9-]{1,12}$/), size: fc.nat() })), (items) => {
        const name = captured();
        printResources(items, 'name', view, name.output);
        expect(name.lines.join('\n').split('\n').filter(Boolean)).toEqual(items.map((item) => `things/${item.id}`));
        const wide = captured();
        printResources(items, 'wide', view, wide.output);
        const table = captured();
        printResources(items, 'table', view, table.output);
        if (items.length === 0) expect(wide.lines).toEqual(['Nothing.']);
        else {
          expect(wide.lines[0]?.split('\n')[0]).toMatch(/^ID\s+SIZE$/);
          expect(table.lines[0]?.split('\n')[0]).toBe('ID');
        }
      }),
    );
  });

  test('an unknown format is refused, naming the known ones', () => {
    expect(parseResourceFormat('wide', 'table')).toBe('wide');
    expect(() => parseResourceFormat('jsonpath', 'table')).toThrow(/table, wide, name, yaml, json/);
  });
});

/** Every command that prints resources; `diff`/`deploy` print a diff (`-o diff|name|yaml|json`). */
const PRINTING = [
  'get',
  'apply',
  'delete',
  'render',
  'check route',
  'status',
  'revisions',
  'token create',
  'token list',
  'audit',
  'cluster add',
  'config get-contexts',
];

test('every command that prints resources takes -o table|wide|name|yaml|json, from the one shared option', () => {
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
  for (const path of PRINTING) {
    const command = path
      .split(' ')
      .reduce(
        (parent, name) => parent?.commands.find((child) => child.name() === name),
        program as typeof program | undefined,
      );
    const option = command?.options.find((candidate) => candidate.short === '-o');
    expect(option?.argChoices, path).toEqual([...RESOURCE_FORMATS]);
  }
});

describe('get, apply and token list with -o name and -o wide', () => {
  let server: LiveServer;
  beforeEach(async () => {
    server = await startLiveServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const run = (...args: string[]) => cli([...args, '--server', server.url]);

  test('apply -o name prints the path of every document; get -o name prints what get takes', async () => {
    const applied = await run('apply', '-f', examplePath('seed-two-clouds.yaml'), '-o', 'name');
    expect(applied.code).toBe(0);
    const paths = applied.stdout.split('\n');
    expect(paths).toContain('projects/demo');
    expect(paths).toContain('projects/demo/composite-apps/blue-app/v1');
    expect(paths.every((path) => !path.includes(' '))).toBe(true);

    const apps = await run('get', 'projects/demo/composite-apps', '-o', 'name');
    expect(apps.stdout).toBe('projects/demo/composite-apps/blue-app/v1');
    for (const path of apps.stdout.split('\n')) expect((await run('get', path)).code).toBe(0);
    expect((await run('get', '/v2/projects/demo/', '-o', 'name')).stdout).toBe('projects/demo');
  });

  test('-o wide adds columns: PATH for get, PATH and DETAIL for apply', async () => {
    await run('apply', '-f', examplePath('seed-two-clouds.yaml'));
    const wide = await run('get', 'projects', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+DESCRIPTION\s+SPEC\s+PATH$/);
    expect(wide.stdout).toMatch(/demo\s.*\sprojects\/demo$/m);
    const again = await run('apply', '-f', examplePath('seed-two-clouds.yaml'), '-o', 'wide');
    expect(again.stdout.split('\n')[0]).toMatch(/^#\s+RESULT\s+NAME\s+ANCHOR\s+PATH\s+DETAIL$/);
  });

  test('check route -o name prints where the call goes; -o wide adds the istio source of each hop', async () => {
    await run('apply', '-f', examplePath('seed-two-clouds.yaml'));
    const call = ['check', 'route', '--from', 'sleep', '--to', 'httpbin.namespace02.logicalcloud02'];
    const where = [...call, '--cluster', 'edge/cluster01', '--path', '/status/200'];
    expect((await run(...where, '-o', 'name')).stdout).toBe('edge/cluster02/httpbin.namespace02.logicalcloud02');
    const wide = (await run(...where, '-o', 'wide')).stdout;
    expect(wide).toMatch(/^\s+source: \S+/m);
    expect((await run(...where)).stdout).not.toMatch(/^\s+source: /m);
  });
});

test('render -o name lists every object as provider/cluster/Kind/namespace/name; -o wide as a table', async () => {
  const file = examplePath('seed-two-clouds.yaml');
  const names = (await cli(['render', '-f', file, '-o', 'name'])).stdout.split('\n');
  expect(names).toContain('edge/cluster01/ServiceEntry/namespace01/httpbin.namespace02.logicalcloud02');
  expect(names.every((name) => /^edge\/cluster0[12]\/[A-Za-z]+\/(\S+\/)?\S+$/.test(name))).toBe(true);
  const wide = (await cli(['render', '-f', file, '-o', 'wide'])).stdout.split('\n');
  expect(wide[0]).toMatch(/^CLUSTER\s+KIND\s+NAMESPACE\s+NAME\s+API VERSION$/);
  expect(wide.length - 1).toBe(names.length);
});

test('token list -o name prints tokens/<id>', async () => {
  const adminToken = 'resource-output-admin-0123456789';
  const server = await startLiveServer({ reconcileSeconds: 0 }, { adminToken });
  try {
    const env = { MESHBRIDGE_SERVER: server.url, MESHBRIDGE_TOKEN: adminToken };
    const created = await cli(['token', 'create', 'robot', '--role', 'viewer', '-o', 'json'], env);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await cli(['token', 'list', '-o', 'name'], env)).stdout).toBe(`tokens/${id}`);
    const named = await cli(['token', 'create', 'robot2', '--role', 'viewer', '-o', 'name'], env);
    expect(named.stdout).toMatch(/^tokens\/\S+$/);
    expect(named.stdout).not.toContain('mb_'); // the secret only in the table, yaml and json
    expect((await cli(['audit', '-o', 'name', '--action', 'token.create'], env)).stdout.split('\n')).toEqual([
      'tokens',
      'tokens',
    ]);
    expect((await cli(['token', 'list', '-o', 'wide'], env)).stdout.split('\n')[0]).toMatch(
      /CREATED BY\s+CREATED\s+REVOKED$/,
    );
  } finally {
    await server.close();
  }
});
