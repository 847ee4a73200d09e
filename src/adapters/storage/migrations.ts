/**
 * Schema migrations, kept in code so the binary ships without a migrations folder.
 *
 * A migration is appended, never edited once released: add an entry to `migrations`
 * with the next number. Names sort lexically, hence the zero padding.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from './schema.js';

type DialectMigration = (db: Kysely<unknown>, dialect: SqlDialect) => Promise<void>;

interface Step {
  up: DialectMigration;
  down?: DialectMigration;
}

/**
 * Keys collate byte-wise in both databases, so `ORDER BY key` and the prefix range
 * of `listByKind` agree between SQLite (BINARY by default) and PostgreSQL, whose
 * default collation follows the server locale.
 */
function keyCollation(dialect: SqlDialect) {
  return dialect === 'postgres' ? sql`collate "C"` : sql`collate binary`;
}

function binaryType(dialect: SqlDialect) {
  return dialect === 'postgres' ? sql`bytea` : sql`blob`;
}

const createResources: Step = {
  async up(db, dialect) {
    await db.schema
      .createTable('resources')
      .addColumn('key', 'text', (column) => column.primaryKey().modifyEnd(keyCollation(dialect)))
      .addColumn('parent_key', 'text', (column) =>
        column.modifyEnd(keyCollation(dialect)).references('resources.key').onDelete('restrict'),
      )
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('body', 'text', (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('resources_parent_kind').on('resources').columns(['parent_key', 'kind']).execute();
    await db.schema.createIndex('resources_kind_key').on('resources').columns(['kind', 'key']).execute();
    await db.schema
      .createTable('resource_files')
      .addColumn('key', 'text', (column) =>
        column.primaryKey().modifyEnd(keyCollation(dialect)).references('resources.key').onDelete('cascade'),
      )
      .addColumn('file_name', 'text', (column) => column.notNull())
      .addColumn('content_type', 'text', (column) => column.notNull())
      .addColumn('data', binaryType(dialect), (column) => column.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('resource_files').execute();
    await db.schema.dropTable('resources').execute();
  },
};

/**
 * The virtual-IP ledger (`address-ledger.ts`): one row per (cluster, host) that holds
 * an address, and no address twice within a cluster. Addresses are dotted quads.
 */
const createVirtualIps: Step = {
  async up(db, dialect) {
    await db.schema
      .createTable('virtual_ips')
      .addColumn('cluster', 'text', (column) => column.notNull().modifyEnd(keyCollation(dialect)))
      .addColumn('host', 'text', (column) => column.notNull().modifyEnd(keyCollation(dialect)))
      .addColumn('owner', 'text', (column) => column.notNull())
      .addColumn('address', 'text', (column) => column.notNull().modifyEnd(keyCollation(dialect)))
      .addColumn('allocated_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('virtual_ips_pkey', ['cluster', 'host'])
      .addUniqueConstraint('virtual_ips_cluster_address', ['cluster', 'address'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('virtual_ips').execute();
  },
};

/**
 * Deployment records (`deploy-records.ts`): JSON documents by (group, key). Both
 * keys collate byte-wise, so the primary key serves a group's prefix ranges in order.
 */
const createDeployRecords: Step = {
  async up(db, dialect) {
    await db.schema
      .createTable('deploy_records')
      .addColumn('group_key', 'text', (column) => column.notNull().modifyEnd(keyCollation(dialect)))
      .addColumn('record_key', 'text', (column) => column.notNull().modifyEnd(keyCollation(dialect)))
      .addColumn('body', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('deploy_records_pkey', ['group_key', 'record_key'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('deploy_records').execute();
  },
};

/**
 * API tokens and the audit log (`access-records.ts`). Audit events are numbered by the
 * database, so their order is the order they were recorded in, on any replica.
 */
const createAccessRecords: Step = {
  async up(db, dialect) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (column) => column.primaryKey().modifyEnd(keyCollation(dialect)))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('secret_hash', 'text', (column) => column.notNull())
      .addColumn('grants', 'text', (column) => column.notNull())
      .addColumn('read_secrets', 'integer', (column) => column.notNull())
      .addColumn('created_by', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createTable('audit_events')
      .addColumn('sequence', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
        dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
      )
      .addColumn('at', 'text', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('method', 'text', (column) => column.notNull())
      .addColumn('path', 'text', (column) => column.notNull().modifyEnd(keyCollation(dialect)))
      .addColumn('status', 'integer', (column) => column.notNull())
      .addColumn('outcome', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
  },
  async down(db) {
    await db.schema.dropTable('audit_events').execute();
    await db.schema.dropTable('api_tokens').execute();
  },
};

/**
 * One value sealed with the master keyring when the database is first opened (`sealing/key-check.ts`), opened at
 * every start: a server given the wrong keys refuses to start instead of failing on every read of a secret.
 */
const createMasterKeyCheck: Step = {
  async up(db) {
    await db.schema
      .createTable('master_key_check')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('sealed', 'text', (column) => column.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('master_key_check').execute();
  },
};

/**
 * Operation leases (`operation-leases.ts`): one row per group that ever had one, kept after release so
 * the group's fencing token only ever grows. Times are milliseconds on the database's clock.
 */
const createOperationLeases: Step = {
  async up(db, dialect) {
    await db.schema
      .createTable('operation_leases')
      .addColumn('group_key', 'text', (column) => column.primaryKey().modifyEnd(keyCollation(dialect)))
      .addColumn('holder', 'text')
      .addColumn('token', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('operation_leases').execute();
  },
};

/**
 * Change sequences (`change-sequences.ts`): one row per thing caches watch, its number bumped in the same
 * transaction as every write that changes it, so a replica learns of another's writes by reading two rows.
 */
const createChangeSequences: Step = {
  async up(db) {
    await db.schema
      .createTable('change_sequences')
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('sequence', 'bigint', (column) => column.notNull())
      .execute();
    await sql`insert into change_sequences (name, sequence) values ('resources', 0), ('addresses', 0)`.execute(db);
  },
  async down(db) {
    await db.schema.dropTable('change_sequences').execute();
  },
};

/** The held hosts of a deploy record (`DeployRecordWrite.heldHosts`), readable without opening the sealed body. */
const addHeldHosts: Step = {
  async up(db) {
    await db.schema.alterTable('deploy_records').addColumn('held_hosts', 'text').execute();
  },
  async down(db) {
    await db.schema.alterTable('deploy_records').dropColumn('held_hosts').execute();
  },
};

const migrations: Readonly<Record<string, Step>> = {
  '0001_resources': createResources,
  '0002_virtual_ips': createVirtualIps,
  '0003_deploy_records': createDeployRecords,
  '0004_access_records': createAccessRecords,
  '0005_master_key_check': createMasterKeyCheck,
  '0006_operation_leases': createOperationLeases,
  '0007_change_sequences': createChangeSequences,
  '0008_deploy_record_held_hosts': addHeldHosts,
};

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const bound: Record<string, Migration> = {};
    for (const [name, step] of Object.entries(migrations)) {
      const down = step.down;
      bound[name] = {
        up: (db) => step.up(db, this.dialect),
        ...(down === undefined ? {} : { down: (db: Kysely<unknown>) => down(db, this.dialect) }),
      };
    }
    return bound;
  }
}

/**
 * Brings the schema up to date. Safe to call from several processes at once: the
 * migrator serialises them (an advisory lock on PostgreSQL; SQLite has one writer).
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: SqlDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'setup';
    throw new Error(`database migration ${failed} failed: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
