/**
 * What every `AddressLedger` adapter must do, as one vitest suite. Adapter test
 * files call `describeAddressLedgerContract` with a function that creates a fresh,
 * empty database and returns its opener; every call of the opener opens that same
 * database again (which is how persistence is tested). Each test closes what it opened.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ExhaustedError } from '../../core/errors.js';
import { addressKey } from '../../service/address-ledger.js';
import type { AddressClaim, AddressLedger, AddressRange, HeldAddress } from '../../service/address-ledger.js';
import type { Store } from '../../service/store.js';
import type { OpenedDatabase } from './database.js';

/** What the suite uses of an opened database: its ledger, its store (whose change numbers the ledger moves), and closing it. */
export type OpenLedgerDatabase = () => Promise<Pick<OpenedDatabase, 'ledger' | 'store' | 'close'>>;

const edge = 'cluster-providers/edge/clusters/cluster01';
const core = 'cluster-providers/core/clusters/cluster02';
const tiny: AddressRange = { first: '240.0.0.1', last: '240.0.0.3' };

const claim = (cluster: string, host: string, owner = `intents/${host}`): AddressClaim => ({ cluster, host, owner });
const hosts = (cluster: string, ...names: string[]): AddressClaim[] => names.map((name) => claim(cluster, name));

/** UTF-8 byte order, which is the databases' key order. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const heldOrder = (a: HeldAddress, b: HeldAddress): number =>
  byteOrder(a.cluster, b.cluster) || byteOrder(a.host, b.host);

function toInt(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** Fails when a cluster has one address twice; returns the held rows by key. */
function expectUniquePerCluster(held: readonly HeldAddress[]): void {
  const seen = new Set<string>();
  for (const row of held) {
    const key = addressKey(row.cluster, row.address);
    expect(seen.has(key), `${row.address} twice in ${row.cluster}`).toBe(false);
    seen.add(key);
  }
}

const asMap = (held: readonly HeldAddress[]): Map<string, string> =>
  new Map(held.map((row) => [addressKey(row.cluster, row.host), row.address]));

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

