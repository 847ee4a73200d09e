/** Typed access to a group's deployment documents in the `DeployRecords` store. */
import { NEW_GROUP } from '../../core/deploy/lifecycle.js';
import {
  clusterRecordKey,
  GROUP_RECORD_KEY,
  revisionKey,
  type ClusterRecord,
  type GroupRecord,
  type RevisionRecord,
} from '../../core/deploy/records.js';
import type { AddressClaim } from '../address-ledger.js';
import type { DeployRecords, DeployRecordWrite } from './deploy-records.js';
import type { Fence } from './operation-leases.js';

const CLUSTER_RECORD_PREFIX = clusterRecordKey('');

/** The hosts whose virtual addresses a cluster record's objects hold. */
function heldHosts(record: Partial<Pick<ClusterRecord, 'objects'>>): string[] {
  return Object.values(record.objects ?? {}).flatMap((entry) => (entry.holds ? [entry.holds.host] : []));
}

export class DeployState {
  constructor(private readonly records: DeployRecords) {}

  async group(group: string): Promise<GroupRecord> {
    const record = await this.records.get(group, GROUP_RECORD_KEY);
    return record ? (record.body as GroupRecord) : { ...NEW_GROUP };
  }

  async revision(group: string, revision: number): Promise<RevisionRecord | undefined> {
    return (await this.records.get(group, revisionKey(revision)))?.body as RevisionRecord | undefined;
  }

  /** Every revision, objects and all, oldest first. */
  async fullRevisions(group: string): Promise<RevisionRecord[]> {
    return (await this.records.list(group, 'revision/')).map((record) => record.body as RevisionRecord);
  }

  /** Every revision's number, action, time and outcome, oldest first (objects left out). */
  async revisions(group: string): Promise<Omit<RevisionRecord, 'clusters'>[]> {
    return (await this.fullRevisions(group)).map(({ clusters: _objects, ...summary }) => summary);
  }

  async clusters(group: string): Promise<ClusterRecord[]> {
    return (await this.records.list(group, 'cluster/')).map((record) => record.body as ClusterRecord);
  }

  /** Every group's record of one cluster, keyed by group. */
  async clusterAcrossGroups(cluster: string): Promise<Map<string, ClusterRecord>> {
    const key = clusterRecordKey(cluster);
    const records = await this.records.listAll(key);
    return new Map(
      records.filter((record) => record.key === key).map((record) => [record.group, record.body as ClusterRecord]),
    );
  }

  /** Groups with a running operation: what a restart must resume. */
  async groupsWithRecords(): Promise<{ group: string; record: GroupRecord }[]> {
    const records = await this.records.listAll(GROUP_RECORD_KEY);
    return records
      .filter((record) => record.key === GROUP_RECORD_KEY)
      .map((record) => ({ group: record.group, record: record.body as GroupRecord }));
  }

  /**
   * Virtual addresses that ServiceEntries on (or on their way to, or from) clusters still use. Read
   * from the records' held hosts, without opening a record: a render after any deploy write asks,
   * and opening every group's record of every cluster was most of a change's cost at 1,000 clusters.
   */
  async heldClaims(): Promise<AddressClaim[]> {
    const claims: AddressClaim[] = [];
    for (const { group, key, hosts } of await this.records.listHeldHosts(CLUSTER_RECORD_PREFIX)) {
      const cluster = key.slice(CLUSTER_RECORD_PREFIX.length);
      const held = hosts ?? heldHosts(((await this.records.get(group, key))?.body as ClusterRecord | undefined) ?? {});
      for (const host of held) claims.push({ cluster, host, owner: `deployed:${group}` });
    }
    return claims;
  }

  write(
    group: string,
    changes: { group?: GroupRecord; revision?: RevisionRecord; clusters?: ClusterRecord[]; removeClusters?: string[] },
    fence?: Fence,
  ): Promise<void> {
    const entries: DeployRecordWrite[] = [];
    if (changes.group) entries.push({ group, key: GROUP_RECORD_KEY, body: changes.group });
    if (changes.revision) entries.push({ group, key: revisionKey(changes.revision.revision), body: changes.revision });
    for (const cluster of changes.clusters ?? [])
      entries.push({ group, key: clusterRecordKey(cluster.cluster), body: cluster, heldHosts: heldHosts(cluster) });
    for (const cluster of changes.removeClusters ?? [])
      entries.push({ group, key: clusterRecordKey(cluster), body: undefined });
    return this.records.write(entries, fence);
  }

  remove(group: string): Promise<void> {
    return this.records.removeGroup(group);
  }
}
