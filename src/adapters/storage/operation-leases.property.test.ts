/**
 * Leases and fencing against a model: random sequences of acquire, renew, release and
 * fenced writes by three holders on two groups, with the clock moving in between, run
 * on SQLite (the lease adapter and the deploy records over one database, the clock
 * the test's, moving in steps that land exactly on expiries often) and on a plain in-memory model of what the port promises. Every answer
 * must match the model's, and whatever happens: at most one live holder per group,
 * tokens only grow, and a write is taken only under the group's current lease.
 */
import SqliteDatabase from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { expect, test } from 'vitest';
import { LeaseLostError } from '../../core/errors.js';
import { testKeyring } from '../../test-support/keys.js';
import { createKyselyDeployRecords } from './deploy-records.js';
import { migrateToLatest } from './migrations.js';
import { createKyselyOperationLeases } from './operation-leases.js';
import type { Database } from './schema.js';
import { RowSealing } from './sealing/sealed-rows.js';
import { Sealer } from './sealing/sealer.js';

const GROUPS = ['intents/g0', 'intents/g1'];
const HOLDERS = ['replica-0', 'replica-1', 'replica-2'];

type Step =
  | { op: 'acquire' | 'renew'; holder: number; group: number; ttl: number }
  | { op: 'release' | 'write'; holder: number; group: number }
  | { op: 'tick'; ms: number };

const who = { holder: fc.nat(HOLDERS.length - 1), group: fc.nat(GROUPS.length - 1) };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constantFrom('acquire' as const, 'renew' as const),
    ...who,
    ttl: fc.constantFrom(5, 10, 20),
  }),
  fc.record({ op: fc.constantFrom('release' as const, 'write' as const), ...who }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.constantFrom(0, 5, 10, 25) }),
);

interface ModelLease {
  holder: string | null;
  token: number;
  expiresAt: number;
}

/** The port's promises, in memory. */
class Model {
  now = 1_000_000;
  readonly leases = new Map<string, ModelLease>();

  acquire(group: string, holder: string, ttl: number): { granted: number } | { heldBy: string } {
    const current = this.leases.get(group);
    if (current && current.holder !== null && current.expiresAt > this.now) return { heldBy: current.holder };
    const token = (current?.token ?? 0) + 1;
    this.leases.set(group, { holder, token, expiresAt: this.now + ttl });
    return { granted: token };
  }

  current(group: string, token: number): ModelLease | undefined {
    const lease = this.leases.get(group);
    return lease && lease.holder !== null && lease.token === token ? lease : undefined;
  }

  renew(group: string, token: number, ttl: number): boolean {
    const lease = this.current(group, token);
    if (lease) lease.expiresAt = this.now + ttl;
    return lease !== undefined;
  }

  release(group: string, token: number): void {
    const lease = this.leases.get(group);
    if (lease?.token === token) Object.assign(lease, { holder: null, expiresAt: 0 });
  }

  live(): string[] {
    return [...this.leases]
      .filter(([, lease]) => lease.holder !== null && lease.expiresAt > this.now)
      .map(([group, lease]) => `${group} ${lease.holder}`)
      .sort();
  }
}

async function realWorld(model: Model) {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
  await migrateToLatest(db, 'sqlite');
  return {
    db,
    leases: createKyselyOperationLeases(db, 'sqlite', () => model.now),
    records: createKyselyDeployRecords(db, 'sqlite', new RowSealing(new Sealer(testKeyring))),
  };
}

test('leases and fenced writes behave as the model says, whatever the order of events', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const model = new Model();
      const { db, leases, records } = await realWorld(model);
      /** The last token each holder was granted, per group. */
      const tokens = new Map<string, number>();
      const highest = new Map<string, number>();
      let writes = 0;
      try {
        for (const next of steps) {
          if (next.op === 'tick') {
            model.now += next.ms;
            continue;
          }
          const group = GROUPS[next.group] as string;
          const holder = HOLDERS[next.holder] as string;
          const mine = `${holder} ${group}`;
          const token = tokens.get(mine) ?? 0;
          if (next.op === 'acquire') {
            const expected = model.acquire(group, holder, next.ttl);
            const actual = await leases.acquire(group, holder, next.ttl);
            if ('granted' in expected) {
              expect(actual).toEqual({
                granted: { group, holder, token: expected.granted, expiresAt: model.now + next.ttl },
              });
              expect(expected.granted).toBeGreaterThan(highest.get(group) ?? 0);
              highest.set(group, expected.granted);
              tokens.set(mine, expected.granted);
            } else {
              expect(actual).toMatchObject({ heldBy: { group, holder: expected.heldBy } });
            }
          } else if (next.op === 'renew') {
            expect(await leases.renew({ group, token }, next.ttl)).toBe(model.renew(group, token, next.ttl));
          } else if (next.op === 'release') {
            await leases.release({ group, token });
            model.release(group, token);
          } else {
            const allowed = model.current(group, token) !== undefined;
            const body = { writer: holder, write: ++writes };
            const written = records.write([{ group, key: 'group', body }], { group, token });
            if (allowed) await written;
            else await expect(written).rejects.toBeInstanceOf(LeaseLostError);
            if (allowed) expect((await records.get(group, 'group'))?.body).toEqual(body);
          }
          const live = (await leases.live()).map((lease) => `${lease.group} ${lease.holder}`);
          expect(live).toEqual(model.live());
          // At most one live holder per group.
          expect(new Set(live.map((entry) => entry.split(' ')[0])).size).toBe(live.length);
        }
      } finally {
        await db.destroy();
      }
    }),
    { numRuns: 150 },
  );
}, 120_000);