export function describeAddressLedgerContract(name: string, fresh: () => Promise<OpenLedgerDatabase>): void {
  describe(`AddressLedger contract: ${name}`, () => {
    let open: OpenLedgerDatabase;
    let opened: Awaited<ReturnType<OpenLedgerDatabase>>[];
    let ledger: AddressLedger;
    let store: Store;
    const reopen = async () => {
      const database = await open();
      opened.push(database);
      return database;
    };

    beforeEach(async () => {
      opened = [];
      open = await fresh();
      ({ ledger, store } = await reopen());
    });
    afterEach(async () => {
      await Promise.all(opened.map((database) => database.close()));
    });

    test('an empty ledger holds nothing, and syncing no claims keeps it so', async () => {
      expect(await ledger.list()).toEqual([]);
      expect(await ledger.sync([])).toEqual(new Map());
      expect(await ledger.list(edge)).toEqual([]);
    });

    test('the first addresses are the lowest of the range, in host order', async () => {
      const addresses = await ledger.sync(hosts(edge, 'c.svc', 'a.svc', 'b.svc'));
      expect(addresses).toEqual(
        new Map([
          [addressKey(edge, 'a.svc'), '240.0.0.1'],
          [addressKey(edge, 'b.svc'), '240.0.0.2'],
          [addressKey(edge, 'c.svc'), '240.0.0.3'],
        ]),
      );
      expect(await ledger.list()).toEqual([
        { cluster: edge, host: 'a.svc', owner: 'intents/a.svc', address: '240.0.0.1' },
        { cluster: edge, host: 'b.svc', owner: 'intents/b.svc', address: '240.0.0.2' },
        { cluster: edge, host: 'c.svc', owner: 'intents/c.svc', address: '240.0.0.3' },
      ]);
    });

    test('a custom range starts at its first address and carries across octets', async () => {
      const range = { first: '10.0.0.254', last: '10.0.1.1' };
      const addresses = await ledger.sync(hosts(edge, 'a', 'b', 'c', 'd'), range);
      expect([...addresses.values()]).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    });

    test('a new claim fills the lowest hole left by a release', async () => {
      await ledger.sync(hosts(edge, 'a', 'b', 'c', 'd'));
      await ledger.sync(hosts(edge, 'a', 'c'));
      const addresses = await ledger.sync(hosts(edge, 'a', 'c', 'x', 'y', 'z'));
      expect(Object.fromEntries([...addresses].map(([key, address]) => [key.split('\u0000')[1], address]))).toEqual({
        a: '240.0.0.1',
        c: '240.0.0.3',
        x: '240.0.0.2',
        y: '240.0.0.4',
        z: '240.0.0.5',
      });
    });

    test('addresses are stable across syncs and across reopening the database', async () => {
      const first = await ledger.sync([...hosts(edge, 'm', 'n'), ...hosts(core, 'm')]);
      const second = await ledger.sync([...hosts(edge, 'a', 'm', 'n', 'z'), ...hosts(core, 'a', 'm')]);
      for (const [key, address] of first) expect(second.get(key)).toBe(address);
      const before = await ledger.list();

      const again = await reopen();
      expect(await again.ledger.list()).toEqual(before);
      const third = await again.ledger.sync([...hosts(core, 'm', 'a'), ...hosts(edge, 'z', 'n', 'm', 'a')]);
      expect(third).toEqual(second);
    });

    test('clusters are independent: the same address may serve both', async () => {
      const addresses = await ledger.sync([...hosts(edge, 'x'), ...hosts(core, 'y')]);
      expect(addresses.get(addressKey(edge, 'x'))).toBe('240.0.0.1');
      expect(addresses.get(addressKey(core, 'y'))).toBe('240.0.0.1');
      expect(await ledger.list(edge)).toEqual([{ cluster: edge, host: 'x', owner: 'intents/x', address: '240.0.0.1' }]);
      expect(await ledger.list(core)).toEqual([{ cluster: core, host: 'y', owner: 'intents/y', address: '240.0.0.1' }]);
      expect(await ledger.list('cluster-providers/none/clusters/none')).toEqual([]);
    });

    test('an address no longer claimed is released, in every cluster, and then reused', async () => {
      await ledger.sync([...hosts(edge, 'a', 'b'), ...hosts(core, 'a')]);
      expect(await ledger.sync(hosts(edge, 'b'))).toEqual(new Map([[addressKey(edge, 'b'), '240.0.0.2']]));
      expect(await ledger.list()).toEqual([{ cluster: edge, host: 'b', owner: 'intents/b', address: '240.0.0.2' }]);
      const addresses = await ledger.sync(hosts(edge, 'b', 'c'));
      expect(addresses.get(addressKey(edge, 'c'))).toBe('240.0.0.1');
    });

    test('a changed owner is recorded and keeps the address', async () => {
      await ledger.sync([claim(edge, 'a', 'intents/one'), claim(edge, 'b', 'intents/one')]);
      await ledger.sync([claim(edge, 'a', 'intents/two'), claim(edge, 'b', 'intents/one')]);
      expect(await ledger.list()).toEqual([
        { cluster: edge, host: 'a', owner: 'intents/two', address: '240.0.0.1' },
        { cluster: edge, host: 'b', owner: 'intents/one', address: '240.0.0.2' },
      ]);
    });

    test('a sync that changes nothing bumps no change sequence; one that changes an address does', async () => {
      const claims = [...hosts(edge, 'a', 'b'), ...hosts(core, 'a')];
      await ledger.sync(claims);
      const before = await store.changes();
      expect(await ledger.sync(shuffled(claims, 3))).toEqual(await ledger.sync(claims));
      expect(await store.changes()).toEqual(before);
      await ledger.sync(hosts(edge, 'a', 'b'));
      expect(await store.changes()).toEqual({ ...before, addresses: before.addresses + 1 });
    });

    test('duplicate claims share one address, recorded for the least owner', async () => {
      const addresses = await ledger.sync([
        claim(edge, 'a', 'intents/z'),
        claim(edge, 'b', 'intents/b'),
        claim(edge, 'a', 'intents/m'),
        claim(edge, 'a', 'intents/z'),
      ]);
      expect(addresses.size).toBe(2);
      expect(await ledger.list()).toEqual([
        { cluster: edge, host: 'a', owner: 'intents/m', address: '240.0.0.1' },
        { cluster: edge, host: 'b', owner: 'intents/b', address: '240.0.0.2' },
      ]);
    });

    test('the order of the claims does not matter', async () => {
      const claims = [...hosts(edge, 'q', 'b', 'x', 'a', 'é', 'Z', '😀', '\uE000'), ...hosts(core, 'k', 'c', 'b')];
      const expected = await ledger.sync(claims);
      for (const seed of [1, 2, 3]) {
        await ledger.sync([]);
        expect(await ledger.sync(shuffled(claims, seed))).toEqual(expected);
      }
      const held = await ledger.list();
      expect(held).toEqual([...held].sort(heldOrder));
      // Byte-wise (code point) order, as the database sorts: Z a b q x é U+E000 😀.
      expect(held.filter((row) => row.cluster === edge).map((row) => row.host)).toEqual([
        'Z',
        'a',
        'b',
        'q',
        'x',
        'é',
        '\uE000',
        '😀',
      ]);
      expect(held.find((row) => row.host === '😀')?.address).toBe('240.0.0.8');
    });

    test('an exhausted range throws ExhaustedError naming the cluster, and changes nothing', async () => {
      await ledger.sync([...hosts(edge, 'a', 'b', 'c'), ...hosts(core, 'a')], tiny);
      const before = await ledger.list();
      const error = await rejectionOf(ledger.sync([...hosts(edge, 'a', 'd', 'e', 'f'), ...hosts(core, 'b')], tiny));
      expect(error).toBeInstanceOf(ExhaustedError);
      expect(error.message).toContain(edge);
      expect(error.message).toMatch(/\b3 addresses\b/);
      expect(error.message).toMatch(/\bneeds 4\b/);
      expect(await ledger.list()).toEqual(before);
      // A range exactly full is not exhausted.
      await ledger.sync([...hosts(edge, 'a', 'd', 'e'), ...hosts(core, 'b')], tiny);
      expect((await ledger.list(edge)).map((row) => row.address)).toEqual(['240.0.0.1', '240.0.0.2', '240.0.0.3']);
    });

    test('a held address outside a narrowed range stays held and takes nothing from it', async () => {
      await ledger.sync(hosts(edge, 'a', 'b', 'c', 'd'));
      const addresses = await ledger.sync(hosts(edge, 'd', 'e', 'f', 'g'), tiny);
      expect([...addresses.values()]).toEqual(['240.0.0.4', '240.0.0.1', '240.0.0.2', '240.0.0.3']);
    });

    test('a range that is not IPv4 or runs backwards is refused before anything changes', async () => {
      await ledger.sync(hosts(edge, 'a'));
      const bad: AddressRange[] = [
        { first: '240.0.0.9', last: '240.0.0.1' },
        { first: '240.0.0.256', last: '240.0.1.1' },
        { first: '240.0.0.1', last: 'fd00::1' },
        { first: '240.0.1', last: '240.0.0.9' },
      ];
      for (const range of bad) await expect(ledger.sync(hosts(edge, 'b'), range)).rejects.toThrow(RangeError);
      expect((await ledger.list()).map((row) => row.host)).toEqual(['a']);
    });

    test('concurrent syncs take turns and leave one consistent outcome', async () => {
      const claimSets = [0, 1, 2, 3, 4].map((index) => [
        ...hosts(edge, ...Array.from({ length: 10 + index }, (_, host) => `h${(host + index) % 12}`), `only-${index}`),
        ...hosts(core, 'shared', `only-${index}`),
      ]);
      const results = await Promise.all(claimSets.map((claims) => ledger.sync(claims)));
      for (const result of results) {
        const perCluster = [...result].map(([key, address]) => `${key.split('\u0000')[0]} ${address}`);
        expect(new Set(perCluster).size).toBe(perCluster.length);
      }
      const held = await ledger.list();
      expectUniquePerCluster(held);
      const final = asMap(held);
      const last = results.filter((result) => [...result.keys()].sort().join() === [...final.keys()].sort().join());
      expect(last).toHaveLength(1);
      expect(last[0]).toEqual(final);
    });

    test('matches the model over random sequences of claim sets', async () => {
      await checkAgainstModel(ledger, store, 40);
    });

    test('syncs 10,000 claims across 100 clusters in one call', async () => {
      const clusters = Array.from({ length: 100 }, (_, index) => `cluster-providers/p/clusters/c${index}`);
      const pad = (index: number) => String(index).padStart(3, '0');
      const claims = clusters.flatMap((cluster) =>
        Array.from({ length: 100 }, (_, index) => claim(cluster, `svc-${pad(index)}.ns.svc.cluster.local`)),
      );
      const started = performance.now();
      const addresses = await ledger.sync(shuffled(claims, 7));
      const took = performance.now() - started;
      console.info(`${name}: 10,000 claims across 100 clusters synced in ${took.toFixed(0)} ms`);
      expect(addresses.size).toBe(10_000);
      for (const { cluster, host } of claims) {
        const index = Number(host.slice(4, 7));
        expect(addresses.get(addressKey(cluster, host))).toBe(`240.0.0.${index + 1}`);
      }
      const held = await ledger.list();
      expect(held).toHaveLength(10_000);
      expectUniquePerCluster(held);

      // Half released, as many new: the new ones take the released addresses.
      const next = claims.filter((_, index) => index % 2 === 0);
      const added = clusters.flatMap((cluster) =>
        Array.from({ length: 50 }, (_, index) => claim(cluster, `new-${pad(index)}`)),
      );
      const again = await ledger.sync([...next, ...added]);
      expect(again.size).toBe(10_000);
      for (const { cluster, host } of next)
        expect(again.get(addressKey(cluster, host))).toBe(addresses.get(addressKey(cluster, host)));
      for (const { cluster, host } of added)
        expect(again.get(addressKey(cluster, host))).toBe(`240.0.0.${Number(host.slice(4)) * 2 + 2}`);
    });
  });
}

