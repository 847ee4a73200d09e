/**
 * What every `DeployRecords` adapter must do, as one vitest suite. Adapter test
 * files call `describeDeployRecordsContract` with a function that creates a fresh,
 * empty database and returns a fixture over it: `open` opens that same database
 * again on every call (which is how persistence is tested), and `refuseKey` makes
 * the database itself refuse any insert or update of a record whose key is
 * `refusedKey`, so a write can be made to fail halfway. Each test closes what it opened.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DeployRecord, DeployRecords, DeployRecordWrite } from '../../service/deploy/deploy-records.js';
import type { OpenedDatabase } from './database.js';

export interface DeployRecordsFixture {
  open(): Promise<OpenedDatabase>;
  /** From now on the database raises an error on every insert or update of a record keyed `refusedKey`. */
  refuseKey(): Promise<void>;
}

export const refusedKey = 'refused-by-the-database';

const group = 'intents/projects/demo/composite-apps/shop/v1/deployment-intent-groups/prod';
const other = 'intents/projects/demo/composite-apps/shop/v1/deployment-intent-groups/test';

const put = (key: string, body: unknown, inGroup = group): DeployRecordWrite => ({ group: inGroup, key, body });
const remove = (key: string, inGroup = group): DeployRecordWrite => ({ group: inGroup, key, body: undefined });

