/**
 * What every `Store` adapter must do, as one vitest suite. Adapter test files call
 * `describeStoreContract` with a function that opens a fresh, empty store; each
 * test gets its own and closes it.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { KindName, ResourceBody } from '../../core/model/kind.js';
import type { NewResource, Store, StoredFile, StoreWriter } from '../../service/store.js';
import { checkAgainstModel } from './store-model.js';

/** Planted in every body: no error message may repeat it. */
const secret = 'hunter2-must-never-appear-in-messages';

function resource(key: string, parentKey: string | null, kind: KindName, spec: ResourceBody = {}): NewResource {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return { key, parentKey, kind, name, body: { metadata: { name }, spec: { token: secret, ...spec } } };
}

const project = (name: string): NewResource => resource(`projects/${name}`, null, 'project');
const compositeApp = (projectName: string, name: string): NewResource =>
  resource(`projects/${projectName}/composite-apps/${name}`, `projects/${projectName}`, 'compositeApp');

function file(text: string): StoredFile {
  return { fileName: 'chart.tgz', contentType: 'application/gzip', data: Buffer.from(text) };
}

/** The rejection of `promise`, so tests can look at its type and message. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

const keysOf = (resources: { key: string }[]): string[] => resources.map((item) => item.key);

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const write = <T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> => store.transaction(work);
    const insert = (...resources: NewResource[]) =>
      write(async (tx) => {
        for (const item of resources) await tx.insert(item);
      });

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    test('an empty store answers every read with nothing', async () => {
      expect(await store.ping()).toBe(true);
      expect(await store.get('projects/demo')).toBeUndefined();
      expect(await store.listChildren(null, 'project')).toEqual([]);
      expect(await store.listChildren('projects/demo', 'compositeApp')).toEqual([]);
      expect(await store.listByKind('project')).toEqual([]);
      expect(await store.hasChildren('projects/demo')).toBe(false);
      expect(await store.getFile('projects/demo')).toBeUndefined();
    });

    describe('insert and get', () => {
      test('returns what get reads back, at version 1 with ISO timestamps', async () => {
        const inserted = await write((tx) => tx.insert(project('demo')));
        expect(inserted).toMatchObject({ ...project('demo'), version: 1 });
        expect(new Date(inserted.createdAt).toISOString()).toBe(inserted.createdAt);
        expect(inserted.updatedAt).toBe(inserted.createdAt);
        expect(await store.get('projects/demo')).toEqual(inserted);
      });

      test('round-trips bodies exactly', async () => {
        const spec = {
          text: 'ünïcødé ✓ 𝄞 "quoted" \\ back\nslash \u0000 nul',
          numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER],
          flags: { yes: true, no: false, nothing: null },
          empty: { object: {}, array: [] },
          nested: [{ deep: [{ deeper: 'x' }] }],
        };
        await insert(resource('projects/demo', null, 'project', spec));
        expect((await store.get('projects/demo'))?.body).toEqual(resource('projects/demo', null, 'project', spec).body);
      });

      test('keeps top-level resources apart from children and other kinds, ordered by key', async () => {
        await insert(project('b'), project('a'), project('c'), compositeApp('a', 'x'));
        await insert(resource('cluster-providers/edge', null, 'clusterProvider'));
        const roots = await store.listChildren(null, 'project');
        expect(keysOf(roots)).toEqual(['projects/a', 'projects/b', 'projects/c']);
        expect(roots.every((item) => item.parentKey === null)).toBe(true);
        expect(keysOf(await store.listChildren(null, 'clusterProvider'))).toEqual(['cluster-providers/edge']);
      });

      test('lists the children of one parent and kind, ordered by key', async () => {
        await insert(
          project('a'),
          project('b'),
          compositeApp('a', 'z'),
          compositeApp('a', 'm'),
          compositeApp('b', 'q'),
        );
        await insert(resource('projects/a/logical-clouds/lc', 'projects/a', 'logicalCloud'));
        await insert(resource('projects/a/composite-apps/m/apps/web', 'projects/a/composite-apps/m', 'app'));
        expect(keysOf(await store.listChildren('projects/a', 'compositeApp'))).toEqual([
          'projects/a/composite-apps/m',
          'projects/a/composite-apps/z',
        ]);
        expect(keysOf(await store.listChildren('projects/a', 'logicalCloud'))).toEqual([
          'projects/a/logical-clouds/lc',
        ]);
      });

      test('refuses a duplicate key with ConflictError naming the existing resource', async () => {
        await insert(project('demo'));
        const error = await rejectionOf(insert(resource('projects/demo', null, 'project', { other: 1 })));
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).existingKey).toBe('projects/demo');
        expect(error.message).toContain('"demo"');
        expect(error.message).not.toContain(secret);
        expect(await store.get('projects/demo')).toMatchObject({ body: project('demo').body, version: 1 });
      });

      test('refuses a missing parent with NotFoundError and stores nothing', async () => {
        const error = await rejectionOf(insert(compositeApp('ghost', 'app1')));
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).not.toContain(secret);
        expect(await store.get(compositeApp('ghost', 'app1').key)).toBeUndefined();
      });
    });

    describe('update', () => {
      test('replaces the body, bumps the version by one and keeps createdAt', async () => {
        const created = await write((tx) => tx.insert(resource('projects/demo', null, 'project', { a: 1 })));
        const second = await write((tx) => tx.update('projects/demo', { spec: { b: 2 } }));
        const third = await write((tx) => tx.update('projects/demo', { spec: { c: 3 } }));
        expect([second.version, third.version]).toEqual([2, 3]);
        expect(third).toMatchObject({ key: 'projects/demo', parentKey: null, kind: 'project', name: 'demo' });
        expect(third.body).toEqual({ spec: { c: 3 } });
        expect(third.createdAt).toBe(created.createdAt);
        expect(third.updatedAt >= created.updatedAt).toBe(true);
        expect(await store.get('projects/demo')).toEqual(third);
      });

      test('refuses a missing key with NotFoundError', async () => {
        await expect(write((tx) => tx.update('projects/ghost', {}))).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.get('projects/ghost')).toBeUndefined();
      });
    });

    describe('delete', () => {
      test('removes the resource', async () => {
        await insert(project('a'), project('b'));
        await write((tx) => tx.delete('projects/a'));
        expect(await store.get('projects/a')).toBeUndefined();
        expect(keysOf(await store.listByKind('project'))).toEqual(['projects/b']);
      });

      test('refuses a missing key with NotFoundError', async () => {
        await expect(write((tx) => tx.delete('projects/ghost'))).rejects.toBeInstanceOf(NotFoundError);
      });

      test('refuses a resource with children with ConflictError until they are gone', async () => {
        await insert(project('a'), compositeApp('a', 'x'));
        expect(await store.hasChildren('projects/a')).toBe(true);
        const error = await rejectionOf(write((tx) => tx.delete('projects/a')));
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toContain('"a"');
        expect(error.message).not.toContain(secret);
        expect(await store.get('projects/a')).toBeDefined();
        await write((tx) => tx.delete(compositeApp('a', 'x').key));
        expect(await store.hasChildren('projects/a')).toBe(false);
        await write((tx) => tx.delete('projects/a'));
        expect(await store.get('projects/a')).toBeUndefined();
      });
    });

    describe('transaction', () => {
      test('returns what the work returns and reads its own writes', async () => {
        const result = await write(async (tx) => {
          await tx.insert(project('demo'));
          await tx.insert(compositeApp('demo', 'x'));
          expect(await tx.hasChildren('projects/demo')).toBe(true);
          expect(keysOf(await tx.listChildren('projects/demo', 'compositeApp'))).toEqual([
            compositeApp('demo', 'x').key,
          ]);
          return (await tx.get('projects/demo'))?.version;
        });
        expect(result).toBe(1);
      });

      test('leaves nothing behind, files included, when the work throws', async () => {
        await insert(project('kept'), project('doomed'));
        await write((tx) => tx.putFile('projects/kept', file('original')));
        const failure = new Error('boom');
        const attempt = write(async (tx) => {
          await tx.insert(project('new'));
          await tx.insert(compositeApp('new', 'x'));
          await tx.putFile('projects/new', file('new'));
          await tx.update('projects/kept', { spec: { changed: true } });
          await tx.putFile('projects/kept', file('replaced'));
          await tx.delete('projects/doomed');
          throw failure;
        });
        expect(await rejectionOf(attempt)).toBe(failure);
        expect(await store.get('projects/new')).toBeUndefined();
        expect(await store.get(compositeApp('new', 'x').key)).toBeUndefined();
        expect(await store.getFile('projects/new')).toBeUndefined();
        expect(await store.get('projects/kept')).toMatchObject({ body: project('kept').body, version: 1 });
        expect((await store.getFile('projects/kept'))?.data.toString()).toBe('original');
        expect(await store.get('projects/doomed')).toBeDefined();
      });

      test('bumps the resources change sequence once per committed write, not for reads or rollbacks', async () => {
        const start = await store.changes();
        await insert(project('a'), project('b'));
        expect(await store.changes()).toEqual({ ...start, resources: start.resources + 1 });
        await write((tx) => tx.get('projects/a'));
        await store.listByKind('project');
        await rejectionOf(write((tx) => tx.insert(project('a'))));
        await rejectionOf(
          write(async (tx) => {
            await tx.update('projects/a', { spec: { changed: true } });
            throw new Error('boom');
          }),
        );
        expect(await store.changes()).toEqual({ ...start, resources: start.resources + 1 });
        await write((tx) => tx.update('projects/a', { spec: {} }));
        await write((tx) => tx.putFile('projects/a', file('x')));
        await write((tx) => tx.delete('projects/b'));
        expect(await store.changes()).toEqual({ ...start, resources: start.resources + 4 });
      });

      test('rolls back earlier writes when a later one is refused', async () => {
        await insert(project('taken'));
        const attempt = write(async (tx) => {
          await tx.insert(project('fresh'));
          await tx.insert(project('taken'));
        });
        await expect(attempt).rejects.toBeInstanceOf(ConflictError);
        expect(await store.get('projects/fresh')).toBeUndefined();
      });
    });

    describe('files', () => {
      test('stores bytes, name and type, and replaces them', async () => {
        await insert(project('demo'));
        const bytes = Buffer.concat([
          Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)),
          Buffer.alloc(1 << 20, 7),
        ]);
        await write((tx) =>
          tx.putFile('projects/demo', { fileName: 'chart.tgz', contentType: 'application/gzip', data: bytes }),
        );
        const stored = await store.getFile('projects/demo');
        expect(stored).toMatchObject({ fileName: 'chart.tgz', contentType: 'application/gzip' });
        expect(Buffer.isBuffer(stored?.data)).toBe(true);
        // Buffer.equals, not toEqual: a deep comparison of a megabyte takes seconds.
        expect(stored?.data.equals(bytes)).toBe(true);
        await write((tx) =>
          tx.putFile('projects/demo', { fileName: 'kube.yaml', contentType: 'text/yaml', data: Buffer.alloc(0) }),
        );
        expect(await store.getFile('projects/demo')).toEqual({
          fileName: 'kube.yaml',
          contentType: 'text/yaml',
          data: Buffer.alloc(0),
        });
      });

      test('refuses a file for a missing resource with NotFoundError', async () => {
        await expect(write((tx) => tx.putFile('projects/ghost', file('x')))).rejects.toBeInstanceOf(NotFoundError);
      });

      test('go when their resource goes', async () => {
        await insert(project('demo'));
        await write((tx) => tx.putFile('projects/demo', file('chart')));
        await write((tx) => tx.delete('projects/demo'));
        expect(await store.getFile('projects/demo')).toBeUndefined();
        await insert(project('demo'));
        expect(await store.getFile('projects/demo')).toBeUndefined();
      });
    });

    describe('listByKind', () => {
      test('lists every resource of a kind across parents, ordered by key', async () => {
        await insert(
          project('b'),
          project('a'),
          compositeApp('b', 'y'),
          compositeApp('a', 'z'),
          compositeApp('b', 'x'),
        );
        expect(keysOf(await store.listByKind('compositeApp'))).toEqual([
          'projects/a/composite-apps/z',
          'projects/b/composite-apps/x',
          'projects/b/composite-apps/y',
        ]);
        expect(keysOf(await store.listByKind('compositeApp', ''))).toHaveLength(3);
        expect(await store.listByKind('app')).toEqual([]);
      });

      test('keeps only keys that start with the prefix, byte for byte', async () => {
        await insert(project('p1'), project('p10'), compositeApp('p1', 'x'), compositeApp('p10', 'x'));
        expect(keysOf(await store.listByKind('compositeApp', 'projects/p1/'))).toEqual([
          'projects/p1/composite-apps/x',
        ]);
        expect(keysOf(await store.listByKind('compositeApp', 'projects/p1'))).toHaveLength(2);
        expect(keysOf(await store.listByKind('project', 'projects/p10'))).toEqual(['projects/p10']);
        expect(await store.listByKind('project', 'projects/p2')).toEqual([]);
      });

      test('treats % and _ literally and is case-sensitive', async () => {
        const keys = ['projects/a%b', 'projects/a%c', 'projects/a_b', 'projects/aXb', 'projects/axb', 'projects/A_b'];
        await insert(...keys.map((key) => resource(key, null, 'project')));
        const listed = async (prefix: string) => keysOf(await store.listByKind('project', prefix));
        expect(await listed('projects/a%')).toEqual(['projects/a%b', 'projects/a%c']);
        expect(await listed('projects/a_')).toEqual(['projects/a_b']);
        expect(await listed('projects/A')).toEqual(['projects/A_b']);
        expect(await listed('projects/ax')).toEqual(['projects/axb']);
        expect(await listed('projects/a%25')).toEqual([]);
      });

      test('handles prefixes beyond ASCII', async () => {
        const keys = ['projects/é', 'projects/éa', 'projects/ê', 'projects/𝄞', 'projects/\u{10ffff}x'];
        await insert(...keys.map((key) => resource(key, null, 'project')));
        const listed = async (prefix: string) => keysOf(await store.listByKind('project', prefix));
        expect(await listed('projects/é')).toEqual(['projects/é', 'projects/éa']);
        expect(await listed('projects/𝄞')).toEqual(['projects/𝄞']);
        expect(await listed('projects/\u{10ffff}')).toEqual(['projects/\u{10ffff}x']);
      });
    });

    describe('concurrent transactions', () => {
      test('all land when they write distinct keys', async () => {
        await insert(project('demo'));
        const names = Array.from({ length: 20 }, (_, index) => `app${String(index).padStart(2, '0')}`);
        await Promise.all(names.map((app) => insert(compositeApp('demo', app))));
        expect(keysOf(await store.listChildren('projects/demo', 'compositeApp'))).toEqual(
          names.map((app) => compositeApp('demo', app).key),
        );
      });

      test('exactly one wins when they insert the same key; the rest get ConflictError', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, index) => insert(resource('projects/demo', null, 'project', { index }))),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
        }
        expect(await store.get('projects/demo')).toMatchObject({ version: 1 });
      });

      test('lose no update when they change the same resource', async () => {
        await insert(project('demo'));
        await Promise.all(
          Array.from({ length: 10 }, (_, index) => write((tx) => tx.update('projects/demo', { index }))),
        );
        expect(await store.get('projects/demo')).toMatchObject({ version: 11 });
      });
    });

    test('matches an in-memory model under random writes and rollbacks', async () => {
      await checkAgainstModel(store, 40);
    });
  });
}
