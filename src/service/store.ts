/**
 * The storage port. Adapters (`adapters/storage/sqlite`, `adapters/storage/postgres`,
 * and `adapters/storage/memory` for offline rendering) implement it; one contract test
 * suite (`adapters/storage/store-contract.ts`) runs unchanged against each.
 *
 * Every resource is one row keyed by its path below `/v2`; its parent's key makes
 * the tree, which the database enforces (a child cannot outlive or precede its
 * parent). Writes happen only inside `transaction`, so a request either changes
 * everything it meant to or nothing.
 */
import type { KindName, ResourceBody } from '../core/model/kind.js';

export interface StoredResource {
  key: string;
  parentKey: string | null;
  kind: KindName;
  name: string;
  body: ResourceBody;
  /** 1 when created, +1 on every change. Exposed as the ETag. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewResource {
  key: string;
  parentKey: string | null;
  kind: KindName;
  name: string;
  body: ResourceBody;
}

/** A file uploaded with a resource (an app's Helm chart, a cluster's kubeconfig). */
export interface StoredFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

export interface StoreReader {
  get(key: string): Promise<StoredResource | undefined>;
  /** Children of one kind, ordered by key. `parentKey` null lists top-level resources. */
  listChildren(parentKey: string | null, kind: KindName): Promise<StoredResource[]>;
  /** Every resource of a kind whose key starts with `keyPrefix` (all when omitted), ordered by key. */
  listByKind(kind: KindName, keyPrefix?: string): Promise<StoredResource[]>;
  hasChildren(key: string): Promise<boolean>;
  getFile(key: string): Promise<StoredFile | undefined>;
}

export interface StoreWriter extends StoreReader {
  /** Throws `ConflictError` when the key exists and `NotFoundError` when the parent does not. */
  insert(resource: NewResource): Promise<StoredResource>;
  /** Replaces the body and bumps the version. Throws `NotFoundError` when the key is missing. */
  update(key: string, body: ResourceBody): Promise<StoredResource>;
  /** Throws `NotFoundError` when missing and `ConflictError` while children exist. */
  delete(key: string): Promise<void>;
  /** Attaches (or replaces) the file of an existing resource; it goes when the resource goes. */
  putFile(key: string, file: StoredFile): Promise<void>;
}

/**
 * How many committed transactions changed the resources, and the address ledger or the deployment records
 * that hold addresses in it (which share the database).
 * Each number only grows, and is bumped in the same transaction as the write, so a reader that reads
 * these before reading the data sees data at least as new as them: the marker caches are keyed by.
 */
export interface Changes {
  resources: number;
  addresses: number;
}

export interface Store extends StoreReader {
  /** Runs `work` in one database transaction; it commits only if `work` resolves. A write in it bumps `changes().resources`. */
  transaction<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T>;
  /** The change sequences, in one query: what every replica sees as soon as a write commits. */
  changes(): Promise<Changes>;
  /** True when the database answers; backs `/readyz`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
