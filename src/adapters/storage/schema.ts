/**
 * The tables as kysely sees them. Column names are the database's (snake_case);
 * `kysely-store.ts` maps rows to the port's `StoredResource`.
 */
import type { Generated } from 'kysely';

export interface ResourcesTable {
  key: string;
  parent_key: string | null;
  kind: string;
  name: string;
  /** The resource body as JSON text, its write-only fields sealed (`sealing/sealed-rows.ts`): never logged. */
  body: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ResourceFilesTable {
  key: string;
  file_name: string;
  content_type: string;
  /** The file sealed whole, as the bytes of its sealed text (a legacy row may still hold the file itself). */
  data: Buffer;
}

/** One address held in the virtual-IP ledger; `address` is a dotted quad. */
export interface VirtualIpsTable {
  cluster: string;
  host: string;
  /** The intent key that claims the address; the last sync's claim wins. */
  owner: string;
  address: string;
  /** When the address was first handed to this (cluster, host), ISO 8601. */
  allocated_at: string;
}

/** One deployment record (`deploy-records.ts`): a JSON document filed under a group's key. */
export interface DeployRecordsTable {
  group_key: string;
  record_key: string;
  /** The document as JSON text, sealed whole (a legacy row may still be plain JSON). */
  body: string;
  /** When the record was last written, ISO 8601. */
  updated_at: string;
  /** `DeployRecordWrite.heldHosts` as a JSON list of strings, in plain text; null in rows older than migration 0008. */
  held_hosts: string | null;
}

/** An API token (`service/access`): its secret only as a SHA-256, its grants as JSON text. */
export interface ApiTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  grants: string;
  /** 0 or 1: both databases store it as an integer. */
  read_secrets: number;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** One audited request. `sequence` is assigned by the database. */
export interface AuditEventsTable {
  sequence: Generated<number>;
  at: string;
  actor: string;
  action: string;
  method: string;
  path: string;
  status: number;
  outcome: string;
}

/** The value sealed to check the master keyring at start (`sealing/key-check.ts`). */
export interface MasterKeyCheckTable {
  id: string;
  sealed: string;
}

/** A group's operation lease (`operation-leases.ts`); a released one keeps its row and token, without a holder. */
export interface OperationLeasesTable {
  group_key: string;
  holder: string | null;
  /** Fencing token: grows with every grant. PostgreSQL's bigint arrives as text. */
  token: number | string;
  /** Milliseconds since the epoch on the database's clock; bigint on PostgreSQL. */
  expires_at: number | string;
}

/** How many committed writes changed `name` (`resources`, `addresses`); PostgreSQL's bigint arrives as text. */
export interface ChangeSequencesTable {
  name: string;
  sequence: number | string;
}

export interface Database {
  resources: ResourcesTable;
  resource_files: ResourceFilesTable;
  virtual_ips: VirtualIpsTable;
  deploy_records: DeployRecordsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  master_key_check: MasterKeyCheckTable;
  operation_leases: OperationLeasesTable;
  change_sequences: ChangeSequencesTable;
}

/** The SQL dialects the adapters speak; the few DDL differences hang off this. */
export type SqlDialect = 'sqlite' | 'postgres';