const modelRange: AddressRange = { first: '240.0.0.1', last: '240.0.0.6' };

/**
 * After each sync: every claim has an address in range, unique within its cluster;
 * a claim that was held keeps its address; a new one gets the lowest free address,
 * served in host order; `list()` holds exactly the claims. A sync that finds a
 * cluster with more hosts than its range has addresses throws `ExhaustedError` and
 * leaves the ledger as it was. The `addresses` change sequence grows by one with each sync that
 * changed a row and stays with the others.
 */
async function checkAgainstModel(ledger: AddressLedger, store: Store, numRuns: number): Promise<void> {
  const claimArbitrary = fc.record({
    cluster: fc.constantFrom('c1', 'c2', 'c3/ü'),
    host: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'Z', 'é', '\uE000', '😀'),
    owner: fc.constantFrom('o1', 'o2'),
  });
  const sequences = fc.array(fc.array(claimArbitrary, { maxLength: 20 }), { minLength: 1, maxLength: 6 });
  await fc.assert(
    fc.asyncProperty(sequences, async (claimSets) => {
      await ledger.sync([]);
      let held: HeldAddress[] = [];
      for (const claims of claimSets) {
        const expected = modelSync(held, claims, modelRange);
        if (expected === 'exhausted') {
          await expect(ledger.sync(claims, modelRange)).rejects.toBeInstanceOf(ExhaustedError);
          expect(await ledger.list()).toEqual(held);
          continue;
        }
        const before = await store.changes();
        const addresses = await ledger.sync(claims, modelRange);
        const listed = await ledger.list();
        expect(listed).toEqual(expected);
        expect(addresses).toEqual(asMap(expected));
        expectUniquePerCluster(listed);
        // The change sequence counts exactly the syncs that changed a row.
        const wrote = JSON.stringify(listed) !== JSON.stringify(held);
        expect(await store.changes()).toEqual({ ...before, addresses: before.addresses + (wrote ? 1 : 0) });
        held = listed;
      }
    }),
    { numRuns },
  );
}

