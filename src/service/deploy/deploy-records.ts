/**
 * The storage port for deployment state: JSON documents filed under a group's key.
 * Adapters implement it on the same database as the resources (SQLite, PostgreSQL);
 * one contract suite (`adapters/storage/deploy-records-contract.ts`) runs on both.
 *
 * The deploy service keeps, per group, a `group` document (state, revision, the
 * running operation), one `revision/NNNNNN` document per revision (the rendered
 * objects of every cluster) and one `cluster/<cluster key>` document per cluster
 * (what is desired and applied there, per object). Records of other groups are read
 * to keep shared objects and virtual addresses alive while any group still uses them.
 *
 * A write made by a group's operation names the lease it runs under (`fence`,
 * `operation-leases.ts`): it is refused with a `LeaseLostError`, writing nothing,
 * once another holder has taken that lease over.
 */
import type { Fence } from './operation-leases.js';

export interface DeployRecord {
  /** The deployment intent group's storage key. */
  group: string;
  /** `group`, `revision/000001`, `cluster/cluster-providers/p/clusters/c`, … */
  key: string;
  body: unknown;
  updatedAt: string;
}

export interface DeployRecordWrite {
  group: string;
  key: string;
  /** `undefined` deletes the record. */
  body: unknown;
  /**
   * The hosts whose virtual addresses the record holds, kept beside the sealed body in plain text
   * (host names are no secret), so that finding every held address opens no record.
   */
  heldHosts?: readonly string[];
}

/** A record's held hosts; `undefined` for a record written before they were kept (open it to know). */
export interface HeldHosts {
  group: string;
  key: string;
  hosts: string[] | undefined;
}

export interface DeployRecords {
  get(group: string, key: string): Promise<DeployRecord | undefined>;
  /** The group's records whose key starts with `keyPrefix`, ordered by key. */
  list(group: string, keyPrefix: string): Promise<DeployRecord[]>;
  /** Every group's records whose key starts with `keyPrefix`, ordered by group then key. */
  listAll(keyPrefix: string): Promise<DeployRecord[]>;
  /** The held hosts of every group's records whose key starts with `keyPrefix`, in `listAll`'s order; no body is read. */
  listHeldHosts(keyPrefix: string): Promise<HeldHosts[]>;
  /** Writes (or deletes) every entry in one transaction: all of them or none; none when `fence` is no longer current. */
  write(entries: readonly DeployRecordWrite[], fence?: Fence): Promise<void>;
  /** Deletes every record of the group. */
  removeGroup(group: string): Promise<void>;
}
