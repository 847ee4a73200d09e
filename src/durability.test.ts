/**
 * The SIGKILL durability check, on both databases: a real `meshbridge serve` process
 * takes a stream of writes from concurrent workers over HTTP, is killed with SIGKILL
 * in the middle of it, and is started again on the same data. Every write that had
 * been answered 2xx must be there: created resources exist, the description of each
 * updated resource is the last acknowledged one (or the one of a request still in
 * flight at the kill, which may or may not have committed), deleted resources are gone
 * (unless re-created). Three kill/restart cycles per database.
 *
 * Each worker owns its resources and sends one request at a time, so the order of
 * the writes to any one resource is known, and at most one write per worker is in
 * doubt at the kill. Rerun a stream with `DURABILITY_SEED=<seed>` (the kill timing
 * still varies).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { describePostgres, freshPostgresDatabase, type FreshDatabase } from './test-support/postgres.js';
import { kill, killAll, startServer, type ServerProcess } from './test-support/server-process.js';

const CYCLES = 3;
const WORKERS = 6;
const REQUEST_TIMEOUT_MS = 10_000;
/** A worker that has not seen the kill after this long stops anyway. */
const STREAM_LIMIT_MS = 20_000;

// ---------------------------------------------------------------------------
// What the workers believe is stored.

type Kind = 'project' | 'logicalCloud' | 'clusterProvider' | 'cluster';

interface State {
  exists: boolean;
  description: string | null;
}

interface Resource {
  key: string;
  kind: Kind;
  name: string;
  parent: Resource | undefined;
  /** The state after the last write answered 2xx. */
  acked: State;
  /** The state the write in flight would leave, when one was sent and not answered. */
  pending: State | undefined;
  /** Who writes it: a worker's number, or -1 for the shared project nobody changes. */
  owner: number;
  history: string[];
}

interface Model {
  resources: Map<string, Resource>;
  counters: number[];
  random: () => number;
}

/** mulberry32: small, seedable, good enough to pick operations. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function collectionOf(kind: Kind, parent: Resource | undefined): string {
  switch (kind) {
    case 'project':
      return 'projects';
    case 'clusterProvider':
      return 'cluster-providers';
    case 'logicalCloud':
      return `${(parent as Resource).key}/logical-clouds`;
    case 'cluster':
      return `${(parent as Resource).key}/clusters`;
  }
}

function bodyOf(resource: Resource, description: string): Record<string, unknown> {
  const metadata = { name: resource.name, description };
  switch (resource.kind) {
    case 'logicalCloud':
      return { metadata, spec: { namespace: 'durability' } };
    case 'cluster':
      return { metadata, spec: { locality: { region: 'r1', zone: 'z1' }, mesh: { network: `net-${resource.name}` } } };
    default:
      return { metadata };
  }
}

function newResource(model: Model, kind: Kind, name: string, parent: Resource | undefined, owner: number): Resource {
  const key = `${collectionOf(kind, parent)}/${name}`;
  const resource: Resource = {
    key,
    kind,
    name,
    parent,
    acked: { exists: false, description: null },
    pending: undefined,
    owner,
    history: [],
  };
  model.resources.set(key, resource);
  return resource;
}

function hasChildren(model: Model, resource: Resource): boolean {
  for (const candidate of model.resources.values()) {
    if (candidate.parent === resource && (candidate.acked.exists || candidate.pending?.exists)) return true;
  }
  return false;
}

interface Operation {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: Record<string, unknown> | undefined;
  resource: Resource;
  after: State;
}

function pick<T>(random: () => number, items: T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

/** The next write of worker `id`, on its own resources (children may go under the shared project). */
function nextOperation(model: Model, id: number): Operation {
  const { random } = model;
  const mine = [...model.resources.values()].filter((resource) => resource.owner === id);
  const existing = mine.filter((resource) => resource.acked.exists);
  const shared = [...model.resources.values()].filter((resource) => resource.owner === -1);
  const sequence = () => (model.counters[id] = (model.counters[id] ?? 0) + 1);
  const description = () => `w${id}-d${sequence()}-${Math.floor(random() * 1e6)}`;
  const create = (resource: Resource): Operation => {
    const text = description();
    return {
      method: 'POST',
      path: collectionOf(resource.kind, resource.parent),
      body: bodyOf(resource, text),
      resource,
      after: { exists: true, description: text },
    };
  };

  const roll = random();
  if (roll < 0.12 || existing.length === 0) {
    const kind: Kind = random() < 0.5 ? 'project' : 'clusterProvider';
    return create(newResource(model, kind, `w${id}-${kind === 'project' ? 'p' : 'cp'}${sequence()}`, undefined, id));
  }
  if (roll < 0.4) {
    const parents = [
      ...existing.filter((resource) => resource.kind === 'project' || resource.kind === 'clusterProvider'),
      ...shared,
    ];
    const parent = pick(random, parents) as Resource;
    const kind: Kind = parent.kind === 'project' ? 'logicalCloud' : 'cluster';
    return create(newResource(model, kind, `w${id}-${kind === 'cluster' ? 'c' : 'lc'}${sequence()}`, parent, id));
  }
  if (roll < 0.75) {
    const resource = pick(random, existing) as Resource;
    const text = description();
    return {
      method: 'PUT',
      path: resource.key,
      body: bodyOf(resource, text),
      resource,
      after: { exists: true, description: text },
    };
  }
  if (roll < 0.9) {
    const leaves = existing.filter((resource) => !hasChildren(model, resource));
    const resource = pick(random, leaves);
    if (resource)
      return {
        method: 'DELETE',
        path: resource.key,
        body: undefined,
        resource,
        after: { exists: false, description: null },
      };
  }
  const gone = mine.filter(
    (resource) => !resource.acked.exists && (resource.parent === undefined || resource.parent.acked.exists),
  );
  const again = pick(random, gone);
  if (again) return create(again);
  return create(newResource(model, 'project', `w${id}-p${sequence()}`, undefined, id));
}

