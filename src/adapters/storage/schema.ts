/**
 * The tables as kysely sees them. Column names are the database's (snake_case);
 * `kysely-store.ts` maps rows to the port's `StoredResource`.
 */

export interface ResourcesTable {
  key: string;
  parent_key: string | null;
  kind: string;
  name: string;
  /** The resource body as JSON text: parsed on read, never logged. */
  body: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ResourceFilesTable {
  key: string;
  file_name: string;
  content_type: string;
  data: Buffer;
}

export interface Database {
  resources: ResourcesTable;
  resource_files: ResourceFilesTable;
}

/** The SQL dialects the adapters speak; the few DDL differences hang off this. */
export type SqlDialect = 'sqlite' | 'postgres';
