/**
 * The property half of the store contract: random sequences of writes, some of
 * them in transactions that roll back, must leave the store exactly where a
 * plain in-memory model of the port ends up, and refuse the same writes.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { KindName, ResourceBody } from '../../core/model/kind.js';
import type { Store, StoreWriter } from '../../service/store.js';

interface Slot {
  path: string;
  parent: string | null;
  kind: KindName;
}

/** A small fixed tree, so random operations keep hitting existing keys, parents and children. */
const slots: readonly Slot[] = [
  { path: 'a', parent: null, kind: 'project' },
  { path: 'b', parent: null, kind: 'project' },
  { path: 'a/x', parent: 'a', kind: 'compositeApp' },
  { path: 'a/y', parent: 'a', kind: 'compositeApp' },
  { path: 'b/x', parent: 'b', kind: 'compositeApp' },
  { path: 'a/x/z', parent: 'a/x', kind: 'app' },
];

type Write =
  | { type: 'insert'; slot: number; body: ResourceBody }
  | { type: 'update'; slot: number; body: ResourceBody }
  | { type: 'delete'; slot: number }
  | { type: 'putFile'; slot: number; data: Uint8Array };

type Step = Write | { type: 'rolledBack'; writes: Write[] };

const slotIndex = fc.integer({ min: 0, max: slots.length - 1 });
const body = fc.record({ spec: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })) });
const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({ type: fc.constant('insert' as const), slot: slotIndex, body }),
  fc.record({ type: fc.constant('update' as const), slot: slotIndex, body }),
  fc.record({ type: fc.constant('delete' as const), slot: slotIndex }),
  fc.record({ type: fc.constant('putFile' as const), slot: slotIndex, data: fc.uint8Array({ maxLength: 16 }) }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: write, weight: 5 },
  {
    arbitrary: fc.record({ type: fc.constant('rolledBack' as const), writes: fc.array(write, { maxLength: 4 }) }),
    weight: 1,
  },
);

interface Model {
  resources: Map<string, { body: ResourceBody; version: number }>;
  files: Map<string, Buffer>;
}

/** What the store should answer: `ok` with the new version, or the error it should throw. */
type Outcome = string;

class Run {
  constructor(private readonly prefix: string) {}

  key(path: string): string {
    return `${this.prefix}/${path}`;
  }

  slot(index: number): { key: string; parentKey: string | null; kind: KindName; name: string } {
    const slot = slots[index];
    if (slot === undefined) throw new Error(`no slot ${index}`);
    const name = slot.path.slice(slot.path.lastIndexOf('/') + 1);
    return {
      key: this.key(slot.path),
      parentKey: slot.parent === null ? null : this.key(slot.parent),
      kind: slot.kind,
      name,
    };
  }

  expect(model: Model, write: Write): Outcome {
    const { key, parentKey } = this.slot(write.slot);
    const current = model.resources.get(key);
    switch (write.type) {
      case 'insert':
        if (current !== undefined) return 'Conflict';
        if (parentKey !== null && !model.resources.has(parentKey)) return 'NotFound';
        model.resources.set(key, { body: normalized(write.body), version: 1 });
        return 'ok:1';
      case 'update':
        if (current === undefined) return 'NotFound';
        model.resources.set(key, { body: normalized(write.body), version: current.version + 1 });
        return `ok:${current.version + 1}`;
      case 'delete':
        if (current === undefined) return 'NotFound';
        if (this.childrenOf(model, key).length > 0) return 'Conflict';
        model.resources.delete(key);
        model.files.delete(key);
        return 'ok';
      case 'putFile':
        if (current === undefined) return 'NotFound';
        model.files.set(key, Buffer.from(write.data));
        return 'ok';
    }
  }

  async perform(tx: StoreWriter, write: Write): Promise<Outcome> {
    const slot = this.slot(write.slot);
    try {
      switch (write.type) {
        case 'insert':
          return `ok:${(await tx.insert({ ...slot, body: write.body })).version}`;
        case 'update':
          return `ok:${(await tx.update(slot.key, write.body)).version}`;
        case 'delete':
          await tx.delete(slot.key);
          return 'ok';
        case 'putFile':
          await tx.putFile(slot.key, {
            fileName: 'f.bin',
            contentType: 'application/octet-stream',
            data: Buffer.from(write.data),
          });
          return 'ok';
      }
    } catch (error) {
      if (error instanceof ConflictError) return 'Conflict';
      if (error instanceof NotFoundError) return 'NotFound';
      throw error;
    }
  }

  childrenOf(model: Model, key: string): string[] {
    return slots
      .map((_, index) => this.slot(index))
      .filter((slot) => slot.parentKey === key && model.resources.has(slot.key))
      .map((slot) => slot.key);
  }

  async matches(store: Store, model: Model): Promise<void> {
    for (const index of slots.keys()) {
      const { key, parentKey, kind, name } = this.slot(index);
      const expected = model.resources.get(key);
      const actual = await store.get(key);
      expect(actual === undefined ? undefined : { ...actual, createdAt: '', updatedAt: '' }).toEqual(
        expected === undefined ? undefined : { key, parentKey, kind, name, ...expected, createdAt: '', updatedAt: '' },
      );
      expect((await store.getFile(key))?.data).toEqual(model.files.get(key));
      expect(await store.hasChildren(key)).toBe(this.childrenOf(model, key).length > 0);
    }
    for (const kind of ['project', 'compositeApp', 'app'] as const) {
      const listed = await store.listByKind(kind, `${this.prefix}/`);
      const modelled = slots
        .map((_, index) => this.slot(index))
        .filter((slot) => slot.kind === kind && model.resources.has(slot.key))
        .map((slot) => slot.key)
        .sort();
      expect(listed.map((resource) => resource.key)).toEqual(modelled);
    }
    const children = await store.listChildren(this.key('a'), 'compositeApp');
    expect(children.map((resource) => resource.key)).toEqual(this.childrenOf(model, this.key('a')).sort());
  }
}

function normalized(body: ResourceBody): ResourceBody {
  return JSON.parse(JSON.stringify(body)) as ResourceBody;
}

class RollBack extends Error {}

/** Each run works below its own key prefix, so runs can share one store. */
export async function checkAgainstModel(store: Store, numRuns: number): Promise<void> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 20 }), async (steps) => {
      const run = new Run(`model/${runs++}`);
      const model: Model = { resources: new Map(), files: new Map() };
      for (const current of steps) {
        if (current.type !== 'rolledBack') {
          const expected = run.expect(model, current);
          expect(await store.transaction((tx) => run.perform(tx, current))).toBe(expected);
          continue;
        }
        const scratch: Model = { resources: new Map(model.resources), files: new Map(model.files) };
        const attempt = store.transaction(async (tx) => {
          for (const write of current.writes) expect(await run.perform(tx, write)).toBe(run.expect(scratch, write));
          throw new RollBack();
        });
        await expect(attempt).rejects.toBeInstanceOf(RollBack);
      }
      await run.matches(store, model);
    }),
    { numRuns },
  );
}