// ---------------------------------------------------------------------------
// One cycle: a stream of writes, a SIGKILL in the middle, a restart, the check.

interface StreamReport {
  acknowledged: number;
  inDoubt: number;
  /** HTTP answers other than 2xx: the workers only send writes that should succeed. */
  unexpected: string[];
}

async function runStream(server: ServerProcess, model: Model, killAfterMs: number): Promise<StreamReport> {
  const report: StreamReport = { acknowledged: 0, inDoubt: 0, unexpected: [] };
  const deadline = Date.now() + STREAM_LIMIT_MS;
  const worker = async (id: number) => {
    while (Date.now() < deadline) {
      const operation = nextOperation(model, id);
      const { resource } = operation;
      resource.pending = operation.after;
      let status: number;
      let text = '';
      try {
        const response = await fetch(`${server.url}/v2/${operation.path}`, {
          method: operation.method,
          ...(operation.body
            ? { body: JSON.stringify(operation.body), headers: { 'content-type': 'application/json' } }
            : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = response.status;
        // The status line came after the commit; a body cut off by the kill does not undo it.
        text = await response.text().catch(() => '');
      } catch {
        // No answer: the server is gone. This write may or may not have committed.
        resource.history.push(`${operation.method} -> no answer (in doubt: ${JSON.stringify(operation.after)})`);
        report.inDoubt += 1;
        return;
      }
      resource.pending = undefined;
      if (status >= 200 && status < 300) {
        resource.acked = operation.after;
        resource.history.push(`${operation.method} -> ${status} ${JSON.stringify(operation.after)}`);
        report.acknowledged += 1;
      } else {
        resource.history.push(`${operation.method} -> ${status}`);
        report.unexpected.push(`${operation.method} /v2/${operation.path} -> ${status}: ${text.slice(0, 300)}`);
      }
    }
  };
  const killer = (async () => {
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    await kill(server);
  })();
  await Promise.all([...Array.from({ length: WORKERS }, (_, id) => worker(id)), killer]);
  return report;
}

async function observe(server: ServerProcess, resource: Resource): Promise<State> {
  const response = await fetch(`${server.url}/v2/${resource.key}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (response.status === 404) return { exists: false, description: null };
  if (response.status !== 200)
    throw new Error(`GET /v2/${resource.key} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { metadata?: { description?: string } };
  return { exists: true, description: body.metadata?.description ?? null };
}

function same(a: State, b: State | undefined): boolean {
  return b !== undefined && a.exists === b.exists && (!a.exists || a.description === b.description);
}

/** Checks every resource against the model; then what is stored becomes what the model knows. */
async function verify(server: ServerProcess, model: Model): Promise<string[]> {
  const problems: string[] = [];
  for (const resource of model.resources.values()) {
    const stored = await observe(server, resource);
    if (!same(stored, resource.acked) && !same(stored, resource.pending)) {
      problems.push(
        `/v2/${resource.key}: stored ${JSON.stringify(stored)}, but the last acknowledged write left ${JSON.stringify(resource.acked)}` +
          `${resource.pending ? ` and the write in doubt would leave ${JSON.stringify(resource.pending)}` : ''}; history: ${resource.history.slice(-5).join('; ')}`,
      );
    }
    resource.acked = stored;
    resource.pending = undefined;
  }
  // Nothing that was never written (or was deleted) shows up in the lists either.
  for (const collection of ['projects', 'cluster-providers']) {
    const response = await fetch(`${server.url}/v2/${collection}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const listed = ((await response.json()) as { metadata: { name: string } }[])
      .map((item) => `${collection}/${item.metadata.name}`)
      .sort();
    const expected = [...model.resources.values()]
      .filter(
        (resource) =>
          resource.key.startsWith(`${collection}/`) && resource.parent === undefined && resource.acked.exists,
      )
      .map((resource) => resource.key)
      .sort();
    if (JSON.stringify(listed) !== JSON.stringify(expected))
      problems.push(`GET /v2/${collection} lists ${listed.join(', ')}; expected ${expected.join(', ')}`);
  }
  return problems;
}

async function killAndRestartCycles(dataDir: string, database: string | undefined, label: string): Promise<void> {
  const seed =
    process.env.DURABILITY_SEED === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : Number(process.env.DURABILITY_SEED);
  const model: Model = { resources: new Map(), counters: [], random: seededRandom(seed) };
  const context = `[${label}, DURABILITY_SEED=${seed}]`;

  let server = await startServer(dataDir, database);
  const sharedProject = newResource(model, 'project', 'shared', undefined, -1);
  const created = await fetch(`${server.url}/v2/projects`, {
    method: 'POST',
    body: JSON.stringify(bodyOf(sharedProject, 'shared by every worker')),
    headers: { 'content-type': 'application/json' },
  });
  expect(created.status, context).toBe(201);
  sharedProject.acked = { exists: true, description: 'shared by every worker' };

  for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
    const killAfterMs = 200 + Math.floor(model.random() * 600);
    const started = Date.now();
    const report = await runStream(server, model, killAfterMs);
    expect(server.child.signalCode, `${context} cycle ${cycle}: the server should have died of SIGKILL`).toBe(
      'SIGKILL',
    );

    server = await startServer(dataDir, database);
    const problems = await verify(server, model);
    const alive = [...model.resources.values()].filter((resource) => resource.acked.exists).length;
    process.stderr.write(
      `durability ${context} cycle ${cycle}: killed after ${killAfterMs} ms; ${report.acknowledged} writes acknowledged, ` +
        `${report.inDoubt} in flight at the kill; ${alive} resources stored; cycle took ${Date.now() - started} ms\n`,
    );
    expect(report.unexpected, `${context} cycle ${cycle}: answers other than 2xx before the kill`).toEqual([]);
    expect(problems, `${context} cycle ${cycle}: acknowledged writes lost or changed after SIGKILL`).toEqual([]);
    expect(
      report.acknowledged,
      `${context} cycle ${cycle}: the stream should have written something before the kill`,
    ).toBeGreaterThan(0);
  }
  await kill(server);
}

// ---------------------------------------------------------------------------

describe('SIGKILL durability [SQLite]', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meshbridge-durability-'));
  });

  afterEach(killAll);

  afterAll(async () => {
    await killAll();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('every write answered 2xx survives SIGKILL, over three kill/restart cycles', { timeout: 240_000 }, async () => {
    await killAndRestartCycles(dataDir, undefined, 'SQLite');
    expect(existsSync(join(dataDir, 'meshbridge.db'))).toBe(true);
  });
});

describePostgres('SIGKILL durability [PostgreSQL]', () => {
  let dataDir: string;
  let database: FreshDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meshbridge-durability-'));
    database = await freshPostgresDatabase();
  });

  afterEach(killAll);

  afterAll(async () => {
    await killAll();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('every write answered 2xx survives SIGKILL, over three kill/restart cycles', { timeout: 240_000 }, async () => {
    await killAndRestartCycles(dataDir, (database as FreshDatabase).url, 'PostgreSQL');
    // --database was honoured: nothing went to an SQLite file in the data folder.
    expect(existsSync(join(dataDir, 'meshbridge.db'))).toBe(false);
  });
});
