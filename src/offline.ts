/**
 * The composition root of offline rendering (`meshbridge render -f`): the services the
 * server runs, on a store and an address ledger in memory, behind the API's own routes
 * run in this process (`adapters/http/in-process.ts`). No Fastify, no kysely, no
 * better-sqlite3, no socket: it starts in a fraction of the time a server takes
 * (bench/startup.ts), and it answers as a server would (`src/offline.test.ts`).
 * Nothing is deployed: no deploy service, no deploy targets, no held addresses.
 */
import { InProcessClient } from './adapters/cli/api-client.js';
import { InProcessApi } from './adapters/http/in-process.js';
import { renderRoutes } from './adapters/http/render-routes.js';
import { resourceRoutes } from './adapters/http/resource-routes.js';
import { seedRoutes } from './adapters/http/seed-routes.js';
import { createMemoryAddressLedger } from './adapters/storage/memory/memory-address-ledger.js';
import { createMemoryStore } from './adapters/storage/memory/memory-store.js';
import { validateRendered } from './core/render/validate.js';
import { RenderService } from './service/render-service.js';
import { ResourceService } from './service/resource-service.js';
import { SeedPathService } from './service/seed-paths.js';

/** Runs `work` against a fresh in-memory API, which is gone when it ends. */
export async function withOfflineApi<T>(work: (api: InProcessClient) => Promise<T>): Promise<T> {
  const counts = { resources: 0, addresses: 0 };
  const store = createMemoryStore(counts);
  const routes = [
    ...resourceRoutes(new ResourceService(store)),
    ...seedRoutes(new SeedPathService(store)),
    ...renderRoutes(new RenderService(store, createMemoryAddressLedger(counts), validateRendered)),
  ];
  try {
    return await work(new InProcessClient(new InProcessApi(routes)));
  } finally {
    await store.close();
  }
}
