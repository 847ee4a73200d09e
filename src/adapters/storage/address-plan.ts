/**
 * What one ledger sync changes, worked out in memory from the rows the database
 * holds and the claims of the whole fleet, before anything is written. Linear in
 * rows and claims apart from sorting: maps and sets for lookups, and one merge of
 * sorted lists per cluster to find the lowest free addresses.
 */
import { ExhaustedError } from '../../core/errors.js';
import { addressKey } from '../../service/address-ledger.js';
import type { AddressClaim, AddressRange, HeldAddress } from '../../service/address-ledger.js';
import { describeRange, formatIpv4, parseIpv4 } from './ipv4.js';
import type { Ipv4Bounds } from './ipv4.js';

export interface LedgerRow extends HeldAddress {
  allocatedAt: string;
}

export interface SyncPlan {
  /** Rows to delete: released ones, and kept ones whose owner changed (they come back in `insert`). */
  remove: LedgerRow[];
  insert: LedgerRow[];
  /** `addressKey(cluster, host)` → address, for every distinct claim, in (cluster, host) order. */
  addresses: Map<string, string>;
}

/**
 * Compares as the database's byte-wise collation does (UTF-8 bytes order like code
 * points), not as `<` does (UTF-16 code units put U+E000–U+FFFF after astral characters).
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return codePointRank(left) - codePointRank(right);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/**
 * The claims sorted by (cluster, host, owner), one per (cluster, host): a duplicate
 * shares the address of the first, whose owner (the least) is the one recorded.
 */
export function distinctClaims(claims: readonly AddressClaim[]): AddressClaim[] {
  const sorted = [...claims].sort(
    (a, b) =>
      compareCodePoints(a.cluster, b.cluster) ||
      compareCodePoints(a.host, b.host) ||
      compareCodePoints(a.owner, b.owner),
  );
  const distinct: AddressClaim[] = [];
  let previous: AddressClaim | undefined;
  for (const { cluster, host, owner } of sorted) {
    if (previous === undefined || previous.cluster !== cluster || previous.host !== host) {
      previous = { cluster, host, owner };
      distinct.push(previous);
    }
  }
  return distinct;
}

/**
 * Plans a sync of `claims` (from `distinctClaims`) against `held`. Throws
 * `ExhaustedError` for the first cluster, in order, whose range cannot serve its new claims.
 */
export function planSync(
  held: readonly LedgerRow[],
  claims: readonly AddressClaim[],
  range: AddressRange,
  bounds: Ipv4Bounds,
  now: string,
): SyncPlan {
  const claimed = new Map(claims.map((claim) => [addressKey(claim.cluster, claim.host), claim]));
  const kept = new Map<string, string>();
  const used = new Map<string, number[]>();
  const remove: LedgerRow[] = [];
  const insert: LedgerRow[] = [];
  for (const row of held) {
    const key = addressKey(row.cluster, row.host);
    const claim = claimed.get(key);
    if (claim === undefined) {
      remove.push(row);
      continue;
    }
    kept.set(key, row.address);
    const value = parseIpv4(row.address);
    if (value !== undefined) listIn(used, row.cluster).push(value);
    if (claim.owner !== row.owner) {
      remove.push(row);
      insert.push({ ...row, owner: claim.owner });
    }
  }
  const fresh = claims.filter((claim) => !kept.has(addressKey(claim.cluster, claim.host)));
  for (const [cluster, group] of groupByCluster(fresh)) {
    const values = allocate(cluster, group.length, used.get(cluster) ?? [], range, bounds);
    group.forEach((claim, index) => {
      const address = formatIpv4(values[index] ?? Number.NaN);
      kept.set(addressKey(claim.cluster, claim.host), address);
      insert.push({ ...claim, address, allocatedAt: now });
    });
  }
  const addresses = new Map<string, string>();
  for (const key of claimed.keys()) addresses.set(key, kept.get(key) ?? '');
  return { remove, insert, addresses };
}

function listIn(map: Map<string, number[]>, cluster: string): number[] {
  let list = map.get(cluster);
  if (list === undefined) {
    list = [];
    map.set(cluster, list);
  }
  return list;
}

/** Consecutive runs of one cluster; `claims` is sorted by cluster. */
function groupByCluster(claims: readonly AddressClaim[]): Map<string, AddressClaim[]> {
  const groups = new Map<string, AddressClaim[]>();
  for (const claim of claims) {
    const group = groups.get(claim.cluster);
    if (group === undefined) groups.set(claim.cluster, [claim]);
    else group.push(claim);
  }
  return groups;
}

/**
 * The `count` lowest addresses of `bounds` not in `taken`. Held addresses outside the
 * range (it may have been narrowed since) stay held and take nothing from it.
 */
function allocate(
  cluster: string,
  count: number,
  taken: readonly number[],
  range: AddressRange,
  bounds: Ipv4Bounds,
): number[] {
  const inRange = taken.filter((value) => value >= bounds.first && value <= bounds.last).sort((a, b) => a - b);
  const size = bounds.last - bounds.first + 1;
  const needed = inRange.length + count;
  if (needed > size) {
    throw new ExhaustedError(
      `no virtual address left for cluster ${cluster}: its range ${describeRange(range)} has ${size} ` +
        `address${size === 1 ? '' : 'es'} and it needs ${needed}`,
    );
  }
  const values: number[] = [];
  let candidate = bounds.first;
  let next = 0;
  while (values.length < count) {
    while (next < inRange.length && (inRange[next] ?? Infinity) <= candidate) {
      if (inRange[next] === candidate) candidate++;
      next++;
    }
    values.push(candidate);
    candidate++;
  }
  return values;
}
