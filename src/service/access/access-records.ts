/**
 * The access-records port: API tokens (stored only as hashes) and the audit log.
 * Adapters implement it over SQLite and PostgreSQL; one contract suite
 * (`adapters/storage/access-records-contract.ts`) runs against both.
 */
import type { Grant } from '../../core/access/principal.js';

export interface StoredToken {
  /** Public part of the token (`mb_<id>_<secret>`), shown in lists and the audit log. */
  id: string;
  name: string;
  /** SHA-256 of the secret part, hex. The secret itself is never stored. */
  secretHash: string;
  grants: Grant[];
  readSecrets: boolean;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface AuditEvent {
  /** When, ISO 8601. */
  at: string;
  /** Who: the principal's name (`admin`, `token:<id> (<name>)`, `oidc:<subject>`). */
  actor: string;
  /** What: `create`, `update`, `delete`, `instantiate`, `token.create`, `secrets.read`, ... */
  action: string;
  method: string;
  /** The path asked for, without its query. */
  path: string;
  /** The HTTP status answered. */
  status: number;
  outcome: 'succeeded' | 'failed' | 'denied';
}

export interface StoredAuditEvent extends AuditEvent {
  /** Increasing in the order events were recorded. */
  sequence: number;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** Events whose path starts with this. */
  pathPrefix?: string;
  outcome?: AuditEvent['outcome'];
  /** ISO 8601, inclusive. */
  since?: string;
  until?: string;
  /** Only events recorded before this sequence number (paging backwards). */
  before?: number;
  limit: number;
}

export interface AccessRecords {
  insertToken(token: StoredToken): Promise<void>;
  findToken(id: string): Promise<StoredToken | undefined>;
  listTokens(): Promise<StoredToken[]>;
  /** False when there is no such token; revoking twice keeps the first time. */
  revokeToken(id: string, at: string): Promise<boolean>;
  appendAudit(event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<StoredAuditEvent[]>;
}
