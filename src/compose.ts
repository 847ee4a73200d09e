/**
 * The composition root: the only module that knows every part. It opens the store,
 * builds the services on it, picks the deploy targets and hands it all to the HTTP
 * adapter; it also starts (and on close stops) the background deploy work.
 */
import { hostname, tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { adminTokenAuthenticator, firstAccepting, type Authenticator } from './adapters/http/authentication.js';
import { oidcAuthenticator } from './adapters/http/oidc-check.js';
import { buildHttpServer } from './adapters/http/server.js';
import { createPrometheusMetrics } from './adapters/metrics/prometheus.js';
import { isSqlite, openDatabase, type OpenedDatabase, type StoreOptions } from './adapters/storage/open.js';
import { lockDataFolder } from './adapters/storage/process-lock.js';
import { masterKeyring, type KeySource } from './adapters/storage/sealing/key-source.js';
import type { ResealReport } from './adapters/storage/sealing/rotate.js';
import { openSqliteDatabase } from './adapters/storage/sqlite.js';
import { lazyTarget } from './adapters/targets/lazy-target.js';
import { clusterGateway } from './service/cluster-gateway.js';
import { ResourceService } from './service/resource-service.js';
import { LogicalCloudService } from './service/logical-cloud-service.js';
import { SeedPathService } from './service/seed-paths.js';
import { RenderService } from './service/render-service.js';
import type { Metrics } from './service/metrics.js';
import { timeRenders } from './service/timed-render.js';
import { CheckRouteService } from './service/check-route-service.js';
import { deployReader, MapService } from './service/map-service.js';
import type { AccessRecords } from './service/access/access-records.js';
import { isApiToken, TokenService } from './service/access/tokens.js';
import type { AddressLedger } from './service/address-ledger.js';
import type { DeployRecords } from './service/deploy/deploy-records.js';
import { DeployService } from './service/deploy/deploy-service.js';
import { DeployState } from './service/deploy/deploy-state.js';
import { DEFAULT_LEASE_TIMINGS, LeaseKeeper, leaseTimings } from './service/deploy/lease-keeper.js';
import type { OperationLeases } from './service/deploy/operation-leases.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './service/deploy/retry.js';
import type { DeployTarget } from './service/deploy/target.js';
import { validateRendered } from './core/render/validate.js';
import { KINDS } from './core/model/registry.js';
import { precompile } from './core/validation/check.js';
import { parseGitOpsAllowList, type GitOpsAllowList } from './core/model/gitops-allow.js';
import type { Store } from './service/store.js';
import type { OidcConfig } from './core/access/oidc-config.js';

import { VERSION } from './version.js';
export { VERSION };

export interface Database {
  store: Store;
  ledger: AddressLedger;
  deployRecords: DeployRecords;
  leases: OperationLeases;
  access: AccessRecords;
}

export interface DeployOptions {
  /** Clusters worked at the same time (default 8). */
  concurrency?: number;
  /** Per-call deadline and retries. */
  retry?: Partial<RetryPolicy>;
  /** Seconds between reconcile passes (drift repair, retries); 0 turns them off (default 300). */
  reconcileSeconds?: number;
  /** Where clones of remote GitOps repositories live. */
  gitWorkDir?: string;
  /** Where GitOps repositories may be: local roots and URL prefixes (`--gitops-allow`); none when absent. */
  gitopsAllow?: readonly string[];
  /** Replaces the built-in targets (tests). */
  targets?: DeployTarget[];
  /** Seconds an operation lease lives unrenewed: how soon another replica takes over a dead one's work (default 15). */
  leaseSeconds?: number;
  /** Node's process metrics on /metrics too (serve turns them on). */
  processMetrics?: boolean;
}

function deployTargets(options: DeployOptions, policy: RetryPolicy, allow: GitOpsAllowList): Map<string, DeployTarget> {
  const targets = options.targets ?? [
    lazyTarget('kubernetes', async () =>
      (await import('./adapters/targets/kubernetes/index.js')).createKubernetesTarget({
        requestTimeoutMs: policy.timeoutMs,
      }),
    ),
    lazyTarget(
      'gitops',
      async () =>
        (await import('./adapters/targets/gitops/gitops-target.js')).createGitOpsTarget({
          workDir: options.gitWorkDir ?? join(tmpdir(), 'meshbridge-gitops'),
          allow,
        }),
      { atomic: true, exactMatch: true },
    ),
  ];
  return new Map(targets.map((target) => [target.name, target]));
}

/** The operator's GitOps allow-list, or an error naming each entry that is not a plain prefix: serve refuses to start. */
export function gitOpsAllowList(entries: readonly string[]): GitOpsAllowList {
  const { list, problems } = parseGitOpsAllowList(entries);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return list;
}

export interface App {
  app: FastifyInstance;
  deploy: DeployService;
  /** What /metrics reports; services that come later (leases) report through it too. */
  metrics: Metrics;
}

export async function buildApp(
  database: Database,
  logger: FastifyServerOptions['logger'] = false,
  options: DeployOptions = {},
  access: AccessOptions = {},
): Promise<FastifyInstance> {
  return (await buildServices(database, logger, options, access)).app;
}

/** Who may use the API: with authentication on, bearers of an accepted token (and the probes). */
export interface AccessOptions {
  adminToken?: string;
  /** Bearer JWTs of this identity provider are accepted too. */
  oidc?: OidcConfig;
}

/** Authentication is on with an admin token (API tokens are created with it) or an identity provider. */
export function authenticationOn(access: AccessOptions): boolean {
  return Boolean(access.adminToken) || access.oidc !== undefined;
}

function authenticatorFor(access: AccessOptions, tokens: TokenService): Authenticator {
  const ways: Authenticator[] = [];
  if (access.adminToken) ways.push(adminTokenAuthenticator(access.adminToken));
  ways.push(async (token) => (isApiToken(token) ? tokens.authenticate(token) : undefined));
  if (access.oidc) ways.push(oidcAuthenticator(access.oidc));
  return firstAccepting(ways);
}

export async function buildServices(
  database: Database,
  logger: FastifyServerOptions['logger'] = false,
  options: DeployOptions = {},
  access: AccessOptions = {},
): Promise<App> {
  const { store, ledger } = database;
  const deployState = new DeployState(database.deployRecords);
  const metrics = createPrometheusMetrics({ processMetrics: options.processMetrics ?? false });
  const render = timeRenders(
    new RenderService(store, ledger, validateRendered, () => deployState.heldClaims()),
    metrics,
  );
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const gitops = gitOpsAllowList(options.gitopsAllow ?? []);
  const timings = options.leaseSeconds ? leaseTimings(options.leaseSeconds) : DEFAULT_LEASE_TIMINGS;
  const deploy = new DeployService(store, deployState, render, {
    targets: deployTargets(options, policy, gitops),
    concurrency: options.concurrency ?? 8,
    run: { policy, now: () => new Date().toISOString(), metrics },
    leases: new LeaseKeeper(database.leases, replicaId(), timings),
  });
  metrics.watchQueue(() => deploy.queue());
  const tokens = new TokenService(database.access);
  const app = await buildHttpServer(
    {
      resources: new ResourceService(store, { gitops }),
      seedPaths: new SeedPathService(store),
      render,
      checkRoute: new CheckRouteService(render),
      map: new MapService(render, deployReader(store, deploy), () => store.changes()),
      deploy,
      logicalClouds: new LogicalCloudService(store, database.deployRecords, deployState),
      tokens,
      accessRecords: database.access,
      clusterGateway: (params) => clusterGateway(store, params),
      ready: () => store.ping(),
      metrics,
    },
    {
      logger,
      version: VERSION,
      access: {
        ...(authenticationOn(access) ? { authenticate: authenticatorFor(access, tokens) } : {}),
        audit: (event) => database.access.appendAudit(event),
        now: () => new Date(),
      },
    },
  );
  deploy.setLog((message, error) => app.log.error({ err: error }, message));
  const timers = backgroundWork(deploy, options.reconcileSeconds ?? 300, timings.renewMs, (message, error) =>
    app.log.error({ err: error }, message),
  );
  app.addHook('onReady', async () => {
    await deploy.resume();
    timers.start();
  });
  app.addHook('onClose', async () => {
    timers.stop();
    await deploy.idle();
    await store.close();
  });
  return { app, deploy, metrics };
}

/** This process among the replicas, as leases name it: host, pid and a random part (pids repeat across containers). */
function replicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * The deploy service's timers: reconcile passes (a group reconciled by any replica less
 * than half an interval ago is skipped, so replicas share the passes out) and the
 * search for abandoned leases every renewal period.
 */
