/**
 * What every `OperationLeases` adapter must do, with the fencing of `DeployRecords`
 * writes that rests on it, as one vitest suite. Adapter test files call
 * `describeOperationLeasesContract` with a function that creates a fresh, empty
 * database and returns `open`, which opens that same database again on every call
 * (a second `open` stands for a second replica). Expiry runs on the database's clock,
 * so the tests wait real (short) times.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LeaseLostError } from '../../core/errors.js';
import type { Lease, OperationLeases } from '../../service/deploy/operation-leases.js';
import type { OpenedDatabase } from './database.js';

const group = 'intents/projects/demo/composite-apps/shop/v1/deployment-intent-groups/prod';
const other = 'intents/projects/demo/composite-apps/shop/v1/deployment-intent-groups/test';
const LONG = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function granted(result: { granted: Lease } | { heldBy: Lease }): Lease {
  if (!('granted' in result)) throw new Error(`expected the lease, but ${result.heldBy.holder} holds it`);
  return result.granted;
}

export function describeOperationLeasesContract(name: string, fresh: () => Promise<() => Promise<OpenedDatabase>>) {
  describe(`OperationLeases contract: ${name}`, () => {
    let open: () => Promise<OpenedDatabase>;
    let opened: OpenedDatabase[];
    let leases: OperationLeases;
    let database: OpenedDatabase;
    const reopen = async (): Promise<OpenedDatabase> => {
      const next = await open();
      opened.push(next);
      return next;
    };

    beforeEach(async () => {
      opened = [];
      open = await fresh();
      database = await reopen();
      leases = database.leases;
    });
    afterEach(async () => {
      await Promise.all(opened.map((each) => each.close()));
    });

    test('a free lease is granted with a token and an expiry on the database clock; held, it is refused to everyone', async () => {
      const before = Date.now();
      const lease = granted(await leases.acquire(group, 'replica-a', LONG));
      expect(lease).toMatchObject({ group, holder: 'replica-a' });
      expect(Number.isSafeInteger(lease.token)).toBe(true);
      // The database's clock and this process's are the same machine's here.
      expect(lease.expiresAt).toBeGreaterThanOrEqual(before + LONG - 1_000);
      expect(lease.expiresAt).toBeLessThanOrEqual(Date.now() + LONG + 1_000);
      expect(await leases.acquire(group, 'replica-b', LONG)).toEqual({ heldBy: lease });
      expect(await leases.acquire(group, 'replica-a', LONG)).toEqual({ heldBy: lease });
      // Another group's lease is another matter.
      expect(granted(await leases.acquire(other, 'replica-b', LONG)).holder).toBe('replica-b');
      expect((await leases.live()).map((live) => [live.group, live.holder])).toEqual([
        [group, 'replica-a'],
        [other, 'replica-b'],
      ]);
    });

    test('released, the lease goes to the next with a higher token; the old holder can neither renew nor release it', async () => {
      const first = granted(await leases.acquire(group, 'replica-a', LONG));
      await leases.release(first);
      expect(await leases.live()).toEqual([]);
      expect(await leases.abandoned()).toEqual([]);
      const second = granted(await leases.acquire(group, 'replica-b', LONG));
      expect(second.token).toBeGreaterThan(first.token);
      expect(await leases.renew(first, LONG)).toBe(false);
      await leases.release(first);
      expect(await leases.acquire(group, 'replica-a', LONG)).toEqual({ heldBy: second });
    });

    test('an expired lease is abandoned until someone takes it over, with a higher token', async () => {
      const first = granted(await leases.acquire(group, 'replica-a', 150));
      expect(await leases.abandoned()).toEqual([]);
      await sleep(300);
      expect(await leases.live()).toEqual([]);
      expect(await leases.abandoned()).toEqual([group]);
      const second = granted(await leases.acquire(group, 'replica-b', LONG));
      expect(second.token).toBeGreaterThan(first.token);
      expect(await leases.abandoned()).toEqual([]);
      expect(await leases.renew(first, LONG)).toBe(false);
    });

    test('renewing keeps the lease past its first expiry; an expired lease nobody took can still be renewed', async () => {
      const lease = granted(await leases.acquire(group, 'replica-a', 400));
      for (let step = 0; step < 4; step++) {
        await sleep(150);
        expect(await leases.renew(lease, 400)).toBe(true);
      }
      expect('heldBy' in (await leases.acquire(group, 'replica-b', LONG))).toBe(true);
      await sleep(550);
      expect(await leases.renew(lease, LONG)).toBe(true);
      expect(await leases.acquire(group, 'replica-b', LONG)).toMatchObject({ heldBy: { holder: 'replica-a' } });
    });

    test('a fenced write succeeds while its lease is current and is refused whole once the lease changed hands', async () => {
      const records = database.deployRecords;
      const first = granted(await leases.acquire(group, 'replica-a', 100));
      await records.write([{ group, key: 'group', body: { by: 'a', step: 1 } }], first);
      await sleep(250);
      // Expired but not taken: still the only writer.
      await records.write([{ group, key: 'group', body: { by: 'a', step: 2 } }], first);
      const second = granted(await leases.acquire(group, 'replica-b', LONG));
      const stale = records.write(
        [
          { group, key: 'cluster/c1', body: { by: 'a' } },
          { group, key: 'group', body: { by: 'a', step: 3 } },
        ],
        first,
      );
      await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
      expect((await records.list(group, '')).map((record) => [record.key, record.body])).toEqual([
        ['group', { by: 'a', step: 2 }],
      ]);
      await records.write([{ group, key: 'group', body: { by: 'b' } }], second);
      // Unfenced writes (a request outside any operation) are not the lease's business.
      await records.write([{ group, key: 'note', body: 1 }]);
      await leases.release(second);
      await expect(records.write([{ group, key: 'group', body: 'late' }], second)).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(
        records.write([{ group: other, key: 'group', body: 'x' }], { group: other, token: 1 }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect((await records.get(group, 'group'))?.body).toEqual({ by: 'b' });
    });

    test('of many racing for one lease, from several connections (replicas), exactly one wins', async () => {
      const replicas = [database, await reopen(), await reopen()];
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          replicas[index % replicas.length]!.leases.acquire(group, `replica-${index}`, LONG),
        ),
      );
      const winners = results.filter((result) => 'granted' in result);
      expect(winners).toHaveLength(1);
      const [winner] = winners as { granted: Lease }[];
      for (const result of results) if ('heldBy' in result) expect(result.heldBy).toEqual(winner?.granted);
    });

    test('tokens keep growing across reopening, and expireAll ends every lease', async () => {
      const first = granted(await leases.acquire(group, 'replica-a', LONG));
      await leases.release(first);
      const again = (await reopen()).leases;
      const second = granted(await again.acquire(group, 'replica-b', LONG));
      expect(second.token).toBeGreaterThan(first.token);
      granted(await again.acquire(other, 'replica-b', LONG));
      await again.expireAll();
      expect(await again.live()).toEqual([]);
      expect(await again.abandoned()).toEqual([group, other]);
      const third = granted(await leases.acquire(group, 'replica-c', LONG));
      expect(third.token).toBeGreaterThan(second.token);
    });
  });
}
