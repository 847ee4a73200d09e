import { afterEach, expect, test } from 'vitest';
import { LeaseLostError } from '../../core/errors.js';
import { LeaseKeeper, leaseTimings, type HeldLease } from './lease-keeper.js';
import type { Fence, Lease, OperationLeases } from './operation-leases.js';

const TIMINGS = { ttlMs: 300, renewMs: 50 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases that answer renewals as the test says, and count what they were asked. */
function scriptedLeases(renew: () => Promise<boolean>) {
  const asked = { renewals: 0, releases: [] as Fence[] };
  const leases: OperationLeases = {
    acquire: async (group, holder, ttlMs) => ({ granted: { group, holder, token: 7, expiresAt: Date.now() + ttlMs } }),
    renew: async () => {
      asked.renewals += 1;
      return renew();
    },
    release: async (fence) => void asked.releases.push(fence),
    live: async () => [],
    abandoned: async () => [],
    expireAll: async () => {},
  };
  return { leases, asked };
}

const held: HeldLease[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((lease) => lease.release()));
});

async function take(leases: OperationLeases, timings = TIMINGS): Promise<HeldLease> {
  const taken = await new LeaseKeeper(leases, 'me', timings).take('intents/g');
  if (!('held' in taken)) throw new Error('not granted');
  held.push(taken.held);
  return taken.held;
}

test('a held lease is renewed in the background until released, then given up with its fence', async () => {
  const { leases, asked } = scriptedLeases(async () => true);
  const lease = await take(leases);
  expect(lease.fence).toEqual({ group: 'intents/g', token: 7 });
  await sleep(400);
  expect(asked.renewals).toBeGreaterThanOrEqual(3);
  expect(lease.isLost).toBe(false);
  lease.check();
  await lease.release();
  await lease.release();
  const renewals = asked.renewals;
  await sleep(150);
  expect(asked.renewals).toBe(renewals);
  expect(asked.releases).toEqual([{ group: 'intents/g', token: 7 }]);
});

test('a renewal refused (taken over) loses the lease at once: check throws, nothing is released', async () => {
  let answer = true;
  const { leases, asked } = scriptedLeases(async () => answer);
  const lease = await take(leases);
  await sleep(120);
  answer = false;
  await sleep(120);
  expect(lease.isLost).toBe(true);
  expect(() => lease.check()).toThrow(LeaseLostError);
  await lease.release();
  expect(asked.releases).toEqual([]);
});

test('renewals that fail (database away) lose the lease before it could expire for the others, not sooner', async () => {
  let failing = false;
  const { leases } = scriptedLeases(async () => {
    if (failing) throw new Error('connection refused');
    return true;
  });
  const timings = { ttlMs: 1_000, renewMs: 50 };
  const lease = await take(leases, timings);
  failing = true;
  await sleep(150);
  expect(lease.isLost).toBe(false);
  await sleep(timings.ttlMs);
  expect(lease.isLost).toBe(true);
});

test('a lease held by another is answered as such', async () => {
  const holder: Lease = { group: 'intents/g', holder: 'them', token: 3, expiresAt: 1 };
  const { leases } = scriptedLeases(async () => true);
  leases.acquire = async () => ({ heldBy: holder });
  expect(await new LeaseKeeper(leases, 'me').take('intents/g')).toEqual({ heldBy: holder });
});

test('lease timings: renewed three times a life', () => {
  expect(leaseTimings(15)).toEqual({ ttlMs: 15_000, renewMs: 5_000 });
  expect(leaseTimings(3)).toEqual({ ttlMs: 3_000, renewMs: 1_000 });
});