/** The ledger's rule, written plainly: what `list()` must show after syncing `claims` over `held`. */
function modelSync(
  held: readonly HeldAddress[],
  claims: readonly AddressClaim[],
  range: AddressRange,
): HeldAddress[] | 'exhausted' {
  const owners = new Map<string, AddressClaim>();
  for (const item of claims) {
    const key = addressKey(item.cluster, item.host);
    const known = owners.get(key);
    if (known === undefined || byteOrder(item.owner, known.owner) < 0) owners.set(key, item);
  }
  const previous = asMap(held);
  const result: HeldAddress[] = [];
  for (const [key, item] of owners) {
    const address = previous.get(key);
    if (address !== undefined) result.push({ ...item, address });
  }
  const fresh = [...owners.values()].filter((item) => !previous.has(addressKey(item.cluster, item.host)));
  for (const item of fresh.sort((a, b) => heldOrder({ ...a, address: '' }, { ...b, address: '' }))) {
    const taken = new Set(result.filter((row) => row.cluster === item.cluster).map((row) => toInt(row.address)));
    let candidate = toInt(range.first);
    while (taken.has(candidate)) candidate++;
    if (candidate > toInt(range.last)) return 'exhausted';
    result.push({ ...item, address: [24, 16, 8, 0].map((shift) => (candidate >>> shift) & 255).join('.') });
  }
  return result.sort(heldOrder);
}
