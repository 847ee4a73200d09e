import { describe, expect, test } from 'vitest';
import type { LiveObject } from '../../core/deploy/refs.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { PassSnapshot } from './pass-snapshot.js';
import type { KindRef } from './target.js';

const SE_V1 = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' };
const SE_V1BETA1 = { apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry' };
const SECRET = { apiVersion: 'v1', kind: 'Secret' };

const live = (kind: KindRef, name: string, spec: Record<string, unknown> = {}): LiveObject => ({
  ...kind,
  metadata: { name, namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'meshbridge' } },
  spec,
});

/** A reader over `objects` that records the kinds of each call. */
function reader(objects: LiveObject[]) {
  const calls: string[][] = [];
  const read = async (kinds: readonly KindRef[]) => {
    calls.push(kinds.map((kind) => `${kind.apiVersion}/${kind.kind}`));
    return objects.filter((object) => kinds.some((kind) => kind.kind === object.kind));
  };
  return { calls, read };
}

const names = (objects: LiveObject[]) => objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();

describe('PassSnapshot', () => {
  test('reads each kind once per cluster, in the first version asked for, whoever asks next', async () => {
    const snapshot = new PassSnapshot();
    const { calls, read } = reader([live(SE_V1BETA1, 'a'), live(SECRET, 's')]);
    expect(names(await snapshot.list('c1', [SE_V1BETA1, SE_V1, SECRET], read))).toEqual(['Secret/s', 'ServiceEntry/a']);
    expect(names(await snapshot.list('c1', [SE_V1], read))).toEqual(['ServiceEntry/a']);
    expect(names(await snapshot.list('c1', [SECRET, SE_V1], read))).toEqual(['Secret/s', 'ServiceEntry/a']);
    expect(calls).toEqual([['networking.istio.io/v1beta1/ServiceEntry', 'v1/Secret']]);
    // Another cluster is read on its own.
    await snapshot.list('c2', [SECRET], read);
    expect(calls).toHaveLength(2);
  });

  test('groups asking at the same time share one reading', async () => {
    const snapshot = new PassSnapshot();
    const { calls, read } = reader([live(SECRET, 's')]);
    const all = await Promise.all([1, 2, 3].map(() => snapshot.list('c1', [SECRET], read)));
    expect(all.map(names)).toEqual([['Secret/s'], ['Secret/s'], ['Secret/s']]);
    expect(calls).toHaveLength(1);
  });

  test('writes made during the pass are seen by the groups that come after, even over a reading under way', async () => {
    const snapshot = new PassSnapshot();
    let release: (objects: LiveObject[]) => void = () => undefined;
    const reading = snapshot.list('c1', [SE_V1], () => new Promise((resolve) => (release = resolve)));
    const made: RenderedObject = { ...live(SE_V1, 'new', { hosts: ['x'] }) };
    snapshot.applied('c1', made);
    snapshot.removed('c1', { ...SE_V1, namespace: 'shop', name: 'old' });
    release([live(SE_V1BETA1, 'old'), live(SE_V1BETA1, 'kept')]);
    expect(names(await reading)).toEqual(['ServiceEntry/kept', 'ServiceEntry/old']);
    const after = await snapshot.list('c1', [SE_V1], async () => {
      throw new Error('read again');
    });
    expect(names(after)).toEqual(['ServiceEntry/kept', 'ServiceEntry/new']);
    expect(after.find((object) => object.metadata.name === 'new')?.spec).toEqual({ hosts: ['x'] });
    // A write to a cluster or kind not read is not remembered: its first reading will see it.
    snapshot.applied('c9', made);
    const { calls, read } = reader([]);
    expect(await snapshot.list('c9', [SE_V1], read)).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  test('a failed reading fails every later group on the cluster without asking again, and is never unhandled', async () => {
    const snapshot = new PassSnapshot();
    let reads = 0;
    const failing = async () => {
      reads++;
      throw new Error('forbidden');
    };
    await expect(snapshot.list('c1', [SECRET, SE_V1], failing)).rejects.toThrow('forbidden');
    await expect(snapshot.list('c1', [SE_V1], failing)).rejects.toThrow('forbidden');
    snapshot.applied('c1', live(SE_V1, 'x'));
    await expect(snapshot.list('c1', [SE_V1], failing)).rejects.toThrow('forbidden');
    expect(reads).toBe(1);
  });
});
