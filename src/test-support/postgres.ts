/**
 * PostgreSQL for tests. `MESHBRIDGE_TEST_DATABASE_URL` names a server and a role
 * that may create databases (`npm run test:pg` starts a throwaway one); every
 * `freshPostgresDatabase()` gets its own database on it, so test files and tests
 * never see each other's rows, whatever runs in parallel.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, test } from 'vitest';

export const pgUrl: string | undefined = process.env.MESHBRIDGE_TEST_DATABASE_URL || undefined;

export interface FreshDatabase {
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(): Promise<FreshDatabase> {
  const adminUrl = requirePgUrl();
  const name = `meshbridge_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  // template0 with C collation and UTF-8: the same database whatever the server's defaults are.
  await asAdmin(adminUrl, (client) =>
    client.query(`create database "${name}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      asAdmin(adminUrl, async (client) => {
        await client.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`drop database if exists "${name}"`);
      }),
  };
}

/**
 * `describe` for suites that need PostgreSQL. Without a server they are reported
 * as skipped locally, with a hint on stderr, but fail in CI, where a silently
 * skipped database suite would look like a green build.
 */
export function describePostgres(name: string, body: () => void): void {
  if (pgUrl === undefined) {
    if (inCi()) {
      test(`${name}: PostgreSQL available`, () => {
        throw new Error('PostgreSQL tests must run in CI: set MESHBRIDGE_TEST_DATABASE_URL');
      });
    } else {
      process.stderr.write(
        'PostgreSQL tests skipped: MESHBRIDGE_TEST_DATABASE_URL is not set; run `npm run test:pg`\n',
      );
    }
  }
  describe.skipIf(pgUrl === undefined)(name, body);
}

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false' && ci !== '0';
}

function requirePgUrl(): string {
  if (pgUrl === undefined) throw new Error('MESHBRIDGE_TEST_DATABASE_URL is not set; run `npm run test:pg`');
  return pgUrl;
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
