/**
 * The HTTP API in-process (Fastify's `inject`, no sockets) over a real database, for
 * tests. `describeOnBothDatabases` runs one suite against SQLite and PostgreSQL.
 */
import type { FastifyInstance } from 'fastify';
import { describe } from 'vitest';
import { openPostgresDatabase } from '../adapters/storage/postgres.js';
import { openSqliteDatabase } from '../adapters/storage/sqlite.js';
import { buildApp, type Database } from '../compose.js';
import type { Store } from '../service/store.js';
import { describePostgres, freshPostgresDatabase } from './postgres.js';
import { testKeyring } from './keys.js';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: unknown;
  /** The body as JSON; `{}` when it is empty. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ApiHarness {
  app: FastifyInstance;
  store: Store;
  database: Database;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function harnessOn(
  database: Database,
  cleanup: () => Promise<void> = async () => {},
): Promise<ApiHarness> {
  const { store } = database;
  const app = await buildApp(database);
  return {
    app,
    store,
    database,
    request: (method, url, body, headers) => injectRequest(app, method, url, body, headers),
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** Sends one request to `app` in-process: JSON bodies, the answer parsed when it is JSON. */
export async function injectRequest(
  app: FastifyInstance,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await app.inject({
    method: method as 'GET',
    url,
    ...(payload === undefined ? {} : { payload }),
    headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });
  let json: unknown = {};
  try {
    json = response.body === '' ? {} : JSON.parse(response.body);
  } catch {
    json = response.body;
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, json };
}

export async function sqliteApi(): Promise<ApiHarness> {
  return harnessOn(await openSqliteDatabase(':memory:'));
}

export async function postgresApi(): Promise<ApiHarness> {
  const database = await freshPostgresDatabase();
  return harnessOn(await openPostgresDatabase(database.url, testKeyring), () => database.drop());
}

export type OpenApi = () => Promise<ApiHarness>;

/** Registers `body` twice: once on SQLite, once on PostgreSQL (skipped locally without a server). */
export function describeOnBothDatabases(name: string, body: (open: OpenApi) => void): void {
  describe(`${name} [SQLite]`, () => body(sqliteApi));
  describePostgres(`${name} [PostgreSQL]`, () => body(postgresApi));
}
