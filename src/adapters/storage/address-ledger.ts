/**
 * The one implementation of the virtual-IP ledger port over either dialect: a sync
 * reads every held row, plans in memory (`address-plan.ts`) and writes the
 * difference in batches, all in one transaction that serialises with every other
 * sync. A sync that cannot be served throws before writing anything.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_ADDRESS_RANGE } from '../../service/address-ledger.js';
import type { AddressClaim, AddressLedger, AddressRange, HeldAddress } from '../../service/address-ledger.js';
import { distinctClaims, planSync } from './address-plan.js';
import { bumpSequence } from './change-sequences.js';
import type { LedgerRow } from './address-plan.js';
import { parseIpv4Range } from './ipv4.js';
import type { Database, SqlDialect, VirtualIpsTable } from './schema.js';

/** Rows per INSERT (5 parameters each) and hosts per DELETE: well inside both databases' parameter limits. */
const batchSize = 500;

export function createKyselyAddressLedger(db: Kysely<Database>, dialect: SqlDialect): AddressLedger {
  return new KyselyAddressLedger(db, dialect);
}

class KyselyAddressLedger implements AddressLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async sync(
    claims: readonly AddressClaim[],
    range: AddressRange = DEFAULT_ADDRESS_RANGE,
  ): Promise<Map<string, string>> {
    const bounds = parseIpv4Range(range);
    const wanted = distinctClaims(claims);
    const unchanged = await this.unchanged(wanted, range, bounds);
    if (unchanged !== undefined) return unchanged;
    return this.db.transaction().execute(async (tx) => {
      await this.lock(tx);
      const held = await tx.selectFrom('virtual_ips').selectAll().execute();
      const plan = planSync(held.map(toLedgerRow), wanted, range, bounds, new Date().toISOString());
      if (plan.remove.length === 0 && plan.insert.length === 0) return plan.addresses;
      await removeRows(tx, plan.remove);
      await insertRows(tx, plan.insert);
      await bumpSequence(tx, 'addresses');
      return plan.addresses;
    });
  }

  /**
   * The addresses, when the rows already held are exactly the claims (no address to give, release or
   * re-own): read in one statement, without the lock or a write. That sync is the same as one that
   * took its turn at the moment of the read. Undefined when something would change (or the range is full).
   */
  private async unchanged(
    wanted: AddressClaim[],
    range: AddressRange,
    bounds: ReturnType<typeof parseIpv4Range>,
  ): Promise<Map<string, string> | undefined> {
    const held = await this.db.selectFrom('virtual_ips').selectAll().execute();
    if (held.length !== wanted.length) return undefined;
    try {
      const plan = planSync(held.map(toLedgerRow), wanted, range, bounds, new Date().toISOString());
      return plan.remove.length === 0 && plan.insert.length === 0 ? plan.addresses : undefined;
    } catch {
      return undefined;
    }
  }

  async list(cluster?: string): Promise<HeldAddress[]> {
    let query = this.db.selectFrom('virtual_ips').select(['cluster', 'host', 'owner', 'address']);
    if (cluster !== undefined) query = query.where('cluster', '=', cluster);
    return query.orderBy('cluster').orderBy('host').execute();
  }

  /**
   * Syncs take turns. On SQLite every transaction begins IMMEDIATE (`sqlite.ts`), so
   * it already holds the write lock; on PostgreSQL EXCLUSIVE mode shuts out other
   * writers of the table (and other syncs) until commit while reads carry on.
   */
  private async lock(tx: Transaction<Database>): Promise<void> {
    if (this.dialect === 'postgres') await sql`lock table virtual_ips in exclusive mode`.execute(tx);
  }
}

function toLedgerRow(row: VirtualIpsTable): LedgerRow {
  return {
    cluster: row.cluster,
    host: row.host,
    owner: row.owner,
    address: row.address,
    allocatedAt: row.allocated_at,
  };
}

/** Deletes by cluster and a batch of its hosts; `rows` may come in any order. */
async function removeRows(tx: Transaction<Database>, rows: readonly LedgerRow[]): Promise<void> {
  const hostsByCluster = new Map<string, string[]>();
  for (const { cluster, host } of rows) {
    const hosts = hostsByCluster.get(cluster);
    if (hosts === undefined) hostsByCluster.set(cluster, [host]);
    else hosts.push(host);
  }
  for (const [cluster, hosts] of hostsByCluster) {
    for (const batch of batches(hosts)) {
      await tx.deleteFrom('virtual_ips').where('cluster', '=', cluster).where('host', 'in', batch).execute();
    }
  }
}

async function insertRows(tx: Transaction<Database>, rows: readonly LedgerRow[]): Promise<void> {
  for (const batch of batches(rows)) {
    await tx
      .insertInto('virtual_ips')
      .values(
        batch.map((row) => ({
          cluster: row.cluster,
          host: row.host,
          owner: row.owner,
          address: row.address,
          allocated_at: row.allocatedAt,
        })),
      )
      .execute();
  }
}

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += batchSize) yield items.slice(start, start + batchSize);
}
