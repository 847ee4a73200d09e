/**
 * The composition root: the only module that knows every part. It opens the store,
 * builds the services on it and hands them to the HTTP adapter.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildHttpServer } from './adapters/http/server.js';
import { openDatabase, type StoreOptions } from './adapters/storage/open.js';
import { openSqliteDatabase } from './adapters/storage/sqlite.js';
import { clusterGateway } from './service/cluster-gateway.js';
import { ResourceService } from './service/resource-service.js';
import { SeedPathService } from './service/seed-paths.js';
import { RenderService } from './service/render-service.js';
import { CheckRouteService } from './service/check-route-service.js';
import type { AddressLedger } from './service/address-ledger.js';
import { validateRendered } from './core/render/validate.js';
import type { Store } from './service/store.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Database {
  store: Store;
  ledger: AddressLedger;
}

export async function buildApp(
  database: Database,
  logger: FastifyServerOptions['logger'] = false,
): Promise<FastifyInstance> {
  const { store, ledger } = database;
  const render = new RenderService(store, ledger, validateRendered);
  const app = await buildHttpServer(
    {
      resources: new ResourceService(store),
      seedPaths: new SeedPathService(store),
      render,
      checkRoute: new CheckRouteService(store, render),
      clusterGateway: (params) => clusterGateway(store, params),
      ready: () => store.ping(),
    },
    { logger, version: VERSION },
  );
  app.addHook('onClose', () => store.close());
  return app;
}

export interface ServeOptions extends StoreOptions {
  port: number;
  host: string;
  logLevel?: string;
  /** A throwaway SQLite database in memory (offline rendering), whatever dataDir says. */
  inMemory?: boolean;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const database = options.inMemory ? await openSqliteDatabase(':memory:') : await openDatabase(options);
  const logger = {
    level: options.logLevel ?? 'info',
    // Request bodies are never logged; these headers would carry credentials.
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  const app = await buildApp(database, logger);
  const address = await app.listen({ port: options.port, host: options.host });
  return { url: address, close: () => app.close() };
}
