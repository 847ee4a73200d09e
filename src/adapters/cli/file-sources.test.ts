/** kubectl's `-f`: a file, a folder (its .yaml/.yml/.json files in lexical order) or `-` (standard input). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { cli, resultRows, startLiveServer, type LiveServer } from '../../test-support/cli.js';
import { examplePath } from '../../test-support/examples.js';
import { readFileArguments } from './file-sources.js';

const project = (name: string) =>
  `version: emco/v2\nresourceContext:\n  anchor: projects\nmetadata:\n  name: ${name}\n`;
const noStdin = () => Promise.reject(new Error('standard input was not to be read'));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-sources-'));
  const folder = join(dir, 'folder');
  await mkdir(join(folder, 'nested'), { recursive: true });
  await writeFile(join(folder, 'b.yml'), `${project('b1')}---\n${project('b2')}`);
  await writeFile(join(folder, 'a.yaml'), project('a'));
  await writeFile(
    join(folder, 'c.json'),
    JSON.stringify({ resourceContext: { anchor: 'projects' }, metadata: { name: 'c' } }),
  );
  await writeFile(join(folder, 'notes.txt'), 'not a document');
  await writeFile(join(folder, 'nested', 'z.yaml'), project('nested'));
  await mkdir(join(dir, 'empty'));
  await writeFile(join(dir, 'bad.yaml'), 'resourceContext: {}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const names = (documents: { body: Record<string, unknown> }[]) =>
  documents.map((document) => (document.body.metadata as { name: string }).name);

describe('readFileArguments', () => {
  test('a folder stands for its .yaml, .yml and .json files in lexical order, not for sub-folders', async () => {
    const documents = await readFileArguments([join(dir, 'folder')], undefined, noStdin);
    expect(names(documents)).toEqual(['a', 'b1', 'b2', 'c']);
    expect(documents.map((document) => document.index)).toEqual([1, 2, 3, 4]);
  });

  test('- reads standard input, once; files are read in the order given and numbered on', async () => {
    const documents = await readFileArguments(['-', join(dir, 'folder', 'a.yaml')], undefined, async () =>
      project('from-stdin'),
    );
    expect(names(documents)).toEqual(['from-stdin', 'a']);
    expect(documents.map((document) => document.index)).toEqual([1, 2]);
    await expect(readFileArguments(['-', '-'], undefined, async () => '')).rejects.toThrow(/can be read once/);
  });

  test('an empty folder, a missing path and a bad document are named', async () => {
    await expect(readFileArguments([join(dir, 'empty')], undefined, noStdin)).rejects.toThrow(/holds no .yaml/);
    await expect(readFileArguments([join(dir, 'missing')], undefined, noStdin)).rejects.toThrow(/cannot read/);
    await expect(
      readFileArguments([join(dir, 'folder', 'a.yaml'), join(dir, 'bad.yaml')], undefined, noStdin),
    ).rejects.toThrow(`${join(dir, 'bad.yaml')}: document 1 has no resourceContext.anchor`);
  });
});

describe('apply, delete and render with -f DIR and -f -', () => {
  let server: LiveServer;
  beforeEach(async () => {
    server = await startLiveServer();
  });
  afterEach(async () => {
    await server.close();
  });

  test('apply -f DIR applies every file; delete -f - deletes what standard input names', async () => {
    const applied = await cli(['apply', '-f', join(dir, 'folder'), '--server', server.url]);
    expect(applied.stderr).toBe('');
    expect(resultRows(applied.stdout).map((row) => [row.result, row.name])).toEqual([
      ['created', 'a'],
      ['created', 'b1'],
      ['created', 'b2'],
      ['created', 'c'],
    ]);
    const deleted = await cli(['delete', '-f', '-', '--server', server.url], {}, { stdin: project('b1') });
    expect(resultRows(deleted.stdout).map((row) => [row.result, row.name])).toEqual([['deleted', 'b1']]);
    expect((await server.fetchJson('/v2/projects/b1')).status).toBe(404);
    expect((await server.fetchJson('/v2/projects/b2')).status).toBe(200);
  });

  test('render -f - renders standard input offline', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(examplePath('seed-two-clouds.yaml'), 'utf8');
    const fromStdin = await cli(['render', '-f', '-', '-o', 'json'], {}, { stdin: text });
    const fromFile = await cli(['render', '-f', examplePath('seed-two-clouds.yaml'), '-o', 'json']);
    expect(fromStdin.stderr).toBe('');
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(JSON.parse(fromFile.stdout));
  });
});