/** UTF-8 byte order, which is the databases' key order. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const recordOrder = (a: { group: string; key: string }, b: { group: string; key: string }): number =>
  byteOrder(a.group, b.group) || byteOrder(a.key, b.key);

const keysOf = (records: readonly DeployRecord[]): string[] => records.map((record) => record.key);
const withoutTimes = (records: readonly DeployRecord[]) =>
  records.map(({ group, key, body }) => ({ group, key, body }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeDeployRecordsContract(name: string, fresh: () => Promise<DeployRecordsFixture>): void {
  describe(`DeployRecords contract: ${name}`, () => {
    let fixture: DeployRecordsFixture;
    let opened: OpenedDatabase[];
    let records: DeployRecords;
    const reopen = async (): Promise<OpenedDatabase> => {
      const database = await fixture.open();
      opened.push(database);
      return database;
    };

    beforeEach(async () => {
      opened = [];
      fixture = await fresh();
      records = (await reopen()).deployRecords;
    });
    afterEach(async () => {
      await Promise.all(opened.map((database) => database.close()));
    });

    test('an empty database holds no records', async () => {
      expect(await records.get(group, 'group')).toBeUndefined();
      expect(await records.list(group, '')).toEqual([]);
      expect(await records.listAll('')).toEqual([]);
      await records.write([]);
      await records.removeGroup(group);
      expect(await records.listAll('')).toEqual([]);
    });

    test('a written record reads back with an ISO timestamp, and survives reopening', async () => {
      await records.write([put('group', { state: 'deployed', revision: 3 })]);
      const record = await records.get(group, 'group');
      expect(record).toMatchObject({ group, key: 'group', body: { state: 'deployed', revision: 3 } });
      expect(new Date(record?.updatedAt ?? '').toISOString()).toBe(record?.updatedAt);
      expect(await records.get(other, 'group')).toBeUndefined();
      expect(await records.get(group, 'group/')).toBeUndefined();

      const again = await reopen();
      expect(await again.deployRecords.get(group, 'group')).toEqual(record);
    });

    test('bodies round-trip exactly through JSON', async () => {
      const bodies: unknown[] = [
        {
          text: 'ünïcødé ✓ 𝄞 😀 "quoted" \\ back\nslash \u0000 nul \uD800 lone',
          numbers: [0, -1, 1.5, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
          flags: { yes: true, no: false, nothing: null },
          nested: { deeper: [{ a: [[], {}, [1, [2, [3]]]] }], 'key with spaces/and.dots': 'v', '': 'empty key' },
        },
        [1, 'two', { three: 3 }, null],
        'a plain string',
        42,
        true,
        null,
        {},
        [],
      ];
      await records.write(bodies.map((body, index) => put(`revision/${String(index).padStart(6, '0')}`, body)));
      const listed = await records.list(group, 'revision/');
      expect(listed.map((record) => record.body)).toEqual(bodies);
      expect(JSON.stringify(listed.map((record) => record.body))).toBe(JSON.stringify(bodies));
    });

    test('bodies are stored as JSON.stringify writes them: undefined fields are dropped', async () => {
      await records.write([put('group', { kept: 1, dropped: undefined, list: [undefined, Number.NaN] })]);
      expect((await records.get(group, 'group'))?.body).toStrictEqual({ kept: 1, list: [null, null] });
    });

    test('an overwrite replaces the body and moves updatedAt; other records keep theirs', async () => {
      await records.write([put('group', { state: 'deploying' }), put('revision/000001', { objects: [] })]);
      const first = await records.get(group, 'group');
      const untouched = await records.get(group, 'revision/000001');
      await sleep(5);
      await records.write([put('group', { state: 'deployed' })]);
      const second = await records.get(group, 'group');
      expect(second?.body).toEqual({ state: 'deployed' });
      expect(new Date(second?.updatedAt ?? '').toISOString()).toBe(second?.updatedAt);
      expect(second!.updatedAt > first!.updatedAt).toBe(true);
      expect(await records.get(group, 'revision/000001')).toEqual(untouched);
    });

    test('body undefined deletes, null is a body, and the last entry for a record wins', async () => {
      await records.write([put('a', 1), put('b', 2), put('c', 3)]);
      await records.write([remove('a'), put('b', null), remove('missing'), put('c', 'x'), remove('c'), put('d', 1)]);
      await records.write([put('d', 2), put('d', 3)]);
      expect(withoutTimes(await records.list(group, ''))).toEqual([
        { group, key: 'b', body: null },
        { group, key: 'd', body: 3 },
      ]);
    });

    test('list finds a prefix as a byte-wise range: % and _ are plain, case and groups count', async () => {
      const keys = [
        'group',
        'revision/000001',
        'revision/000002',
        'Revision/000003',
        'revisions',
        'cluster/a',
        'cluster/a/b',
        'cluster/ab',
        'cluster/b',
        'clusterX',
        '%',
        '_',
        'a%',
        'a%b',
        'a_b',
        'aab',
        'axb',
        'é',
        '\uE000',
        '😀',
        '\u{10FFFF}',
        '\u{10FFFF}x',
        '',
      ];
      await records.write(keys.map((key) => put(key, { key })));
      await records.write([put('revision/000009', 'elsewhere', other), put('cluster/a', 'elsewhere', `${group}/x`)]);
      const sorted = [...keys].sort(byteOrder);
      expect(keysOf(await records.list(group, ''))).toEqual(sorted);
      const expectations: Record<string, string[]> = {
        'revision/': ['revision/000001', 'revision/000002'],
        revision: ['revision/000001', 'revision/000002', 'revisions'],
        'cluster/a': ['cluster/a', 'cluster/a/b', 'cluster/ab'],
        'cluster/a/b': ['cluster/a/b'],
        '%': ['%'],
        _: ['_'],
        'a%': ['a%', 'a%b'],
        a_: ['a_b'],
        a: ['a%', 'a%b', 'a_b', 'aab', 'axb'],
        é: ['é'],
        '\u{10FFFF}': ['\u{10FFFF}', '\u{10FFFF}x'],
        nothing: [],
      };
      for (const [prefix, expected] of Object.entries(expectations)) {
        expect(keysOf(await records.list(group, prefix)), `prefix ${prefix}`).toEqual(expected);
      }
      for (const record of await records.list(group, '')) expect(record.body).toEqual({ key: record.key });
      expect(await records.list('intents', '')).toEqual([]);
    });

    test('listAll spans every group, ordered by group and then key', async () => {
      const groups = ['intents/b', 'intents/a', 'intents/a/x', 'intents/a-x', 'intents/é', 'Intents/z'];
      const writes = groups.flatMap((inGroup) =>
        ['revision/000001', 'group', 'cluster/c2', 'cluster/c1', 'zzz'].map((key) => put(key, inGroup, inGroup)),
      );
      await records.write(writes.reverse());
      const all = await records.listAll('');
      expect(all.map(({ group: inGroup, key }) => ({ group: inGroup, key }))).toEqual(
        writes.map(({ group: inGroup, key }) => ({ group: inGroup, key })).sort(recordOrder),
      );
      expect(all.slice(0, 5).map((record) => record.group)).toEqual(Array(5).fill('Intents/z'));
      const clusters = await records.listAll('cluster/');
      expect(clusters.map((record) => `${record.group} ${record.key}`)).toEqual(
        [...groups].sort(byteOrder).flatMap((inGroup) => [`${inGroup} cluster/c1`, `${inGroup} cluster/c2`]),
      );
      for (const record of clusters) expect(record.body).toBe(record.group);
      expect(await records.listAll('cluster/c3')).toEqual([]);
      expect(keysOf(await records.listAll('g'))).toEqual(Array(groups.length).fill('group'));
    });

    test('held hosts are kept in plain text beside the body, replaced by each write, and listed without it', async () => {
      await records.write([
        { ...put('cluster/c1', { sealed: true }), heldHosts: ['a.global', 'b.global'] },
        { ...put('cluster/c2', { sealed: true }), heldHosts: [] },
        put('group', { state: 'x' }),
        { ...put('cluster/c1', 'other group', other), heldHosts: ['ü.global'] },
      ]);
      expect(await records.listHeldHosts('cluster/')).toEqual([
        { group, key: 'cluster/c1', hosts: ['a.global', 'b.global'] },
        { group, key: 'cluster/c2', hosts: [] },
        { group: other, key: 'cluster/c1', hosts: ['ü.global'] },
      ]);
      // A write without held hosts (as every record was before they were kept) says nothing is known.
      await records.write([put('cluster/c1', { sealed: true }), { ...put('cluster/c2', 1), heldHosts: ['c.global'] }]);
      expect(await (await reopen()).deployRecords.listHeldHosts('cluster/c')).toEqual([
        { group, key: 'cluster/c1', hosts: undefined },
        { group, key: 'cluster/c2', hosts: ['c.global'] },
        { group: other, key: 'cluster/c1', hosts: ['ü.global'] },
      ]);
      await records.write([remove('cluster/c2')]);
      expect((await records.listHeldHosts('')).map((held) => held.key)).toEqual(['cluster/c1', 'group', 'cluster/c1']);
    });

    test('a body that cannot be JSON fails the whole write, which changes nothing', async () => {
      await records.write([put('group', { state: 'deployed' }), put('cluster/a', 'a')]);
      const before = await records.listAll('');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const bad: unknown[] = [{ count: 1n }, 2n, cyclic, () => 1, Symbol('s')];
      for (const body of bad) {
        const write = records.write([
          put('group', { state: 'gone' }),
          remove('cluster/a'),
          put('new', 1),
          put('z', body),
        ]);
        await expect(write).rejects.toThrow(TypeError);
        await expect(write).rejects.toThrow(/"z"/);
      }
      expect(await records.listAll('')).toEqual(before);
    });

    test('a write the database refuses halfway leaves nothing written', async () => {
      await records.write([put('b-old', 'old'), put('c-old', 'old'), put('z-old', 'old'), put('x', 'other', other)]);
      const before = await records.listAll('');
      await fixture.refuseKey();
      await expect(
        records.write([
          put('a-new', 'new'),
          put('b-old', 'new'),
          remove('c-old'),
          put('x', 'new', other),
          put(refusedKey, 'refused'),
          put('z-old', 'new'),
        ]),
      ).rejects.toThrow();
      expect(await records.listAll('')).toEqual(before);
      await records.write([put('a-new', 'new')]);
      expect(keysOf(await records.list(group, ''))).toEqual(['a-new', 'b-old', 'c-old', 'z-old']);
    });

    test('keys with NUL or unpaired surrogates are refused alike on every database', async () => {
      for (const [inGroup, key] of [
        [group, 'a\u0000b'],
        ['g\u0000', 'group'],
        [group, 'lone \uDC00'],
      ] as const) {
        await expect(records.write([put('fine', 1), put(key, 1, inGroup)])).rejects.toThrow(RangeError);
        expect(await records.get(inGroup, key)).toBeUndefined();
        expect(await records.list(inGroup, key)).toEqual([]);
        expect(await records.listAll(key)).toEqual([]);
        await records.removeGroup(inGroup);
      }
      expect(await records.listAll('')).toEqual([]);
    });

    test('removeGroup deletes that group only', async () => {
      const groups = ['intents/a', 'intents/a/x', 'intents/ab', 'intents/A', 'intents/%', 'intents/_'];
      await records.write(groups.flatMap((inGroup) => [put('group', 1, inGroup), put('cluster/c', 2, inGroup)]));
      await records.removeGroup('intents/a');
      await records.removeGroup('intents/');
      await records.removeGroup('intents/%');
      await records.removeGroup('intents/nothing');
      const left = new Set((await records.listAll('')).map((record) => record.group));
      expect([...left].sort(byteOrder)).toEqual(['intents/A', 'intents/_', 'intents/a/x', 'intents/ab']);
      expect(await records.list('intents/a', '')).toEqual([]);
      expect(keysOf(await records.list('intents/ab', ''))).toEqual(['cluster/c', 'group']);
    });

    test('concurrent writes to different records all land', async () => {
      const writes = Array.from({ length: 20 }, (_, index) =>
        records.write([put(`cluster/c${String(index).padStart(2, '0')}`, { index })]),
      );
      await Promise.all(writes);
      const listed = await records.list(group, 'cluster/');
      expect(listed.map((record) => record.body)).toEqual(Array.from({ length: 20 }, (_, index) => ({ index })));
    });

    test('concurrent writes to the same records all succeed, each one whole', async () => {
      const writers = Array.from({ length: 20 }, (_, index) => index);
      await Promise.all(
        writers.map((index) => {
          const entries = [put('group', index), put('cluster/c1', index), put('shared', index, other)];
          return records.write(index % 2 === 0 ? entries : entries.reverse());
        }),
      );
      const winner = (await records.get(group, 'group'))?.body;
      expect(writers).toContain(winner);
      expect((await records.get(group, 'cluster/c1'))?.body).toBe(winner);
      expect((await records.get(other, 'shared'))?.body).toBe(winner);
    });

    test('matches an in-memory model over random sequences of writes and group removals', async () => {
      await checkAgainstModel(records, 25);
    });
  });
}

const modelGroups = ['g', 'g/x', 'G', 'gé'];
const modelKeys = ['', 'group', 'revision/000001', 'revision/000002', 'cluster/a', 'cluster/a/b', 'a%', 'a_b', '😀'];
const modelPrefixes = ['', 'revision/', 'cluster/a', 'a%', 'a_', 'cluster/a/b', 'x'];

type ModelOp = { type: 'write'; entries: DeployRecordWrite[] } | { type: 'removeGroup'; group: string };

/** Applies `op` to the model: the records by `JSON.stringify([group, key])`, bodies as JSON reads them back. */
function applyToModel(model: Map<string, DeployRecordWrite>, op: ModelOp): void {
  if (op.type === 'removeGroup') {
    for (const [id, entry] of model) if (entry.group === op.group) model.delete(id);
    return;
  }
  for (const entry of op.entries) {
    const id = JSON.stringify([entry.group, entry.key]);
    if (entry.body === undefined) model.delete(id);
    // What JSON keeps: -0 reads back as 0.
    else model.set(id, { ...entry, body: JSON.parse(JSON.stringify(entry.body)) as unknown });
  }
}

