/**
 * Offline rendering (`render -f`, the API in this process on an in-memory store) must say
 * exactly what a server says for the same file: the same objects, byte for byte, in every
 * format, and the same errors, with the same messages and field paths, for bad documents.
 * Each file is applied to a real server (Fastify, SQLite) and rendered through GET /v2/render,
 * and rendered offline; the outputs are compared, so the two paths can never drift.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { cli, startLiveServer, type LiveServer } from './test-support/cli.js';
import { EXAMPLE_FILES, exampleDocuments, examplePath, sharedExamplePath } from './test-support/examples.js';

let dir: string;
let server: LiveServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-offline-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await startLiveServer(undefined, undefined);
});
afterEach(async () => {
  await server.close();
});

/** What a user sees: exit code, standard output and standard error. */
async function offline(file: string, format: string) {
  const { code, stdout, stderr } = await cli(['render', '-f', file, '-o', format]);
  return { code, stdout, stderr };
}

/** The same file applied to the server (as `render -f --server` does), then rendered through GET. */
async function served(file: string, format: string) {
  const { code, stdout, stderr } = await cli(['render', '-f', file, '-o', format, '--server', server.url]);
  return { code, stdout, stderr };
}

const FORMATS = ['yaml', 'json', 'wide', 'name'];
const examples = [
  ...EXAMPLE_FILES.map((file) => ({ name: `examples/${file}`, path: examplePath(file) })),
  ...EXAMPLE_FILES.filter((file) => existsSync(sharedExamplePath(file))).map((file) => ({
    name: `../shared/examples/${file}`,
    path: sharedExamplePath(file),
  })),
];

describe('render -f offline says what a server says', () => {
  test.each(examples)('$name: every format, byte for byte', async ({ path }) => {
    for (const format of FORMATS) {
      const expected = await served(path, format);
      expect(expected.code, expected.stderr).toBe(0);
      expect(expected.stdout.length).toBeGreaterThan(0);
      expect(await offline(path, format), format).toEqual(expected);
    }
  });

  test('--cluster and --out: the same objects for one cluster, and the same files per cluster', async () => {
    const path = examplePath('seed-two-clouds.yaml');
    const one = ['--cluster', 'edge/cluster01', '-o', 'yaml'];
    const expected = await cli(['render', '-f', path, ...one, '--server', server.url]);
    expect(expected.stdout).toContain('kind: ');
    expect(await cli(['render', '-f', path, ...one])).toEqual(expected);
    const written = async (out: string, extra: string[]) => {
      const run = await cli(['render', '-f', path, '--out', out, ...extra]);
      expect(run.code, run.stderr).toBe(0);
      const files = (await readdir(out, { recursive: true })).filter((file) => file.endsWith('.yaml')).sort();
      return Promise.all(files.map(async (file) => [file, await readFile(join(out, file), 'utf8')]));
    };
    const fromServer = await written(join(dir, 'out-server'), ['--server', server.url]);
    expect(fromServer.length).toBeGreaterThan(1);
    expect(await written(join(dir, 'out-offline'), [])).toEqual(fromServer);
  });

  test('a bad document: the same messages and field paths, and the same exit code', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'resourceContext: {anchor: cluster-providers}\nmetadata: {name: edge}',
        // Unknown and wrongly typed fields: every one is named by its path.
        'resourceContext: {anchor: cluster-providers/edge/clusters}\nmetadata: {name: c1}\nspec: {mesh: {type: istio, istioVersion: 7, bogus: true}, locality: 3}',
        // A name no URL can hold, a missing parent, a path nothing serves, a path served with other methods.
        'resourceContext: {anchor: cluster-providers}\nmetadata: {name: "Not_A_Name!"}',
        'resourceContext: {anchor: projects/ghost/composite-apps}\nmetadata: {name: app}\nspec: {compositeAppVersion: v1}',
        'resourceContext: {anchor: projects/demo/no-such-things}\nmetadata: {name: x}',
        'resourceContext: {anchor: cluster-providers/edge}\nmetadata: {name: edge}',
        // Applied twice: unchanged, not an error.
        'resourceContext: {anchor: cluster-providers}\nmetadata: {name: edge}',
      ].join('\n---\n'),
    );
    const expected = await served(file, 'yaml');
    expect(expected.code).toBe(1);
    expect(expected.stderr).toMatch(/^document 2 \(c1\): 400 /m);
    expect(expected.stderr).toMatch(/^ {2}spec\.\S+: /m);
    expect(expected.stderr).toMatch(/^document 4 \(app\): 404 /m);
    expect(expected.stderr).toMatch(/^document 6 \(edge\): 405 /m);
    expect(expected.stderr).not.toMatch(/^document 7 /m);
    expect(await offline(file, 'yaml')).toEqual(expected);
  });

  test('property: an example with fields changed at random fails or renders alike offline and on a server', async () => {
    const documents = await exampleDocuments('seed-two-clouds.yaml');
    const json = fc.jsonValue({ maxDepth: 2 });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: documents.length - 1 }),
        fc.constantFrom('metadata', 'spec', 'spec.mesh', 'spec.port', 'metadata.name'),
        json,
        async (index, field, value) => {
          const changed = documents.map((document) => ({
            version: 'emco/v2',
            resourceContext: { anchor: document.anchor },
            ...structuredClone(document.body),
          }));
          const [head, tail] = field.split('.') as [string, string | undefined];
          const target = changed[index] as Record<string, unknown>;
          if (tail === undefined) target[head] = value;
          else target[head] = { ...(target[head] as object), [tail]: value };
          const file = join(dir, `random-${runs++}.yaml`);
          await writeFile(file, changed.map((document) => stringify(document)).join('---\n'));
          await server.close();
          server = await startLiveServer(undefined, undefined);
          expect(await offline(file, 'json')).toEqual(await served(file, 'json'));
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
