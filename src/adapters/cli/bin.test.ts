/**
 * The real entry point, as a user runs it: `node bin/meshbridge.js ...`, which imports
 * the CLI bundled into `dist/bundle/main.js`. The build runs first so that it matches src/.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, resultRows } from '../../test-support/cli.js';
import { exampleDocuments, examplePath } from '../../test-support/examples.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'meshbridge.js');
const run = promisify(execFile);

/** The environment of a user who has set nothing that meshbridge reads. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MESHBRIDGE_') || key === 'DATABASE_URL') delete env[key];
  return env;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<Finished>;
}

const children = new Set<ChildProcess>();

function start(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      // Let the pipes drain before reporting what was written.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Runs the CLI to completion; never throws on a non-zero exit. */
function meshbridge(...args: string[]): Promise<Finished> {
  return start(args).exited;
}

async function waitUntilReady(url: string, server: Running, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void server.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`the server exited before it was ready:\n${server.output().stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms:\n${server.output().stderr}`);
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-bin-'));
  // bin/meshbridge.js runs dist/bundle/main.js: bundle it from the current sources.
  await run(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT });
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('bin/meshbridge.js', () => {
  test('--help exits 0 and lists serve, apply, get and delete', async () => {
    const result = await meshbridge('--help');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const command of ['serve', 'apply', 'get', 'delete'])
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  test('--version prints the version of package.json', async () => {
    const result = await meshbridge('--version');
    expect(result.code).toBe(0);
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(result.stdout.trim()).toBe(version);
  });

  test('a failing command sets a non-zero exit code', async () => {
    const port = await freePort();
    const result = await meshbridge('get', 'projects', '--server', `http://127.0.0.1:${port}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach meshbridge/);
  });

  test('serve, apply twice, SIGTERM: a clean stop that leaves the SQLite file, and the data survives a restart', async () => {
    const data = join(dir, 'data', 'nested');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const file = examplePath('seed-replication.yaml');
    const documents = await exampleDocuments('seed-replication.yaml');

    const server = start(['serve', '--port', String(port), '--host', '127.0.0.1', '--data', data]);
    await waitUntilReady(url, server);

    const first = await meshbridge('apply', '-f', file, '--server', url);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(resultRows(first.stdout).map((row) => row.result)).toEqual(documents.map(() => 'created'));

    const second = await meshbridge('apply', '-f', file, '--server', url, '-o', 'json');
    expect(second.code).toBe(0);
    const results = JSON.parse(second.stdout) as { result: string }[];
    expect(results).toHaveLength(documents.length);
    expect(results.every((result) => result.result === 'unchanged')).toBe(true);

    server.child.kill('SIGTERM');
    const stopped = await server.exited;
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(0);
    expect(existsSync(join(data, 'meshbridge.db'))).toBe(true);

    // Restarted on the same folder, the server has everything, and MESHBRIDGE_SERVER finds it.
    const again = start(['serve', '--port', String(port), '--host', '127.0.0.1', '--data', data]);
    await waitUntilReady(url, again);
    const listed = await start(['get', 'projects', '-o', 'json'], { ...cleanEnv(), MESHBRIDGE_SERVER: url }).exited;
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([{ metadata: { name: 'replicas' } }]);
    again.child.kill('SIGINT');
    expect((await again.exited).code).toBe(0);
  });
});

describe('render -f from any working directory', () => {
  const emco = join(ROOT, 'examples', 'emco-dtc', 'istio_traffic');
  /** The real CLI with an unrelated temporary folder as its working directory. */
  async function renderFrom(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const cwd = await mkdtemp(join(tmpdir(), 'meshbridge-cwd-'));
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, 'render', ...args], { cwd, env: cleanEnv() });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }

  test("EMCO's istio_traffic files: file: uploads and the values' ../kube paths are the files' own, not the cwd's", async () => {
    const files = ['controllers', 'projects', 'clusters', 'logicalclouds', 'apps', 'intents'];
    const result = await renderFrom([
      ...files.flatMap((file) => ['-f', join(emco, `${file}.yaml`)]),
      '-v',
      join(emco, 'values.yaml'),
      '-o',
      'name',
    ]);
    expect(result.stderr).not.toMatch(/ENOENT|no such file|cannot read/i);
    // Every document that names a file (kubeconfigs, Helm charts) is taken; composite profiles may not be built yet.
    const failures = result.stderr.split('\n').filter((line) => /^document \d+/.test(line));
    expect(failures.filter((line) => !line.includes('composite-profile'))).toEqual([]);
  });

  test("the repository's examples folder (-f DIR) renders every cluster of both seeds", async () => {
    const result = await renderFrom(['-f', join(ROOT, 'examples'), '-o', 'name']);
    expect(result.code).toBe(0);
    const clusters = new Set(
      result.stdout
        .trim()
        .split('\n')
        .map((name) => name.split('/').slice(0, 2).join('/')),
    );
    expect([...clusters].sort()).toEqual(['edge/cluster01', 'edge/cluster02', 'metro/cluster1', 'metro/cluster2']);
  });
});
