import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXAMPLE_FILES, exampleDocuments } from '../../test-support/examples.js';
import { FileError, fillTemplate, readDocuments } from './emcoctl-file.js';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-emcoctl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file in the temporary folder and returns its path. */
async function fileWith(text: string, name = `file-${files++}.yaml`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

async function rejected(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const doc = (anchor: string, name: string) =>
  `version: emco/v2\nresourceContext:\n  anchor: ${anchor}\nmetadata:\n  name: ${name}\n`;

describe('fillTemplate', () => {
  test('substitutes {{.Key}}, {{ .Key }} and the trimming forms', () => {
    const values = { Project: 'demo', Port: 15443, Enabled: true };
    expect(fillTemplate('name: {{.Project}}', values)).toBe('name: demo');
    expect(fillTemplate('name: {{ .Project }}', values)).toBe('name: demo');
    expect(fillTemplate('name: {{   .Project\t}}', values)).toBe('name: demo');
    // Go's trim markers remove the white space beside the action (the old filler kept it).
    expect(fillTemplate('name: {{- .Project -}}', values)).toBe('name:demo');
    expect(fillTemplate('name: {{ .Project -}} \n ;', values)).toBe('name: demo;');
    expect(fillTemplate('port: {{.Port}}, on: {{.Enabled}}', values)).toBe('port: 15443, on: true');
    expect(fillTemplate('{{.Project}}-{{.Project}}', values)).toBe('demo-demo');
  });

  test('keys are case-sensitive', () => {
    expect(() => fillTemplate('{{.project}}', { Project: 'demo' })).toThrow(/project/);
  });

  test('names every missing key in one error', () => {
    const error = thrown(() => fillTemplate('a: {{.One}}\nb: {{.Two}}\nc: {{.Three}}\nd: {{.One}}', { Three: 3 }));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toMatch(/does not define/);
    expect(error.message).toContain('One');
    expect(error.message).toContain('Two');
    expect(error.message).not.toContain('Three');
  });

  test('a key that only exists on Object.prototype is missing, not substituted', () => {
    // `key in values` also finds inherited members: {{.constructor}} became "function Object() { [native code] }".
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const error = thrown(() => fillTemplate(`name: {{.${key}}}`, {}));
      expect(error, key).toBeInstanceOf(FileError);
      expect(error.message, key).toContain(key);
    }
  });

  // These were refused while only {{.Key}} was supported; they now do what Go's text/template does.
  test.each([
    ['a nested field', '{{ .Values.name }}', 'name: x'],
    ['a function call', '{{ printf "%s-%d" .Name 7 }}', 'name: x-7'],
    ['a range with variables', '{{ range $i, $item := .Items }}{{ $i }}{{ $item }}{{ end }}', 'name: 0a1b'],
    ['a bare dot', '{{ . }}', 'name: map[Items:[a b] Name:x Values:map[name:x]]'],
  ])('renders %s as Go does', (_what, expression, expected) => {
    expect(fillTemplate(`name: ${expression}`, { Name: 'x', Values: { name: 'x' }, Items: ['a', 'b'] })).toBe(expected);
  });

  test.each([
    ['a range without end', '{{ range .Items }}', 'template: apps.yaml:2: unexpected EOF'],
    ['an undefined variable', '{{ $name }}', 'template: apps.yaml:2: undefined variable "$name"'],
    ['an unknown function', '{{ .Name | upper }}', 'template: apps.yaml:2: function "upper" not defined'],
    ['an empty action', '{{}}', 'template: apps.yaml:2: missing value for command'],
    ['a key that starts with a digit', '{{.1abc}}', 'template: apps.yaml:2: bad number syntax: ".1abc"'],
    [
      'a field of a string',
      '{{ .Name.first }}',
      'template: apps.yaml:2:9: executing "apps.yaml" at <.Name.first>: can\'t evaluate field first in type string',
    ],
  ])('reports %s as Go words it, with the file and line', (_what, expression, message) => {
    const error = thrown(() => fillTemplate(`# a comment\nname: ${expression}`, { Name: 'x' }, 'apps.yaml'));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toBe(message);
  });

  test('{{ if }} on a key the values do not define is false, as in Go, not an error', () => {
    const template = 'a: 1\n{{- if .Second }}\nb: {{ .Second }}\n{{- end }}\n';
    expect(fillTemplate(template, {})).toBe('a: 1\n');
    expect(fillTemplate(template, { Second: 2 })).toBe('a: 1\nb: 2\n');
  });

  const safeKey = fc
    .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/)
    .filter((key) => !(key in Object.prototype) && key !== '__proto__');
  const safeText = fc.string({ maxLength: 20 }).filter((text) => !text.includes('{') && !text.includes('}'));
  const spacing = fc.constantFrom('', ' ', '  ', '\t');

  test('property: every placeholder is replaced by exactly its value', () => {
    fc.assert(
      fc.property(
        fc.dictionary(safeKey, safeText, { minKeys: 1, maxKeys: 6 }),
        fc.array(fc.tuple(safeText, fc.nat(), spacing, spacing), { maxLength: 8 }),
        safeText,
        (values, pieces, tail) => {
          const keys = Object.keys(values);
          let template = '';
          let expected = '';
          for (const [text, pick, before, after] of pieces) {
            const key = keys[pick % keys.length] as string;
            template += `${text}{{${before}.${key}${after}}}`;
            expected += `${text}${values[key]}`;
          }
          expect(fillTemplate(template + tail, values)).toBe(expected + tail);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('property: text without {{ is returned unchanged, whatever the values', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }).filter((text) => !text.includes('{{')),
        fc.dictionary(safeKey, fc.string()),
        (text, values) => {
          expect(fillTemplate(text, values)).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('readDocuments', () => {
  test('reads every document of a multi-document file, in order, without version and resourceContext', async () => {
    const path = await fileWith(
      [
        doc('projects', 'demo'),
        'version: emco/v2\nresourceContext:\n  anchor: projects/demo/logical-clouds\nmetadata:\n  name: lc1\nspec:\n  namespace: ns1\n',
      ].join('---\n'),
    );
    const documents = await readDocuments(path);
    expect(documents).toEqual([
      { index: 1, anchor: 'projects', body: { metadata: { name: 'demo' } } },
      {
        index: 2,
        anchor: 'projects/demo/logical-clouds',
        body: { metadata: { name: 'lc1' }, spec: { namespace: 'ns1' } },
      },
    ]);
  });

  test('skips empty documents and comment-only documents; index stays the position in the file', async () => {
    const path = await fileWith(
      `# a file that starts with a comment\n${[doc('projects', 'a'), '', '# only a comment\n', doc('projects', 'b'), ''].join('---\n')}`,
    );
    const documents = await readDocuments(path);
    expect(documents.map((document) => (document.body.metadata as { name: string }).name)).toEqual(['a', 'b']);
    expect(documents.map((document) => document.index)).toEqual([1, 4]);
  });

  test('an empty file has no documents', async () => {
    expect(await readDocuments(await fileWith(''))).toEqual([]);
    expect(await readDocuments(await fileWith('# nothing here\n---\n---\n'))).toEqual([]);
  });

  test('a document without resourceContext.anchor is an error that names it', async () => {
    const noContext = await fileWith(`${doc('projects', 'a')}---\nversion: emco/v2\nmetadata:\n  name: b\n`);
    const error = await rejected(readDocuments(noContext));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toMatch(/document 2/);
    expect(error.message).toContain('resourceContext.anchor');

    const blank = await fileWith('version: emco/v2\nresourceContext:\n  anchor: "  "\nmetadata:\n  name: b\n');
    await expect(readDocuments(blank)).rejects.toThrow(/document 1 has no resourceContext.anchor/);
  });

  test('the version, when given, must be emco/v2', async () => {
    const path = await fileWith(`${doc('projects', 'a')}---\n${doc('projects', 'b').replace('emco/v2', 'emco/v1')}`);
    const error = await rejected(readDocuments(path));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toMatch(/document 2/);
    expect(error.message).toContain('emco/v2');
    expect(error.message).toContain('emco/v1');

    const omitted = await fileWith('resourceContext:\n  anchor: projects\nmetadata:\n  name: a\n');
    expect(await readDocuments(omitted)).toEqual([{ index: 1, anchor: 'projects', body: { metadata: { name: 'a' } } }]);
  });

  test('a document that is not a mapping is an error', async () => {
    const path = await fileWith(`${doc('projects', 'a')}---\n- just\n- a list\n`);
    await expect(readDocuments(path)).rejects.toThrow(/document 2 is not a mapping/);
  });

  test('invalid YAML is reported with the number of the document', async () => {
    const path = await fileWith(`${doc('projects', 'a')}---\n${doc('projects', 'b')}---\nmetadata: {name: [unclosed\n`);
    const error = await rejected(readDocuments(path));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toMatch(/document 3 is not valid YAML/);

    const duplicate = await fileWith(`${doc('projects', 'a')}metadata:\n  name: again\n`);
    await expect(readDocuments(duplicate)).rejects.toThrow(/document 1 is not valid YAML/);
  });

  test('slashes around the anchor are dropped', async () => {
    const path = await fileWith(
      'version: emco/v2\nresourceContext:\n  anchor: /projects/demo/logical-clouds/\nmetadata:\n  name: a\n',
    );
    expect((await readDocuments(path))[0]?.anchor).toBe('projects/demo/logical-clouds');
  });

  test('`file:` is resolved against the folder of the YAML file, not the working directory', async () => {
    const folder = join(dir, 'nested', 'deeper');
    await mkdir(folder, { recursive: true });
    const path = join(folder, 'apps.yaml');
    await writeFile(
      path,
      [
        `${doc('projects/p/composite-apps/ca/v1/apps', 'web')}file: charts/web.tgz\n`,
        `${doc('projects/p/composite-apps/ca/v1/apps', 'db')}files:\n  - /absolute/db.tgz\n`,
        doc('projects/p/composite-apps/ca/v1/apps', 'plain'),
      ].join('---\n'),
    );
    const [web, db, plain] = await readDocuments(path);
    expect(web).toEqual({
      index: 1,
      anchor: 'projects/p/composite-apps/ca/v1/apps',
      body: { metadata: { name: 'web' } },
      upload: join(folder, 'charts', 'web.tgz'),
    });
    expect(db?.upload).toBe('/absolute/db.tgz');
    expect(db?.body).toEqual({ metadata: { name: 'db' } });
    expect(plain).not.toHaveProperty('upload');
  });

  test('values that are lists and maps drive {{ range }} and {{ if }} over several documents', async () => {
    const values = await fileWith(
      'Project: p\nApps:\n  - web\n  - db\nLabels:\n  tier: gold\n  zone: a\n',
      `values-${files++}.yaml`,
    );
    const path = await fileWith(
      [
        doc('projects', '{{ .Project }}'),
        '{{- range $index, $app := .Apps }}\n---\n',
        doc('projects/{{ $.Project }}/composite-apps', '{{ $app }}'),
        'spec:\n  position: {{ $index }}\n',
        '{{- range $key, $value := $.Labels }}\n  {{ $key }}: {{ $value }}\n{{- end }}\n',
        '{{- end }}\n',
      ].join(''),
    );
    const documents = await readDocuments(path, values);
    expect(documents.map((document) => [document.anchor, document.body])).toEqual([
      ['projects', { metadata: { name: 'p' } }],
      ['projects/p/composite-apps', { metadata: { name: 'web' }, spec: { position: 0, tier: 'gold', zone: 'a' } }],
      ['projects/p/composite-apps', { metadata: { name: 'db' }, spec: { position: 1, tier: 'gold', zone: 'a' } }],
    ]);
  });

  test('a template error names the file and the line', async () => {
    const path = await fileWith(`${doc('projects', 'a')}{{- range .Apps }}\n`, 'broken.yaml');
    await expect(readDocuments(path)).rejects.toThrow('template: broken.yaml:7: unexpected EOF');
  });

  test('fills {{.Key}} from the values file before parsing', async () => {
    const values = await fileWith('ProjectName: from-values\nNamespace: ns-7\nPort: 8080\n', `values-${files++}.yaml`);
    const path = await fileWith(
      'version: emco/v2\nresourceContext:\n  anchor: projects/{{.ProjectName}}/logical-clouds\nmetadata:\n  name: "{{ .ProjectName }}-lc"\nspec:\n  namespace: {{.Namespace}}\n  port: {{.Port}}\n',
    );
    expect(await readDocuments(path, values)).toEqual([
      {
        index: 1,
        anchor: 'projects/from-values/logical-clouds',
        body: { metadata: { name: 'from-values-lc' }, spec: { namespace: 'ns-7', port: 8080 } },
      },
    ]);
  });

  test('a placeholder without a values file, or missing from it, is an error that names the key', async () => {
    const path = await fileWith(`${doc('projects', '{{.Name}}')}description: {{.Description}}\n`);
    await expect(readDocuments(path)).rejects.toThrow(/Name, Description/);
    const values = await fileWith('Name: x\n', `values-${files++}.yaml`);
    const error = await rejected(readDocuments(path, values));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toContain('Description');
    expect(error.message).not.toMatch(/\bName\b/);
  });

  test('a values file that is not a mapping is a clear error', async () => {
    const path = await fileWith(doc('projects', '{{.Name}}'));
    const values = await fileWith('just a string\n', `values-${files++}.yaml`);
    const error = await rejected(readDocuments(path, values));
    // `key in "just a string"` throws a TypeError from the engine instead.
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toContain(values);
  });

  test('a missing file or values file is an error that names it', async () => {
    const missing = join(dir, 'does-not-exist.yaml');
    const error = await rejected(readDocuments(missing));
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toContain(missing);

    const path = await fileWith(doc('projects', 'a'));
    await expect(readDocuments(path, missing)).rejects.toThrow(missing);
  });

  test.each(EXAMPLE_FILES)('reads every document of examples/%s', async (file) => {
    const documents = await exampleDocuments(file);
    expect(documents.length).toBeGreaterThan(20);
    for (const document of documents) {
      expect(document.anchor).not.toMatch(/^\/|\/$/);
      expect(document.body).not.toHaveProperty('version');
      expect(document.body).not.toHaveProperty('resourceContext');
      expect(document.body).toHaveProperty('metadata.name');
    }
    expect(documents.map((document) => document.index)).toEqual(documents.map((_, position) => position + 1));
  });
});
