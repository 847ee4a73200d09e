/**
 * A deployable world for tests: an example scenario applied through the API, each of
 * its clusters backed by its own fake Kubernetes API server (or a GitOps repository),
 * and the deploy service at hand to wait on.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { expect } from 'vitest';
import { openSqliteDatabase } from '../adapters/storage/sqlite.js';
import { createGitOpsTarget } from '../adapters/targets/gitops/index.js';
import { createKubernetesTarget } from '../adapters/targets/kubernetes/index.js';
import { buildServices, gitOpsAllowList, type Database, type DeployOptions } from '../compose.js';
import type { DeployService } from '../service/deploy/deploy-service.js';
import { injectRequest, type ApiResponse } from './api.js';
import { exampleDocuments } from './examples.js';
import { startFakeKube, type FakeKube } from './fake-kube/index.js';

export const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };

export interface DeployWorld {
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  deploy: DeployService;
  database: Database;
  /** One fake API server per cluster, by `provider/cluster` (Kubernetes worlds). */
  fleet: Map<string, FakeKube>;
  /** The GitOps repository (GitOps worlds). */
  repository?: string;
  /** Waits until no operation runs. */
  settle(): Promise<void>;
  /** A new server over the same database and fleet, as after a restart. */
  restart(): Promise<DeployWorld>;
  close(): Promise<void>;
}

export interface WorldOptions {
  target: 'kubernetes' | 'gitops';
  database?: Database;
  deploy?: DeployOptions;
}

interface ClusterDocument {
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

async function startWorld(
  database: Database,
  fleet: Map<string, FakeKube>,
  extra: { repository?: string; workDir: string; options: WorldOptions; cleanup: () => Promise<void> },
): Promise<DeployWorld> {
  const targets = [
    createKubernetesTarget({ requestTimeoutMs: FAST_RETRY.timeoutMs }),
    createGitOpsTarget({ workDir: extra.workDir, allow: gitOpsAllowList([extra.workDir]) }),
  ];
  const { app, deploy } = await buildServices(database, false, {
    targets,
    reconcileSeconds: 0,
    retry: FAST_RETRY,
    concurrency: 4,
    gitopsAllow: [extra.workDir],
    ...extra.options.deploy,
  });
  await app.ready();
  const world: DeployWorld = {
    request: (method, url, body, headers) => injectRequest(app, method, url, body, headers),
    deploy,
    database,
    fleet,
    ...(extra.repository ? { repository: extra.repository } : {}),
    settle: () => deploy.idle(),
    async restart() {
      // The store stays open: the next server takes it over, as a restarted process would reopen it.
      const keep = { ...database, store: Object.create(database.store, { close: { value: async () => {} } }) };
      await app.close();
      return startWorld(keep as Database, fleet, extra);
    },
    async close() {
      await app.close();
      await database.store.close();
      await extra.cleanup();
    },
  };
  return world;
}

/** Where an example's clusters deploy to: fresh fake API servers (added to `fleet`) or one GitOps repository. */
export type ExampleTargets = { fleet: Map<string, FakeKube> } | { repository: string };

/** The documents of `file`, each cluster's spec pointed at its deploy target. */
export async function exampleDocumentsFor(
  file: string,
  targets: ExampleTargets,
): Promise<{ anchor: string; body: ClusterDocument }[]> {
  const documents = await exampleDocuments(file);
  const namespaces = documents
    .filter((document) => /\/logical-clouds$/.test(document.anchor))
    .map((document) => (document.body as { spec?: { namespace?: string } }).spec?.namespace)
    .filter((namespace): namespace is string => namespace !== undefined);
  const prepared: { anchor: string; body: ClusterDocument }[] = [];
  for (const document of documents) {
    const body = structuredClone(document.body) as unknown as ClusterDocument;
    const cluster = /^cluster-providers\/([^/]+)\/clusters$/.exec(document.anchor);
    if (cluster && 'fleet' in targets) {
      const fake = await startFakeKube({ namespaces: ['default', 'kube-system', 'istio-system', ...namespaces] });
      targets.fleet.set(`${cluster[1]}/${body.metadata.name}`, fake);
      body.spec = { ...body.spec, kubeconfig: fake.kubeconfig };
    } else if (cluster && 'repository' in targets) {
      const gitops = { repository: targets.repository, path: 'clusters' };
      body.spec = { ...body.spec, deploy: { target: 'gitops', gitops } };
    }
    prepared.push({ anchor: document.anchor, body });
  }
  return prepared;
}

/** Applies `file` with every cluster deploying to a fresh fake API server or to one GitOps repository. */
export async function deployWorld(file: string, options: WorldOptions): Promise<DeployWorld> {
  const database = options.database ?? (await openSqliteDatabase(':memory:'));
  const workDir = await mkdtemp(join(tmpdir(), 'meshbridge-deploy-'));
  const repository = join(workDir, 'repo.git');
  const fleet = new Map<string, FakeKube>();
  const cleanup = async () => {
    await Promise.all([...fleet.values()].map((fake) => fake.close()));
    await rm(workDir, { recursive: true, force: true });
  };
  const gitops = options.target === 'gitops';
  const world = await startWorld(database, fleet, { ...(gitops ? { repository } : {}), workDir, options, cleanup });
  if (gitops) {
    await mkdir(repository, { recursive: true });
    await simpleGit(repository).init(['--bare', '--initial-branch=main']);
  }
  for (const document of await exampleDocumentsFor(file, gitops ? { repository } : { fleet })) {
    const response = await world.request('POST', `/v2/${document.anchor}`, document.body);
    expect(response.status, `${document.anchor}: ${JSON.stringify(response.json)}`).toBe(201);
  }
  return world;
}

/** The group paths of an example: `/v2/projects/.../deployment-intent-groups/<name>`. */
export async function groupPaths(file: string): Promise<string[]> {
  return (await exampleDocuments(file))
    .filter((document) => /\/deployment-intent-groups$/.test(document.anchor))
    .map((document) => `/v2/${document.anchor}/${(document.body as unknown as ClusterDocument).metadata.name}`);
}
