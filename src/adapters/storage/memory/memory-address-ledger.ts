/**
 * The virtual-IP ledger port in memory (offline rendering): the same plan as the
 * database ledger (`address-plan.ts`), applied to a map. Syncs are synchronous
 * once the plan is made, so they never interleave.
 */
import { addressKey, DEFAULT_ADDRESS_RANGE } from '../../../service/address-ledger.js';
import type { AddressClaim, AddressLedger, AddressRange, HeldAddress } from '../../../service/address-ledger.js';
import { compareCodePoints, distinctClaims, planSync, type LedgerRow } from '../address-plan.js';
import type { Changes } from '../../../service/store.js';
import { parseIpv4Range } from '../ipv4.js';

/** `counts` is the in-memory store's (`createMemoryStore`): a sync that changes a row moves `addresses`. */
export function createMemoryAddressLedger(counts: Changes = { resources: 0, addresses: 0 }): AddressLedger {
  const rows = new Map<string, LedgerRow>();
  return {
    async sync(claims: readonly AddressClaim[], range: AddressRange = DEFAULT_ADDRESS_RANGE) {
      const bounds = parseIpv4Range(range);
      const plan = planSync([...rows.values()], distinctClaims(claims), range, bounds, new Date().toISOString());
      for (const row of plan.remove) rows.delete(addressKey(row.cluster, row.host));
      for (const row of plan.insert) rows.set(addressKey(row.cluster, row.host), row);
      if (plan.remove.length > 0 || plan.insert.length > 0) counts.addresses++;
      return plan.addresses;
    },
    async list(cluster?: string): Promise<HeldAddress[]> {
      return [...rows.values()]
        .filter((row) => cluster === undefined || row.cluster === cluster)
        .sort((a, b) => compareCodePoints(a.cluster, b.cluster) || compareCodePoints(a.host, b.host))
        .map(({ cluster: rowCluster, host, owner, address }) => ({ cluster: rowCluster, host, owner, address }));
    },
  };
}
