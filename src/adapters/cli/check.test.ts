/** `meshbridge check route` in-process against a real HTTP server: the split, the verdicts and the exit codes. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, startLiveServer, type LiveServer } from '../../test-support/cli.js';
import { examplePath } from '../../test-support/examples.js';

let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
  for (const file of ['seed-replication.yaml', 'seed-two-clouds.yaml']) {
    const applied = await cli(['apply', '-f', examplePath(file), '--server', server.url]);
    if (applied.code !== 0) throw new Error(applied.stderr);
  }
});
afterAll(async () => server?.close());

const checkRoute = (...args: string[]) => cli(['check', 'route', ...args, '--server', server.url]);

/** The rows of the DESTINATION table: `[destination, cluster, share, verdict, reason]`. */
function rows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('DESTINATION'));
  if (start === -1) return [];
  const body: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const match = /^(\S+)\s+(\S+)\s+(\d+\.\d\d%)\s+(delivered|refused at \S+)\s+(.*)$/.exec(line);
    if (match) body.push(match.slice(1));
  }
  return body;
}

describe('check route', () => {
  const replication = ['--from', 'sleep', '--to', 'service01', '--cluster', 'metro/cluster1'];

  test('prints the 50/25/25 split of seed 001 and exits 0', async () => {
    const result = await checkRoute(...replication, '--path', '/headers');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Route: VirtualService bar/service01-split, rule rule-0 (uri prefix /headers)');
    expect(rows(result.stdout).map((row) => row.slice(0, 3))).toEqual([
      ['serviceserver04.bar.bar', 'metro/cluster2', '50.00%'],
      ['serviceserver01.bar.svc.cluster.local', 'metro/cluster1', '25.00%'],
      ['serviceserver02.bar.svc.cluster.local', 'metro/cluster1', '25.00%'],
    ]);
    expect(rows(result.stdout).every((row) => row[3] === 'delivered')).toBe(true);
    expect(rows(result.stdout).every((row) => row[4]?.startsWith('allowed by bar/serviceserver0'))).toBe(true);
    expect(result.stdout).toContain('✓ gateway       metro/cluster2');
    expect(result.stdout).toContain('Result: delivered to 3 destinations');
  });

  test('-o json gives the whole answer', async () => {
    const result = await checkRoute(...replication, '--path', '/headers', '-o', 'json');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.destinations.map((destination: { share: number }) => destination.share)).toEqual([50, 25, 25]);
    expect(answer.virtualService).toBe('bar/service01-split');
    expect(answer.ok).toBe(true);
  });

  test('a path no rule routes reaches nothing: exit 1', async () => {
    const result = await checkRoute(...replication, '--path', '/status');
    expect(result.code).toBe(1);
    expect(rows(result.stdout)).toEqual([]);
    expect(result.stdout).toContain('answers 404 (no route)');
    expect(result.stdout).toContain('Result: the call reaches no destination');
  });

  const httpbin = ['--from', 'sleep', '--to', 'httpbin.namespace02.logicalcloud02', '--cluster', 'edge/cluster01'];

  test('an allowed cross-cluster call exits 0', async () => {
    const result = await checkRoute(...httpbin, '--path', '/status/200');
    expect(result.code).toBe(0);
    expect(rows(result.stdout)).toEqual([
      [
        'httpbin.namespace02.logicalcloud02',
        'edge/cluster02',
        '100.00%',
        'delivered',
        'allowed by namespace02/httpbin-callers rule 1: principal cluster.local/ns/namespace01/sa/sleep, GET /status*',
      ],
    ]);
  });

  test('a refused call says why and exits 1', async () => {
    const result = await checkRoute(...httpbin, '--path', '/status', '--method', 'post');
    expect(result.code).toBe(1);
    expect(rows(result.stdout)[0]?.slice(3)).toEqual([
      'refused at authorization',
      'refused: namespace02/httpbin-callers admits cluster.local/ns/namespace01/sa/sleep only for GET /headers, /status*',
    ]);
    expect(result.stdout).toContain('✗ authorization edge/cluster02');
    expect(result.stdout).toContain('Result: 1 of 1 destination refused (at authorization)');
  });

  test('an error of the server is printed with its fields, exit 1', async () => {
    const result = await checkRoute(
      '--from',
      'sleep',
      '--to',
      'service01',
      '--cluster',
      'edge/cluster02',
      '--path',
      '/',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('400 sleep is not placed in edge/cluster02');
    expect(result.stderr).toContain('  from: ');
  });

  test('required options are required', async () => {
    const result = await checkRoute('--from', 'sleep');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("required option '--to <host>' not specified");
  });

  test('--help explains the exit status', async () => {
    const result = await cli(['check', 'route', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit status: 0 when every destination the call is sent to is delivered');
  });
});
