/** A lazy target loads once, on the first session, and then is the target it loaded. */
import { expect, test } from 'vitest';
import type { DeployTarget } from '../../service/deploy/target.js';
import { lazyTarget } from './lazy-target.js';

const fake = (name: string, atomic?: boolean): DeployTarget => ({
  name,
  ...(atomic === undefined ? {} : { atomic }),
  session: async (cluster, _context, work) => work({ cluster } as never),
  read: async (cluster) => [{ cluster: cluster.key } as never],
});

type Cluster = Parameters<DeployTarget['session']>[0];
type Change = Parameters<DeployTarget['session']>[1];
const cluster = { key: 'edge/cluster01' } as unknown as Cluster;
const change = {} as Change;

test('nothing is loaded until a session, and it is loaded once for every session after', async () => {
  let loads = 0;
  const target = lazyTarget('kubernetes', async () => {
    loads += 1;
    return fake('kubernetes');
  });
  expect(target.name).toBe('kubernetes');
  expect(loads).toBe(0);
  const seen = await Promise.all([1, 2, 3].map((n) => target.session(cluster, change, async () => n)));
  expect(seen).toEqual([1, 2, 3]);
  expect(loads).toBe(1);
  expect(await target.read(cluster, [], {})).toEqual([{ cluster: 'edge/cluster01' }]);
  expect(loads).toBe(1);
});

test('a target that is not the one named (another name, or atomic when it was said not to be) is refused', async () => {
  const renamed = lazyTarget('kubernetes', async () => fake('gitops'));
  await expect(renamed.session(cluster, change, async () => 1)).rejects.toThrow(/loaded as gitops/);
  const atomic = lazyTarget('gitops', async () => fake('gitops', true));
  await expect(atomic.session(cluster, change, async () => 1)).rejects.toThrow(/atomic: true/);
  const exact = lazyTarget('gitops', async () => ({ ...fake('gitops', true), exactMatch: true }), { atomic: true });
  await expect(exact.read(cluster, [], {})).rejects.toThrow(/exactMatch: true/);
});

test('a lazy target has the traits said before it loads: the git target is atomic and matches exactly', () => {
  const target = lazyTarget('gitops', () => new Promise(() => undefined), { atomic: true, exactMatch: true });
  expect([target.atomic, target.exactMatch]).toEqual([true, true]);
  expect([lazyTarget('kubernetes', () => new Promise(() => undefined)).atomic]).toEqual([undefined]);
});

test('an import that fails is tried again on the next session', async () => {
  let loads = 0;
  const target = lazyTarget('kubernetes', async () => {
    loads += 1;
    if (loads === 1) throw new Error('EMFILE: too many open files');
    return fake('kubernetes');
  });
  await expect(target.session(cluster, change, async () => 1)).rejects.toThrow(/EMFILE/);
  expect(await target.session(cluster, change, async () => 2)).toBe(2);
  expect(loads).toBe(2);
});
