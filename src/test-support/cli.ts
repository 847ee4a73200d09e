/**
 * The CLI in-process (`runCli`) against a real HTTP server on 127.0.0.1 with a
 * random port, so that the CLI's own HTTP client is exercised, not `inject`.
 */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { runCli, type ServeRequest } from '../adapters/cli/program.js';
import { withOfflineApi } from '../offline.js';
import { openSqliteDatabase } from '../adapters/storage/sqlite.js';
import { buildApp, type AccessOptions, type Database, type DeployOptions } from '../compose.js';

export interface LiveServer {
  app: FastifyInstance;
  /** The server's database: what it stores, write-only fields (kubeconfigs) unredacted. */
  database: Database;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** GET (or another method) against the server, with the body parsed as JSON when it is JSON. */
  fetchJson(path: string, init?: RequestInit): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** `deploy`: the deploy targets and timings (tests pass in-process targets and `reconcileSeconds: 0`); `access`: authentication. */
export async function startLiveServer(deploy?: DeployOptions, access?: AccessOptions): Promise<LiveServer> {
  const database = await openSqliteDatabase(':memory:');
  const app = await buildApp(database, false, deploy, access);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    database,
    url,
    async fetchJson(path, init) {
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body };
    },
    close: () => app.close(),
  };
}

export interface CliRun {
  code: number;
  /** Everything written to stdout, one entry per write, joined by newlines. */
  stdout: string;
  stderr: string;
  /** With `{tty: true}`: everything written to the terminal as it was written (progress bars, no newlines added). */
  terminal: string;
}

/**
 * Runs `meshbridge ...args` in-process; `serve` is not available here. `tty`: stdout is a terminal;
 * `stdin`: standard input; `interrupt`: the ^C that stops `status --watch`; `out`: sees each line as it is written.
 */
export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { tty?: boolean; stdin?: string; interrupt?: AbortSignal; out?: (text: string) => void } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const terminal: string[] = [];
  const code = await runCli(['node', 'meshbridge', ...args], {
    output: {
      out: (text) => {
        out.push(text);
        options.out?.(text);
      },
      err: (text) => err.push(text),
    },
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    ...(options.tty ? { terminal: { isTTY: true, write: (text: string) => void terminal.push(text) } } : {}),
    ...(options.stdin === undefined ? {} : { stdin: async () => options.stdin as string }),
    env,
    version: '0.0.0-test',
    serve: () => Promise.reject(new Error('serve is not available in this test')),
    withOfflineApi,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), terminal: terminal.join('') };
}

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** The rows of an `apply`/`delete` table: `{index, result, name, anchor}` per document. */
export function resultRows(table: string): { index: number; result: string; name: string; anchor: string }[] {
  const row = /^(\d+)\s+(created|updated|unchanged|accepted|skipped|deleted|absent|failed)\s+(\S+)\s+(\S+)$/;
  return table.split('\n').flatMap((line) => {
    const match = row.exec(line.trim());
    return match
      ? [{ index: Number(match[1]), result: match[2] as string, name: match[3] as string, anchor: match[4] as string }]
      : [];
  });
}

/** Runs `meshbridge serve ...args` without serving: what it would ask the composition root to start. */
export async function serveWith(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; request: ServeRequest | undefined; err: string }> {
  const requests: ServeRequest[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'meshbridge', 'serve', ...args], {
    output: { out: () => {}, err: (text) => err.push(text) },
    env,
    version: '0.0.0-test',
    serve: async (request) => void requests.push(request),
    withOfflineApi: () => Promise.reject(new Error('not used')),
  });
  return { code, request: requests[0], err: err.join('\n') };
}
