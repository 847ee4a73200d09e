/**
 * The virtual-IP ledger port. A client cluster reaches each remote service through a
 * ServiceEntry with its own address from 240.0.0.0/4; Istio requires it to be unique
 * within the cluster. The ledger keeps every address in the database, so it is
 * unique per cluster across every project and group, stable across renders and
 * restarts, and never handed out twice while in use.
 */

/** A client cluster needs an address for a host, because `owner` (an intent's key) calls it. */
export interface AddressClaim {
  /** The cluster's storage key: `cluster-providers/edge/clusters/cluster01`. */
  cluster: string;
  host: string;
  owner: string;
}

export interface HeldAddress extends AddressClaim {
  address: string;
}

/** An inclusive IPv4 range addresses are taken from, e.g. 240.0.0.1–240.239.255.254. */
export interface AddressRange {
  first: string;
  last: string;
}

/**
 * Istio's own automatic allocation uses 240.240.0.0/16; meshbridge stays below it,
 * from 240.0.0.1, so the two never collide.
 */
export const DEFAULT_ADDRESS_RANGE: AddressRange = { first: '240.0.0.1', last: '240.239.255.254' };

export function addressKey(cluster: string, host: string): string {
  return `${cluster}\u0000${host}`;
}

export interface AddressLedger {
  /**
   * In one transaction: every claim keeps the address it already holds; a new
   * claim gets the lowest free address of its cluster in `range` (claims are
   * served in (cluster, host) order, so the result does not depend on their order);
   * every address no longer claimed is released. Returns `addressKey(cluster, host)`
   * → address. Throws `AddressesExhaustedError` naming the cluster when its range
   * is full, and then changes nothing.
   */
  sync(claims: readonly AddressClaim[], range?: AddressRange): Promise<Map<string, string>>;
  list(cluster?: string): Promise<HeldAddress[]>;
}
