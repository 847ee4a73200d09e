/**
 * Entry point of the `meshbridge` command: wires the CLI to the real server and terminal.
 * The server side (compose.ts: Fastify, kysely, the Kubernetes client, simple-git...) is
 * imported only by the commands that run one (`serve`, `keys rotate`), and offline rendering
 * (offline.ts: the services on an in-memory store, without Fastify or kysely) only by
 * `render -f`, so `--help`, `get`, `apply` and the rest start in a fraction of the time
 * (bench/startup.ts).
 */
import { runCli } from './adapters/cli/program.js';
import { VERSION } from './version.js';

const serverSide = () => import('./compose.js');

export async function main(argv: string[]): Promise<number> {
  return runCli(argv, {
    output: { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) },
    env: process.env,
    version: VERSION,
    ...(process.stdout.isTTY ? { terminal: { isTTY: true, write: (text: string) => process.stdout.write(text) } } : {}),
    withOfflineApi: async (work) => (await import('./offline.js')).withOfflineApi(work),
    rotateKeys: async (request) => (await serverSide()).rotateMasterKeys(request),
    serve: async (request) => {
      const { startServer } = await serverSide();
      const server = await startServer(request);
      await new Promise<void>((resolve) => {
        const stop = () => {
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    },
  });
}
