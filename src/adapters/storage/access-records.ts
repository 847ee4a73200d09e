/** The access-records port (`service/access/access-records.ts`) over either dialect. */
import { sql, type Kysely } from 'kysely';
import type { Grant } from '../../core/access/principal.js';
import type {
  AccessRecords,
  AuditEvent,
  AuditFilter,
  StoredAuditEvent,
  StoredToken,
} from '../../service/access/access-records.js';
import { prefixUpperBound } from './key-range.js';
import type { ApiTokensTable, AuditEventsTable, Database, SqlDialect } from './schema.js';

export function createKyselyAccessRecords(db: Kysely<Database>, dialect: SqlDialect): AccessRecords {
  return new KyselyAccessRecords(db, dialect);
}

function toToken(row: ApiTokensTable): StoredToken {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    grants: JSON.parse(row.grants) as Grant[],
    readSecrets: Boolean(row.read_secrets),
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** PostgreSQL's bigserial arrives as text. */
function toEvent(row: Omit<AuditEventsTable, 'sequence'> & { sequence: number | string }): StoredAuditEvent {
  return {
    sequence: Number(row.sequence),
    at: row.at,
    actor: row.actor,
    action: row.action,
    method: row.method,
    path: row.path,
    status: row.status,
    outcome: row.outcome as AuditEvent['outcome'],
  };
}

class KyselyAccessRecords implements AccessRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async insertToken(token: StoredToken): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        name: token.name,
        secret_hash: token.secretHash,
        grants: JSON.stringify(token.grants),
        read_secrets: token.readSecrets ? 1 : 0,
        created_by: token.createdBy,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async findToken(id: string): Promise<StoredToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toToken(row);
  }

  async listTokens(): Promise<StoredToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toToken);
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('api_tokens').select('revoked_at').where('id', '=', id).executeTakeFirst();
      if (row === undefined) return false;
      if (row.revoked_at === null)
        await tx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
      return true;
    });
  }

  /**
   * On SQLite, an event that records a refusal (a 4xx: the request changed nothing) is committed
   * without waiting for the disk (`synchronous = NORMAL` for that commit): every hostile request makes
   * one, and waiting for the disk held the event loop 4–21 ms each. A crash of the process cannot lose
   * it (the WAL is written); a crash of the machine can lose the last moments' refusals. Everything
   * else, a 5xx included (it may follow part of a change), waits for the disk as every write does.
   * PostgreSQL's commit never held the event loop, so it is left as it is.
   */
  async appendAudit(event: AuditEvent): Promise<void> {
    const refusal = event.status >= 400 && event.status < 500;
    if (this.dialect !== 'sqlite' || !refusal) {
      await this.db.insertInto('audit_events').values(event).execute();
      return;
    }
    // SQLite cannot change it inside a transaction; the reserved connection keeps other writes out meanwhile.
    await this.db.connection().execute(async (connection) => {
      await sql`pragma synchronous = normal`.execute(connection);
      try {
        await connection.insertInto('audit_events').values(event).execute();
      } finally {
        await sql`pragma synchronous = full`.execute(connection);
      }
    });
  }

  async listAudit(filter: AuditFilter): Promise<StoredAuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<=', filter.until);
    if (filter.before !== undefined) query = query.where('sequence', '<', filter.before);
    if (filter.pathPrefix !== undefined && filter.pathPrefix !== '') {
      query = query.where('path', '>=', filter.pathPrefix);
      const upper = prefixUpperBound(filter.pathPrefix);
      if (upper !== undefined) query = query.where('path', '<', upper);
    }
    const rows = await query.orderBy('sequence', 'desc').limit(filter.limit).execute();
    return rows.map(toEvent);
  }
}
