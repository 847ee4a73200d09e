/** kubectl's `-o name` and `-o wide` on the commands that print resources. */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cli, startLiveServer, type LiveServer } from '../../test-support/cli.js';
import { examplePath } from '../../test-support/examples.js';
import type { Output } from './output.js';
import { parseResourceFormat, printResources, type ResourceView } from './resource-output.js';

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
});

test('token list -o name prints tokens/<id>', async () => {
  const adminToken = 'resource-output-admin-0123456789';
  const server = await startLiveServer({ reconcileSeconds: 0 }, { adminToken });
  try {
    const env = { MESHBRIDGE_SERVER: server.url, MESHBRIDGE_TOKEN: adminToken };
    const created = await cli(['token', 'create', 'robot', '--role', 'viewer', '-o', 'json'], env);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await cli(['token', 'list', '-o', 'name'], env)).stdout).toBe(`tokens/${id}`);
    expect((await cli(['token', 'list', '-o', 'wide'], env)).stdout.split('\n')[0]).toMatch(
      /CREATED BY\s+CREATED\s+REVOKED$/,
    );
  } finally {
    await server.close();
  }
});