async function checkAgainstModel(records: DeployRecords, numRuns: number): Promise<void> {
  const entry = fc.record({
    group: fc.constantFrom(...modelGroups),
    key: fc.constantFrom(...modelKeys),
    body: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
  });
  const op: fc.Arbitrary<ModelOp> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ type: fc.constant('write' as const), entries: fc.array(entry, { maxLength: 8 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('removeGroup' as const), group: fc.constantFrom(...modelGroups) }),
    },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
      for (const inGroup of modelGroups) await records.removeGroup(inGroup);
      const model = new Map<string, DeployRecordWrite>();
      for (const step of ops) {
        if (step.type === 'write') await records.write(step.entries);
        else await records.removeGroup(step.group);
        applyToModel(model, step);
        const expected = [...model.values()].sort(recordOrder);
        expect(withoutTimes(await records.listAll(''))).toEqual(expected);
      }
      const expected = [...model.values()].sort(recordOrder);
      for (const prefix of modelPrefixes) {
        const matching = expected.filter((item) => item.key.startsWith(prefix));
        expect(withoutTimes(await records.listAll(prefix))).toEqual(matching);
        for (const inGroup of modelGroups) {
          const listed = await records.list(inGroup, prefix);
          expect(withoutTimes(listed)).toEqual(matching.filter((item) => item.group === inGroup));
        }
      }
      for (const inGroup of modelGroups) {
        for (const key of modelKeys) {
          const record = await records.get(inGroup, key);
          expect(record?.body).toEqual(model.get(JSON.stringify([inGroup, key]))?.body);
          if (record !== undefined) expect(new Date(record.updatedAt).toISOString()).toBe(record.updatedAt);
        }
      }
    }),
    { numRuns },
  );
}
