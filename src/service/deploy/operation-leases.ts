/**
 * The storage port for operation leases: which meshbridge process (replica) may run
 * a group's operation now. One lease per group, held by one holder until it expires
 * (the holder renews it while it works) or is released. Every grant gets a fencing
 * token higher than any earlier one of the group, and every write of the operation's
 * records names the token it was granted (`DeployRecords.write`'s `fence`): once
 * another holder has taken the lease over, the old holder's writes are refused.
 *
 * Expiry is measured on the database's clock, so replicas with skewed clocks agree
 * on it. Adapters: `adapters/storage/operation-leases.ts` (SQLite and PostgreSQL),
 * one contract suite (`operation-leases-contract.ts`) for both.
 */

export interface Lease {
  group: string;
  holder: string;
  /** Grows with every grant of this group's lease, never reused. */
  token: number;
  /** Milliseconds since the epoch, on the database's clock. */
  expiresAt: number;
}

/** What a write of an operation's records must prove: the lease it runs under is still current. */
export interface Fence {
  group: string;
  token: number;
}

export interface OperationLeases {
  /**
   * Grants the group's lease to `holder` for `ttlMs` when nobody holds it (never
   * held, released or expired), with a new token; otherwise answers who holds it.
   * A holder asking again while its own lease is live is refused like anyone else:
   * one lease stands for one piece of work.
   */
  acquire(group: string, holder: string, ttlMs: number): Promise<{ granted: Lease } | { heldBy: Lease }>;
  /** Extends the lease by `ttlMs` from now while its token is current; false once it was taken over or released. */
  renew(lease: Fence, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (if its token is still current), so another may take it at once. */
  release(lease: Fence): Promise<void>;
  /** Live leases, by group: who runs what now. */
  live(): Promise<Lease[]>;
  /** Groups whose lease expired without being released: their holder stopped mid-work. */
  abandoned(): Promise<string[]>;
  /** Ends every lease now. Only for a database no other process can reach (SQLite behind its process lock). */
  expireAll(): Promise<void>;
}
