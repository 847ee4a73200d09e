/**
 * Operation leases (`service/deploy/operation-leases.ts`) over either dialect: one row
 * per group, taken and renewed by single conditional statements, so two replicas
 * racing for one lease are ordered by the row lock (PostgreSQL) or the one writer
 * (SQLite) and exactly one of them wins.
 *
 * A released lease keeps its row (holder NULL) so the next grant's token is still
 * higher than every earlier one. Times are read from the database's clock
 * (`clock_timestamp()` on PostgreSQL, `julianday('now')` on SQLite), never from the
 * replicas', unless a test passes its own clock.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { LeaseLostError } from '../../core/errors.js';
import type { Fence, Lease, OperationLeases } from '../../service/deploy/operation-leases.js';
import type { Database, OperationLeasesTable, SqlDialect } from './schema.js';

/** Where "now" comes from: the database (production), or a test's clock in milliseconds. */
export type LeaseClock = 'database' | (() => number);

/** How often `acquire` looks again when the lease it found held was released while it looked. */
const acquireAttempts = 3;

export function createKyselyOperationLeases(
  db: Kysely<Database>,
  dialect: SqlDialect,
  clock: LeaseClock = 'database',
): OperationLeases {
  return new KyselyOperationLeases(db, dialect, clock);
}

function toLease(row: OperationLeasesTable): Lease {
  return {
    group: row.group_key,
    holder: row.holder ?? '',
    token: Number(row.token),
    expiresAt: Number(row.expires_at),
  };
}

class KyselyOperationLeases implements OperationLeases {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    private readonly clock: LeaseClock,
  ) {}

  /** Now plus `offsetMs`, in milliseconds, as an SQL bigint expression. */
  private at(offsetMs: number): RawBuilder<number> {
    if (this.clock !== 'database') return sql<number>`cast(${this.clock() + offsetMs} as bigint)`;
    const now =
      this.dialect === 'postgres'
        ? sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`
        : sql`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
    return sql<number>`(${now} + cast(${offsetMs} as bigint))`;
  }

  async acquire(group: string, holder: string, ttlMs: number): Promise<{ granted: Lease } | { heldBy: Lease }> {
    for (let attempt = 1; ; attempt++) {
      const granted = await sql<OperationLeasesTable>`
        insert into operation_leases (group_key, holder, token, expires_at)
        values (${group}, ${holder}, 1, ${this.at(ttlMs)})
        on conflict (group_key) do update
          set holder = excluded.holder, token = operation_leases.token + 1, expires_at = excluded.expires_at
          where operation_leases.holder is null or operation_leases.expires_at <= ${this.at(0)}
        returning group_key, holder, token, expires_at`.execute(this.db);
      const row = granted.rows[0];
      if (row) return { granted: toLease(row) };
      const held = await this.db
        .selectFrom('operation_leases')
        .selectAll()
        .where('group_key', '=', group)
        .where('holder', 'is not', null)
        .where('expires_at', '>', this.at(0))
        .executeTakeFirst();
      if (held) return { heldBy: toLease(held) };
      // Released or expired between the two statements: try again.
      if (attempt >= acquireAttempts) throw new Error(`the lease of ${group} changed hands ${attempt} times in a row`);
    }
  }

  async renew(lease: Fence, ttlMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('operation_leases')
      .set({ expires_at: this.at(ttlMs) })
      .where('group_key', '=', lease.group)
      .where('token', '=', lease.token)
      .where('holder', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(lease: Fence): Promise<void> {
    await this.db
      .updateTable('operation_leases')
      .set({ holder: null, expires_at: 0 })
      .where('group_key', '=', lease.group)
      .where('token', '=', lease.token)
      .execute();
  }

  async live(): Promise<Lease[]> {
    const rows = await this.db
      .selectFrom('operation_leases')
      .selectAll()
      .where('holder', 'is not', null)
      .where('expires_at', '>', this.at(0))
      .orderBy('group_key')
      .execute();
    return rows.map(toLease);
  }

  async abandoned(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('operation_leases')
      .select('group_key')
      .where('holder', 'is not', null)
      .where('expires_at', '<=', this.at(0))
      .orderBy('group_key')
      .execute();
    return rows.map((row) => row.group_key);
  }

  async expireAll(): Promise<void> {
    await this.db.updateTable('operation_leases').set({ expires_at: 0 }).where('holder', 'is not', null).execute();
  }
}

/**
 * Inside a write transaction: refuses the write unless `fence` is the group's current
 * lease. On PostgreSQL the row is share-locked, so a takeover (which updates it) waits
 * for this write to commit, and a write that waited for a takeover sees its new token.
 * Expiry alone does not refuse: until someone takes the lease over, its holder is
 * still the only writer.
 */
export async function checkFence(tx: Transaction<Database>, dialect: SqlDialect, fence: Fence): Promise<void> {
  const lock = dialect === 'postgres' ? sql` for share` : sql``;
  const { rows } = await sql<Pick<OperationLeasesTable, 'holder' | 'token'>>`
    select holder, token from operation_leases where group_key = ${fence.group}${lock}`.execute(tx);
  const current = rows[0];
  if (current === undefined || current.holder === null || Number(current.token) !== fence.token) {
    throw new LeaseLostError(
      `the operation of ${fence.group} no longer holds its lease (token ${fence.token}); another meshbridge took it over`,
    );
  }
}
