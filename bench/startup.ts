/**
 * `npm run bench:startup [-- --runs 10]`
 *
 * How long the CLI (`node bin/meshbridge.js`, the esbuild bundle in dist/bundle/) takes from spawn to
 * exit, against a bare `node -e 0`: `--help`, `version --client`, `get projects` and
 * `apply -f` of a one-document file against a running server (in this process, not
 * timed), and `render -f` of an example (offline: the services on an in-memory store, no
 * server, src/offline.ts). Runs are interleaved and the median is taken, so a busy machine
 * slows every command alike. Prints one JSON object; the goals are `ratio` at most 4 for
 * help, get and apply, and `renderToHelp` (render -f against --help) at most 4. Build
 * first (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startServer } from '../src/compose.js';
import { median } from './figures.js';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'meshbridge.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const GOAL = 4;

if (!existsSync(join(root, 'dist', 'bundle', 'main.js'))) {
  process.stderr.write('dist/bundle/ is missing: run npm run build first\n');
  process.exit(1);
}

function timed(args: string[]): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')}: exit ${code}\n${stderr}`)),
    );
  });
}

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: ':memory:',
  inMemory: true,
  logLevel: 'silent',
});
const dir = await mkdtemp(join(tmpdir(), 'meshbridge-startup-'));
try {
  const small = join(dir, 'small.yaml');
  await writeFile(small, 'version: emco/v2\nresourceContext:\n  anchor: projects\nmetadata:\n  name: startup\n');
  const commands: Record<string, string[]> = {
    nodeBare: ['-e', '0'],
    help: [bin, '--help'],
    versionClient: [bin, 'version', '--client'],
    get: [bin, 'get', 'projects', '--server', server.url],
    apply: [bin, 'apply', '-f', small, '--server', server.url],
    render: [bin, 'render', '-f', join(root, 'examples', 'seed-two-clouds.yaml')],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, args] of Object.entries(commands)) samples[name]?.push(await timed(args));
  }
  const ms = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, Math.round(median(list))]));
  const bare = ms.nodeBare as number;
  const ratio = Object.fromEntries(
    Object.entries(ms)
      .filter(([name]) => name !== 'nodeBare')
      .map(([name, value]) => [name, Math.round((value / bare) * 10) / 10]),
  );
  const held = ['help', 'versionClient', 'get', 'apply'];
  const renderToHelp = Math.round(((ms.render as number) / (ms.help as number)) * 10) / 10;
  process.stdout.write(
    `${JSON.stringify(
      {
        runs,
        nodeBareMs: bare,
        helpMs: ms.help,
        versionClientMs: ms.versionClient,
        getMs: ms.get,
        applyMs: ms.apply,
        renderMs: ms.render,
        ratio,
        renderToHelp,
        goal: `at most ${GOAL}x node -e 0 for ${held.join(', ')}; render -f at most ${GOAL}x --help`,
        goalMet: held.every((name) => (ratio[name] as number) <= GOAL) && renderToHelp <= GOAL,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
