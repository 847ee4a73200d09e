/**
 * The render kept in memory (`service/render-cache.ts`) with two servers on one database, as two
 * replicas are: a write through either is in the other's next render, which is byte for byte what
 * a server started afresh renders; and an unchanged fleet's render asks the database one question.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openPostgresDatabase } from './adapters/storage/postgres.js';
import { openSqliteDatabase } from './adapters/storage/sqlite.js';
import type { Database } from './compose.js';
import type { AddressLedger } from './service/address-ledger.js';
import type { Store } from './service/store.js';
import { harnessOn, type ApiHarness } from './test-support/api.js';
import { exampleDocuments } from './test-support/examples.js';
import { testKeyring } from './test-support/keys.js';
import { describePostgres, freshPostgresDatabase } from './test-support/postgres.js';

type Open = () => Promise<Database & { close(): Promise<void> }>;

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

/** A server on a database opened by `open`; closed after the test. */
async function server(
  open: Open,
  wrap: (database: Database) => Database = (database) => database,
): Promise<ApiHarness> {
  const database = await open();
  const api = await harnessOn(wrap(database), () => database.close());
  opened.push(api);
  return api;
}

/** Applies the example through `api`; returns the Location of each document created. */
async function apply(api: ApiHarness, file: string): Promise<string[]> {
  const locations: string[] = [];
  for (const document of await exampleDocuments(file)) {
    const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
    expect(response.status, document.anchor).toBe(201);
    locations.push(String(response.headers.location));
  }
  return locations;
}

const render = async (api: ApiHarness, path = '/v2/render') => {
  const response = await api.request('GET', path);
  expect(response.status).toBe(200);
  return String(response.body);
};

const calls = <T extends object>(target: T, log: string[]): T =>
  new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        log.push(String(property));
        return (value as (...args: unknown[]) => unknown).apply(object, args);
      };
    },
  });

function describeReplicas(name: string, opener: () => Promise<Open>): void {
  describe(name, () => {
    test("a write through one server is in the other's next render, as a fresh server renders it", async () => {
      const open = await opener();
      const [first, second] = [await server(open), await server(open)];
      const locations = await apply(first, 'seed-two-clouds.yaml');
      const before = await render(second);
      expect(before).toContain('httpbin.namespace02.logicalcloud02');
      expect(await render(first)).toBe(before);

      const client = locations.find((location) => location.endsWith('/sleep-to-httpbin'));
      expect((await first.request('DELETE', client as string)).status).toBe(204);
      const after = await render(second);
      expect(after).not.toBe(before);
      expect(after).toBe(await render(first));
      expect(after).toBe(await render(await server(open)));

      // And back through the other: the client intent again, in both servers' next renders.
      const documents = await exampleDocuments('seed-two-clouds.yaml');
      const again = documents.find(
        (document) => (document.body as { metadata?: { name?: string } }).metadata?.name === 'sleep-to-httpbin',
      );
      expect((await second.request('POST', `/v2/${again?.anchor}`, again?.body)).status).toBe(201);
      expect(await render(first)).toBe(await render(second));
      expect(await render(first)).toBe(await render(await server(open)));
      expect(await render(first, '/v2/cluster-providers/edge/clusters/cluster01/render')).toBe(
        await render(await server(open), '/v2/cluster-providers/edge/clusters/cluster01/render'),
      );
    });

    test("an unchanged fleet's render reads the change sequences and nothing else, and writes nothing", async () => {
      const open = await opener();
      const log: string[] = [];
      const api = await server(open, (database) => ({
        ...database,
        store: calls<Store>(database.store, log),
        ledger: calls<AddressLedger>(database.ledger, log),
      }));
      await apply(api, 'seed-two-clouds.yaml');
      const first = await render(api);
      // The first render's own sync allocated addresses: the next use re-reads the ledger once, and keeps it.
      log.length = 0;
      expect(await render(api)).toBe(first);
      expect(log).toEqual(['changes', 'sync']);
      const changes = await api.store.changes();
      log.length = 0;
      expect(await render(api)).toBe(first);
      await render(api, '/v2/cluster-providers/edge/clusters/cluster02/render');
      await render(api, '/v2/render?cluster=edge/cluster01');
      expect(log).toEqual(['changes', 'changes', 'changes']);
      expect(await api.store.changes()).toEqual(changes);
    });
  });
}

describeReplicas('render cache: two servers on one SQLite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meshbridge-render-cache-'));
  opened.push({ close: () => rm(dir, { recursive: true, force: true }) });
  return () => openSqliteDatabase(join(dir, 'meshbridge.db'), testKeyring);
});

describePostgres('render cache: PostgreSQL', () => {
  describeReplicas('two servers on one database', async () => {
    const fresh = await freshPostgresDatabase();
    opened.push({ close: () => fresh.drop() });
    return () => openPostgresDatabase(fresh.url, testKeyring);
  });
});
