/**
 * This process's side of the operation leases (`operation-leases.ts`): taking a
 * group's lease, renewing it in the background while the work runs, and giving it
 * up. A holder that cannot renew (the database unreachable) for most of the lease's
 * life marks it lost before another replica could take it over, so the work stops
 * on its own side too; the fencing token refuses its writes in any case.
 */
import { LeaseLostError } from '../../core/errors.js';
import type { Fence, Lease, OperationLeases } from './operation-leases.js';

export interface LeaseTimings {
  /** How long a lease lives without renewal: the bound on failover after a replica dies. */
  ttlMs: number;
  /** How often a held lease is renewed (and abandoned leases looked for). */
  renewMs: number;
}

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { ttlMs: 15_000, renewMs: 5_000 };

/** Timings for a lease of `ttlSeconds`: renewed three times in its life. */
export function leaseTimings(ttlSeconds: number): LeaseTimings {
  const ttlMs = ttlSeconds * 1000;
  return { ttlMs, renewMs: Math.max(100, Math.floor(ttlMs / 3)) };
}

/** What an operation needs of its lease: the fence its writes carry, and a way to stop once it is gone. */
export interface OperationGuard {
  readonly fence: Fence;
  /** Throws `LeaseLostError` once the lease is lost. */
  check(): void;
}

export class HeldLease implements OperationGuard {
  readonly fence: Fence;
  private lost = false;
  private released = false;
  /** When the last renewal that succeeded was sent, on this process's monotonic clock. */
  private renewedAt = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly leases: OperationLeases,
    readonly lease: Lease,
    private readonly timings: LeaseTimings,
  ) {
    this.fence = { group: lease.group, token: lease.token };
    this.timer = setInterval(() => void this.renew(), timings.renewMs);
    this.timer.unref();
  }

  get isLost(): boolean {
    return this.lost;
  }

  check(): void {
    if (this.lost) throw new LeaseLostError(`the operation of ${this.fence.group} lost its lease; it stops here`);
  }

  private async renew(): Promise<void> {
    if (this.lost || this.released) return;
    const sentAt = performance.now();
    try {
      if (await this.leases.renew(this.fence, this.timings.ttlMs)) this.renewedAt = sentAt;
      else this.markLost();
    } catch {
      // The database did not answer; give up before the lease could have expired for the others.
      if (performance.now() - this.renewedAt > this.timings.ttlMs - this.timings.renewMs) this.markLost();
    }
  }

  private markLost(): void {
    this.lost = true;
    clearInterval(this.timer);
  }

  /** Stops renewing and gives the lease up (when still held), so another may take it at once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    if (!this.lost) await this.leases.release(this.fence);
  }
}

export class LeaseKeeper {
  constructor(
    readonly leases: OperationLeases,
    /** This process among the replicas: host, pid and a random part. */
    readonly holder: string,
    readonly timings: LeaseTimings = DEFAULT_LEASE_TIMINGS,
  ) {}

  /** The group's lease, renewed until released; or who holds it now. */
  async take(group: string): Promise<{ held: HeldLease } | { heldBy: Lease }> {
    const result = await this.leases.acquire(group, this.holder, this.timings.ttlMs);
    if ('heldBy' in result) return result;
    return { held: new HeldLease(this.leases, result.granted, this.timings) };
  }
}
