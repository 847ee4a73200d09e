/**
 * Real `meshbridge serve` processes for tests that kill them: each runs the TypeScript
 * source through tsx on a free port, its output kept (the last lines) for failure
 * messages. `kill` is a SIGKILL, nothing graceful; every process still running when the
 * test process exits goes down with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testMasterKeyText } from './keys.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = pathToFileURL(fileURLToPath(new URL('../main.ts', import.meta.url))).href;
/** `src/main.ts` only exports `main` (bin/meshbridge.js calls it on the bundle in dist/bundle/), so call it from the TypeScript source. */
const RUNNER = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(['node', 'meshbridge', ...process.argv.slice(1)]);`;

export const READY_TIMEOUT_MS = 45_000;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The last lines the server wrote, for failure messages. */
  output: string[];
  exited: Promise<void>;
}

export interface ServerExtras {
  /** More arguments after `serve --port … --host … --data …`. */
  args?: string[];
  /** More environment (on top of this process's, without DATABASE_URL). */
  env?: NodeJS.ProcessEnv;
}

/** The servers started and not yet exited. */
export const running = new Set<ServerProcess>();

/** If the test process itself goes away, take the servers with it. */
process.once('exit', () => {
  for (const server of running) server.child.kill('SIGKILL');
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function keepTail(lines: string[], chunk: Buffer): void {
  lines.push(
    ...chunk
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
  if (lines.length > 60) lines.splice(0, lines.length - 60);
}

/** Starts `meshbridge serve` on `dataDir` (and PostgreSQL at `database` when given); resolves once /readyz answers 200. */
export async function startServer(
  dataDir: string,
  database: string | undefined,
  extras: ServerExtras = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  // PostgreSQL needs a configured master key; SQLite makes <data>/master.key, which a restart finds again.
  if (database !== undefined) env.MESHBRIDGE_MASTER_KEY ??= testMasterKeyText;
  Object.assign(env, extras.env);
  const args = [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    RUNNER,
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--data',
    dataDir,
  ];
  if (database !== undefined) args.push('--database', database);
  args.push(...(extras.args ?? []));
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  // Always drained: a full pipe would block the server.
  child.stdout?.on('data', (chunk: Buffer) => keepTail(output, chunk));
  child.stderr?.on('data', (chunk: Buffer) => keepTail(output, chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: ServerProcess = { child, url: `http://127.0.0.1:${port}`, output, exited };
  running.add(server);
  void exited.then(() => running.delete(server));
  await waitReady(server);
  return server;
}

export async function waitReady(server: ServerProcess, timeoutMs: number = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `the server exited before it was ready (${server.child.exitCode ?? server.child.signalCode}):\n${server.output.join('\n')}`,
      );
    }
    try {
      const response = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not answer /readyz with 200 within ${timeoutMs} ms:\n${server.output.join('\n')}`);
}

/** SIGKILL, then waits (up to 10 s) for the process to be gone. */
export async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null && server.child.pid !== undefined) {
    process.kill(server.child.pid, 'SIGKILL');
  }
  await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
}

export async function killAll(): Promise<void> {
  await Promise.all([...running].map(kill));
}