function backgroundWork(
  deploy: DeployService,
  reconcileSeconds: number,
  takeOverMs: number,
  log: (message: string, error: unknown) => void,
): { start(): void; stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, work: () => Promise<void>, what: string) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void work()
        .catch((error: unknown) => log(what, error))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  return {
    start() {
      const reconcileMs = reconcileSeconds * 1000;
      if (reconcileMs > 0) every(reconcileMs, () => deploy.reconcileAll(reconcileMs / 2), 'reconcile failed');
      every(takeOverMs, () => deploy.takeOver(), 'taking over abandoned operations failed');
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
    },
  };
}

export interface ServeOptions extends StoreOptions, AccessOptions {
  port: number;
  host: string;
  logLevel?: string;
  /** A throwaway SQLite database in memory (tests, benchmarks), whatever dataDir says. */
  inMemory?: boolean;
  /** Master keys sealing secrets at rest; unset: `<dataDir>/master.key` for SQLite, refused for PostgreSQL. */
  masterKey?: KeySource;
  deploy?: DeployOptions;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Loopback addresses: without authentication meshbridge listens on nothing else. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export class UnsafeListenError extends Error {}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!authenticationOn(options) && !isLoopback(options.host))
    throw new UnsafeListenError(
      `refusing to listen on ${options.host} without authentication: anyone who reaches it could read kubeconfigs and keys; set MESHBRIDGE_ADMIN_TOKEN (or --admin-token-file), configure OIDC, or listen on 127.0.0.1`,
    );
  // SQLite serves one process: a second server on the folder is refused before it touches anything.
  const lock = options.inMemory || !isSqlite(options) ? undefined : await lockDataFolder(options.dataDir);
  try {
    const server = await serveOn(options, lock !== undefined);
    return { url: server.url, close: () => server.close().finally(() => lock?.release()) };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * On a SQLite file this process alone holds (`alone`), every lease in it belonged to
 * an earlier process that is gone, so they end now and its operations resume at once.
 */
async function openServedDatabase(
  options: ServeOptions,
  alone: boolean,
): Promise<{ database: OpenedDatabase; notice?: string }> {
  const { keyring, notice } = await masterKeyring(options);
  const database = options.inMemory
    ? await openSqliteDatabase(':memory:', keyring)
    : await openDatabase({ ...options, keyring });
  if (alone) await database.leases.expireAll();
  return { database, ...(notice ? { notice } : {}) };
}

async function serveOn(options: ServeOptions, alone: boolean): Promise<RunningServer> {
  const { database, notice } = await openServedDatabase(options, alone);
  const logger = {
    level: options.logLevel ?? 'info',
    // Request bodies are never logged; these headers would carry credentials.
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  const deploy: DeployOptions = {
    gitWorkDir: join(options.dataDir, 'gitops'),
    processMetrics: true,
    ...(options.inMemory ? { reconcileSeconds: 0 } : {}),
    ...options.deploy,
  };
  const access: AccessOptions = {
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    ...(options.oidc ? { oidc: options.oidc } : {}),
  };
  const app = await buildApp(database, logger, deploy, access);
  if (notice) app.log.warn(notice);
  // Before it answers anything: compiled at a kind's first write instead, a validator holds the
  // event loop (and /healthz) for tens of milliseconds. Offline rendering (in memory) skips it.
  if (!options.inMemory) precompile(KINDS.map((kind) => kind.schema));
  const address = await app.listen({ port: options.port, host: options.host });
  return { url: address, close: () => app.close() };
}

/** `meshbridge keys rotate`: every secret of the configured database sealed under the active master key. */
export async function rotateMasterKeys(options: StoreOptions & { masterKey?: KeySource }): Promise<ResealReport> {
  const { keyring } = await masterKeyring({ ...options, createMissing: false });
  const database = await openDatabase({ ...options, keyring });
  try {
    return await database.resealAll();
  } finally {
    await database.close();
  }
}
