/**
 * The storage port in memory, for work that keeps nothing: offline rendering
 * (`meshbridge render -f`) applies a file to it and renders, with no database to
 * open. It keeps the promises of the SQLite and PostgreSQL adapters (the same
 * contract suite runs against it): keys ordered byte-wise as the databases order
 * them, bodies stored as JSON (a caller's object is never shared with the store),
 * the same errors with the same messages, and transactions that commit whole or
 * not at all. Transactions take turns, as on SQLite: each works on a copy of the
 * maps, which replaces the committed ones only when the work resolves.
 */
import type { KindName, ResourceBody } from '../../../core/model/kind.js';
import type {
  Changes,
  NewResource,
  Store,
  StoredFile,
  StoredResource,
  StoreReader,
  StoreWriter,
} from '../../../service/store.js';
import { compareCodePoints } from '../address-plan.js';
import { duplicate, missing, missingParent, stillParent } from '../store-errors.js';

/** A row as a database holds it: the body as JSON text. */
interface Row extends Omit<StoredResource, 'body'> {
  body: string;
}

interface Tables {
  resources: Map<string, Row>;
  files: Map<string, StoredFile>;
}

const copyFile = (file: StoredFile): StoredFile => ({ ...file, data: Buffer.from(file.data) });

function toStored(row: Row): StoredResource {
  return { ...row, body: JSON.parse(row.body) as ResourceBody };
}

const byKey = (a: Row, b: Row) => compareCodePoints(a.key, b.key);

class Reader implements StoreReader {
  constructor(protected tables: Tables) {}

  async get(key: string): Promise<StoredResource | undefined> {
    const row = this.tables.resources.get(key);
    return row === undefined ? undefined : toStored(row);
  }

  async listChildren(parentKey: string | null, kind: KindName): Promise<StoredResource[]> {
    return this.rows((row) => row.parentKey === parentKey && row.kind === kind);
  }

  async listByKind(kind: KindName, keyPrefix = ''): Promise<StoredResource[]> {
    return this.rows((row) => row.kind === kind && row.key.startsWith(keyPrefix));
  }

  async hasChildren(key: string): Promise<boolean> {
    for (const row of this.tables.resources.values()) if (row.parentKey === key) return true;
    return false;
  }

  async getFile(key: string): Promise<StoredFile | undefined> {
    const file = this.tables.files.get(key);
    return file === undefined ? undefined : copyFile(file);
  }

  private rows(keep: (row: Row) => boolean): StoredResource[] {
    return [...this.tables.resources.values()].filter(keep).sort(byKey).map(toStored);
  }
}

class Writer extends Reader implements StoreWriter {
  /** Whether this transaction wrote anything: only then does it move the change number. */
  wrote = false;

  async insert(resource: NewResource): Promise<StoredResource> {
    if (this.tables.resources.has(resource.key)) throw duplicate(resource);
    if (resource.parentKey !== null && !this.tables.resources.has(resource.parentKey)) throw missingParent(resource);
    const now = new Date().toISOString();
    const row: Row = { ...resource, body: JSON.stringify(resource.body), version: 1, createdAt: now, updatedAt: now };
    this.tables.resources.set(resource.key, row);
    this.wrote = true;
    return toStored(row);
  }

  async update(key: string, body: ResourceBody): Promise<StoredResource> {
    const current = this.tables.resources.get(key);
    if (current === undefined) throw missing(key);
    const row: Row = {
      ...current,
      body: JSON.stringify(body),
      version: current.version + 1,
      updatedAt: new Date().toISOString(),
    };
    this.tables.resources.set(key, row);
    this.wrote = true;
    return toStored(row);
  }

  async delete(key: string): Promise<void> {
    const row = this.tables.resources.get(key);
    if (row === undefined) throw missing(key);
    if (await this.hasChildren(key)) throw stillParent(row.kind, row.name);
    this.tables.resources.delete(key);
    this.tables.files.delete(key);
    this.wrote = true;
  }

  async putFile(key: string, file: StoredFile): Promise<void> {
    if (!this.tables.resources.has(key)) throw missing(key);
    this.tables.files.set(key, copyFile(file));
    this.wrote = true;
  }
}

class MemoryStore extends Reader implements Store {
  /** The end of the last transaction begun: the next one starts after it. */
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    tables: Tables,
    private readonly counts: Changes,
  ) {
    super(tables);
  }

  transaction<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.closed) throw new Error('the in-memory store is closed');
      const draft: Tables = { resources: new Map(this.tables.resources), files: new Map(this.tables.files) };
      const writer = new Writer(draft);
      const result = await work(writer);
      this.tables = draft;
      if (writer.wrote) this.counts.resources++;
      return result;
    };
    const result = this.turn.then(run, run);
    this.turn = result.catch(() => undefined);
    return result;
  }

  async changes(): Promise<Changes> {
    return { ...this.counts };
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** `counts` is shared with the in-memory ledger (`createMemoryAddressLedger`), as the database shares one table. */
export function createMemoryStore(counts: Changes = { resources: 0, addresses: 0 }): Store {
  return new MemoryStore({ resources: new Map(), files: new Map() }, counts);
}
