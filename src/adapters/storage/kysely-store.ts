/**
 * The one implementation of the storage port, over any kysely dialect we open
 * (`sqlite.ts`, `postgres.ts`). Queries stick to what both SQLite and PostgreSQL
 * accept, so the contract suite proves both with the same code.
 *
 * Messages name a resource by its kind and name or its key, never by its body:
 * bodies carry credentials (kubeconfigs, tokens). Those are sealed on the way in
 * and opened on the way out (`sealing/sealed-rows.ts`): services never see ciphertext.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { KindName, ResourceBody } from '../../core/model/kind.js';
import type {
  Changes,
  NewResource,
  Store,
  StoredFile,
  StoredResource,
  StoreReader,
  StoreWriter,
} from '../../service/store.js';
import { bumpSequence, readChanges } from './change-sequences.js';
import { translatingViolations } from './db-errors.js';
import { prefixUpperBound } from './key-range.js';
import { duplicate, missing, missingParent, stillParent } from './store-errors.js';
import type { RowSealing } from './sealing/sealed-rows.js';
import type { Database, ResourcesTable } from './schema.js';

/** `close` releases the database; by default it destroys `db`, which may be shared (`database.ts`). */
export function createKyselyStore(
  db: Kysely<Database>,
  sealing: RowSealing,
  close: () => Promise<void> = () => db.destroy(),
): Store {
  return new KyselyStore(db, sealing, close);
}

class Reader implements StoreReader {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly sealing: RowSealing,
  ) {}

  protected toStored = (row: ResourcesTable): StoredResource => toStored(row, this.sealing);

  async get(key: string): Promise<StoredResource | undefined> {
    const row = await this.db.selectFrom('resources').selectAll().where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : this.toStored(row);
  }

  async listChildren(parentKey: string | null, kind: KindName): Promise<StoredResource[]> {
    const rows = await this.db
      .selectFrom('resources')
      .selectAll()
      .where('parent_key', parentKey === null ? 'is' : '=', parentKey)
      .where('kind', '=', kind)
      .orderBy('key')
      .execute();
    return rows.map(this.toStored);
  }

  async listByKind(kind: KindName, keyPrefix?: string): Promise<StoredResource[]> {
    let query = this.db.selectFrom('resources').selectAll().where('kind', '=', kind);
    if (keyPrefix !== undefined && keyPrefix !== '') {
      query = query.where('key', '>=', keyPrefix);
      const upperBound = prefixUpperBound(keyPrefix);
      if (upperBound !== undefined) query = query.where('key', '<', upperBound);
    }
    const rows = await query.orderBy('key').execute();
    return rows.map(this.toStored);
  }

  async hasChildren(key: string): Promise<boolean> {
    const child = await this.db
      .selectFrom('resources')
      .select('key')
      .where('parent_key', '=', key)
      .limit(1)
      .executeTakeFirst();
    return child !== undefined;
  }

  async getFile(key: string): Promise<StoredFile | undefined> {
    const row = await this.db
      .selectFrom('resource_files')
      .select(['file_name', 'content_type', 'data'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      fileName: row.file_name,
      contentType: row.content_type,
      data: this.sealing.openFile(key, Buffer.from(row.data)),
    };
  }

  protected async exists(key: string): Promise<boolean> {
    const row = await this.db.selectFrom('resources').select('key').where('key', '=', key).executeTakeFirst();
    return row !== undefined;
  }
}

/**
 * Writes check their preconditions explicitly, which gives the precise error and
 * keeps a PostgreSQL transaction usable after a refused write. The constraints
 * still decide races between transactions; their violations map to the same
 * errors (on PostgreSQL that one also aborts the transaction, which then rolls back).
 */
class Writer extends Reader implements StoreWriter {
  /** Set by every write that succeeded: the transaction then bumps the resources' change sequence. */
  wrote = false;

  async insert(resource: NewResource): Promise<StoredResource> {
    if (await this.exists(resource.key)) throw duplicate(resource);
    if (resource.parentKey !== null && !(await this.exists(resource.parentKey))) throw missingParent(resource);
    const now = new Date().toISOString();
    const inserted = await translatingViolations(
      this.db
        .insertInto('resources')
        .values({
          key: resource.key,
          parent_key: resource.parentKey,
          kind: resource.kind,
          name: resource.name,
          body: this.sealing.resourceBody(resource.kind, resource.key, resource.body),
          version: 1,
          created_at: now,
          updated_at: now,
        })
        // A concurrent insert of the same key committed after our check: no error, no row.
        .onConflict((conflict) => conflict.column('key').doNothing())
        .returningAll()
        .executeTakeFirst(),
      { unique: () => duplicate(resource), foreignKey: () => missingParent(resource) },
    );
    if (inserted === undefined) throw duplicate(resource);
    this.wrote = true;
    return this.toStored(inserted);
  }

  async update(key: string, body: ResourceBody): Promise<StoredResource> {
    // The kind says which fields are sealed.
    const current = await this.db.selectFrom('resources').select('kind').where('key', '=', key).executeTakeFirst();
    if (current === undefined) throw missing(key);
    const sealed = this.sealing.resourceBody(current.kind, key, body);
    const updated = await this.db
      .updateTable('resources')
      .set((row) => ({
        body: sealed,
        version: row('version', '+', 1),
        updated_at: new Date().toISOString(),
      }))
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirst();
    if (updated === undefined) throw missing(key);
    this.wrote = true;
    return this.toStored(updated);
  }

  async delete(key: string): Promise<void> {
    const row = await this.db
      .selectFrom('resources')
      .select(['kind', 'name'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) throw missing(key);
    if (await this.hasChildren(key)) throw stillParent(row.kind, row.name);
    const result = await translatingViolations(
      this.db.deleteFrom('resources').where('key', '=', key).executeTakeFirst(),
      { foreignKey: () => stillParent(row.kind, row.name) },
    );
    if (result.numDeletedRows === 0n) throw missing(key);
    this.wrote = true;
  }

  async putFile(key: string, file: StoredFile): Promise<void> {
    if (!(await this.exists(key))) throw missing(key);
    await translatingViolations(
      this.db
        .insertInto('resource_files')
        .values({
          key,
          file_name: file.fileName,
          content_type: file.contentType,
          data: this.sealing.file(key, file.data),
        })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet((row) => ({
            file_name: row.ref('excluded.file_name'),
            content_type: row.ref('excluded.content_type'),
            data: row.ref('excluded.data'),
          })),
        )
        .execute(),
      { foreignKey: () => missing(key) },
    );
    this.wrote = true;
  }
}

/**
 * Reads outside `transaction` see committed data only. Inside `work`, read through
 * `tx`: on SQLite the store has a single connection, which the transaction holds.
 */
class KyselyStore extends Reader implements Store {
  constructor(
    db: Kysely<Database>,
    sealing: RowSealing,
    private readonly closeDatabase: () => Promise<void>,
  ) {
    super(db, sealing);
  }

  transaction<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      const writer = new Writer(tx, this.sealing);
      const result = await work(writer);
      // Last, so on PostgreSQL the sequence's row is locked only from here to the commit.
      if (writer.wrote) await bumpSequence(tx, 'resources');
      return result;
    });
  }

  changes(): Promise<Changes> {
    return readChanges(this.db);
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.closeDatabase();
  }
}

function toStored(row: ResourcesTable, sealing: RowSealing): StoredResource {
  return {
    key: row.key,
    parentKey: row.parent_key,
    kind: row.kind as KindName,
    name: row.name,
    body: sealing.openResourceBody(row.kind, row.key, row.body),
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
