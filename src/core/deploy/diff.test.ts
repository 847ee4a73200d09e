import { applyPatch, parsePatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RenderedObject } from '../render/objects.js';
import { toYaml } from '../yaml/output.js';
import { diffRevisions, type ClusterDiff } from './diff.js';

const LABELS = { 'app.kubernetes.io/managed-by': 'meshbridge' };

function make(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  namespace: string | null = 'shop',
): RenderedObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind,
    metadata: { name, ...(namespace === null ? {} : { namespace }), labels: LABELS },
    spec,
  };
}

function secret(name: string, data: Record<string, string>, kind = 'Secret'): RenderedObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: 'istio-system', labels: LABELS },
    type: 'Opaque',
    data,
  };
}

/** Storage keys sort differently from names, to see that clusters are sorted by name. */
const NAMES: Record<string, string> = { k1: 'zeta/c1', k2: 'alpha/c2', k3: 'mid/c3', k4: 'beta/c4' };
const names = (key: string) => NAMES[key] ?? `unknown/${key}`;

const yamlOf = (object: RenderedObject) => toYaml(object);

describe('diffRevisions', () => {
  const vsBefore = make('VirtualService', 'a', { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] });
  const vsAfter = make('VirtualService', 'a', { hosts: ['a'], http: [{ route: [{ destination: { host: 'b' } }] }] });
  const kept = make('ServiceEntry', 'b', { hosts: ['b.global'], location: 'MESH_INTERNAL' });
  const gone = make('Gateway', 'c', { servers: [] });
  const created = make('DestinationRule', 'new', { host: 'new' });
  const before = { clusters: { k1: [vsBefore, kept, gone], k2: [kept], k4: [kept] } };
  const after = { clusters: { k1: [created, kept, vsAfter], k2: [kept], k3: [created] } };

  test('lists what is created, changed and deleted per cluster, leaving unchanged clusters out', () => {
    const result = diffRevisions(before, after, names);
    expect(result.map(({ patch: _patch, ...rest }) => rest)).toEqual([
      { cluster: 'beta/c4', create: [], change: [], delete: ['ServiceEntry/shop/b'] },
      { cluster: 'mid/c3', create: ['DestinationRule/shop/new'], change: [], delete: [] },
      {
        cluster: 'zeta/c1',
        create: ['DestinationRule/shop/new'],
        change: ['VirtualService/shop/a'],
        delete: ['Gateway/shop/c'],
      },
    ]);
  });

  test('the same content with keys in another order is no change', () => {
    const reordered = {
      spec: { location: 'MESH_INTERNAL', hosts: ['b.global'] },
      metadata: { labels: LABELS, namespace: 'shop', name: 'b' },
      kind: 'ServiceEntry',
      apiVersion: 'networking.istio.io/v1',
    };
    expect(diffRevisions({ clusters: { k1: [kept] } }, { clusters: { k1: [reordered] } }, names)).toEqual([]);
  });

  test('nothing to do: no clusters', () => {
    expect(diffRevisions(before, before, names)).toEqual([]);
    expect(diffRevisions({ clusters: {} }, { clusters: {} }, names)).toEqual([]);
  });

  test('the patch is a unified diff, one file per object, /dev/null for created and deleted ones', () => {
    const c1 = diffRevisions(before, after, names).find((diff) => diff.cluster === 'zeta/c1')!;
    expect(c1.patch).not.toMatch(/^=+$/m);
    expect(c1.patch.startsWith('--- ')).toBe(true);
    const files = parsePatch(c1.patch);
    expect(files.map((file) => [file.oldFileName, file.newFileName])).toEqual([
      ['/dev/null', 'b/zeta/c1/DestinationRule/shop/new.yaml'],
      ['a/zeta/c1/Gateway/shop/c.yaml', '/dev/null'],
      ['a/zeta/c1/VirtualService/shop/a.yaml', 'b/zeta/c1/VirtualService/shop/a.yaml'],
    ]);
    expect(c1.patch).toMatch(
      /^--- \/dev\/null\n\+\+\+ b\/zeta\/c1\/DestinationRule\/shop\/new\.yaml\n@@ -0,0 \+1,\d+ @@$/m,
    );
    expect(c1.patch).toMatch(/^--- a\/zeta\/c1\/Gateway\/shop\/c\.yaml\n\+\+\+ \/dev\/null\n@@ -1,\d+ \+0,0 @@$/m);
    // Three lines of context around the change.
    expect(c1.patch).toContain(
      '   http:\n     - route:\n         - destination:\n-            host: a\n+            host: b\n',
    );
  });

  test('applying the patch turns the old YAML into the new', () => {
    const c1 = diffRevisions(before, after, names).find((diff) => diff.cluster === 'zeta/c1')!;
    const [create, remove, change] = parsePatch(c1.patch);
    expect(applyPatch('', create!)).toBe(yamlOf(created));
    expect(applyPatch(yamlOf(gone), remove!)).toBe('');
    expect(applyPatch(yamlOf(vsBefore), change!)).toBe(yamlOf(vsAfter));
  });

  test('an object without a namespace gets `_` in its file name', () => {
    const scoped = make('ClusterThing', 'x', { a: 1 }, null);
    const [diff] = diffRevisions({ clusters: {} }, { clusters: { k1: [scoped] } }, names);
    expect(diff?.create).toEqual(['ClusterThing//x']);
    expect(parsePatch(diff!.patch)[0]?.newFileName).toBe('b/zeta/c1/ClusterThing/_/x.yaml');
  });

  test('property: ids split by presence and content; every file patch applies', () => {
    const objectArb = fc
      .record({
        kind: fc.constantFrom('VirtualService', 'ServiceEntry', 'Gateway'),
        name: fc.constantFrom('a', 'b', 'c'),
        hosts: fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
        port: fc.integer({ min: 1, max: 3 }),
      })
      .map(({ kind, name, hosts, port }) => make(kind, name, { hosts, ports: [{ number: port }] }));
    const idOf = (object: RenderedObject) => `${object.kind}/shop/${object.metadata.name}`;
    const sideArb = fc.dictionary(
      fc.constantFrom('k1', 'k2', 'k3'),
      fc.uniqueArray(objectArb, { selector: idOf, maxLength: 5 }),
    );
    fc.assert(
      fc.property(sideArb, sideArb, (old, next) => {
        const result = diffRevisions({ clusters: old }, { clusters: next }, names);
        const byName = new Map(result.map((diff) => [diff.cluster, diff]));
        expect(result.map((diff) => diff.cluster)).toEqual([...byName.keys()].sort());
        for (const key of new Set([...Object.keys(old), ...Object.keys(next)])) {
          const was = new Map((old[key] ?? []).map((object) => [idOf(object), object]));
          const now = new Map((next[key] ?? []).map((object) => [idOf(object), object]));
          const expected: Omit<ClusterDiff, 'patch'> = { cluster: names(key), create: [], change: [], delete: [] };
          for (const id of [...new Set([...was.keys(), ...now.keys()])].sort()) {
            if (!was.has(id)) expected.create.push(id);
            else if (!now.has(id)) expected.delete.push(id);
            else if (JSON.stringify(was.get(id)) !== JSON.stringify(now.get(id))) expected.change.push(id);
          }
          const diff = byName.get(names(key));
          if (expected.create.length + expected.change.length + expected.delete.length === 0) {
            expect(diff).toBeUndefined();
            continue;
          }
          const { patch, ...lists } = diff!;
          expect(lists).toEqual(expected);
          const files = parsePatch(patch);
          expect(files).toHaveLength(expected.create.length + expected.change.length + expected.delete.length);
          for (const file of files) {
            const path = (file.newFileName === '/dev/null' ? file.oldFileName : file.newFileName) ?? '';
            const id = path.replace(/^[ab]\/[^/]+\/[^/]+\//, '').replace(/\.yaml$/, '');
            const from = was.get(id);
            const to = now.get(id);
            expect(file.oldFileName).toBe(from ? `a/${names(key)}/${id}.yaml` : '/dev/null');
            expect(file.newFileName).toBe(to ? `b/${names(key)}/${id}.yaml` : '/dev/null');
            expect(applyPatch(from ? yamlOf(from) : '', file)).toBe(to ? yamlOf(to) : '');
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('diffRevisions and Secrets', () => {
  /** Values YAML prints as they are, so that if one were shown it would be found. */
  const secretValue = fc.stringMatching(/^[A-Za-z0-9+/]{6,24}$/).map((value) => `S3CR3T${value}`);
  const dataArb = fc.dictionary(fc.constantFrom('tls.crt', 'tls.key', 'ca.crt', 'token'), secretValue, {
    minKeys: 1,
  });
  const sideArb = fc.option(dataArb, { nil: undefined });
  const sides = (data: Record<string, string> | undefined, kind = 'Secret') => ({
    clusters: { k1: data === undefined ? [] : [secret('creds', data, kind)] },
  });

  test('secret data never appears in the output', () => {
    fc.assert(
      fc.property(sideArb, sideArb, (old, next) => {
        const values = [...Object.values(old ?? {}), ...Object.values(next ?? {})];
        const output = JSON.stringify(diffRevisions(sides(old), sides(next), names));
        for (const value of values) expect(output).not.toContain(value);
        // The same data in a created or deleted ConfigMap is shown: the check above would catch a leak.
        const shown = JSON.stringify([
          ...diffRevisions(sides(undefined, 'ConfigMap'), sides(next, 'ConfigMap'), names),
          ...diffRevisions(sides(old, 'ConfigMap'), sides(undefined, 'ConfigMap'), names),
        ]);
        for (const value of values) expect(shown).toContain(value);
      }),
      { numRuns: 300 },
    );
  });

  test('a changed Secret is listed, its keys shown but not its values', () => {
    const [diff] = diffRevisions(
      sides({ 'tls.key': 'OLDVALUE' }),
      sides({ 'tls.key': 'NEWVALUE', 'ca.crt': 'CAVALUE' }),
      names,
    );
    expect(diff?.change).toEqual(['Secret/istio-system/creds']);
    expect(diff?.patch).toContain('+  ca.crt: <redacted>');
    for (const value of ['OLDVALUE', 'NEWVALUE', 'CAVALUE']) expect(diff?.patch).not.toContain(value);
  });

  test('created and deleted Secrets are redacted too, with a comment saying so', () => {
    const [created] = diffRevisions(sides(undefined), sides({ token: 'TOKENVALUE' }), names);
    const [deleted] = diffRevisions(sides({ token: 'TOKENVALUE' }), sides(undefined), names);
    expect(created?.create).toEqual(['Secret/istio-system/creds']);
    expect(deleted?.delete).toEqual(['Secret/istio-system/creds']);
    for (const diff of [created, deleted]) {
      expect(diff?.patch).toContain('# Secret data is never shown');
      expect(diff?.patch).toContain('token: <redacted>');
      expect(diff?.patch).not.toContain('TOKENVALUE');
    }
  });
});
