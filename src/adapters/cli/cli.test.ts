/**
 * `meshbridge apply | get | delete` in-process against a real HTTP server on 127.0.0.1,
 * so that the CLI's own HTTP client (JSON and multipart) goes over a socket.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { itemPathOf } from '../../core/model/addresses.js';
import { cli, freePort, resultRows, startLiveServer, type LiveServer } from '../../test-support/cli.js';
import { EXAMPLE_FILES, exampleDocuments, examplePath } from '../../test-support/examples.js';

const TWO_CLOUDS = examplePath('seed-two-clouds.yaml');
const REPLICATION = examplePath('seed-replication.yaml');
const SEED_VERSION = 'projects/demo/composite-apps/blue-app/v1';

let server: LiveServer;
let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await startLiveServer();
});
afterEach(async () => {
  await server.close();
});

/** `meshbridge <args> --server <the test server>` */
const run = (...args: string[]) => cli([...args, '--server', server.url]);

async function fileWith(text: string, name = `file-${files++}.yaml`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const doc = (anchor: string, body: string) => `version: emco/v2\nresourceContext:\n  anchor: ${anchor}\n${body}`;

describe('apply -f', () => {
  test.each(EXAMPLE_FILES)('creates every document of examples/%s, then reports every one unchanged', async (file) => {
    const documents = await exampleDocuments(file);

    const first = await run('apply', '-f', examplePath(file));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const created = resultRows(first.stdout);
    expect(created.map((row) => row.index)).toEqual(documents.map((document) => document.index));
    expect(created.map((row) => row.anchor)).toEqual(documents.map((document) => document.anchor));
    expect(created.every((row) => row.result === 'created')).toBe(true);
    expect(first.stdout).toContain(`${documents.length} created`);

    const second = await run('apply', '-f', examplePath(file));
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const again = resultRows(second.stdout);
    expect(again).toHaveLength(documents.length);
    expect(again.filter((row) => row.result !== 'unchanged')).toEqual([]);
    expect(second.stdout).toContain(`${documents.length} unchanged`);
  });

  test('a changed document is reported updated; every other document unchanged', async () => {
    expect((await run('apply', '-f', TWO_CLOUDS)).code).toBe(0);
    const text = await readFile(TWO_CLOUDS, 'utf8');
    const original = '  description: two edge clusters, each with Istio and an east-west gateway on 15443\n';
    expect(text).toContain(original);
    const changed = await fileWith(text.replace(original, '  description: now with a new description\n'));

    const result = await run('apply', '-f', changed);
    expect(result.code).toBe(0);
    const rows = resultRows(result.stdout);
    expect(rows.filter((row) => row.result === 'updated')).toEqual([
      { index: 1, result: 'updated', name: 'edge', anchor: 'cluster-providers' },
    ]);
    expect(rows.filter((row) => row.result === 'unchanged')).toHaveLength(rows.length - 1);
    expect((await server.fetchJson('/v2/cluster-providers/edge')).body.metadata.description).toBe(
      'now with a new description',
    );

    // A change deep inside a seed-path traffic intent is an update too.
    const deeper = await fileWith(text.replace('httpCookie: user1', 'httpCookie: user9'));
    const rows2 = resultRows((await run('apply', '-f', deeper)).stdout);
    expect(rows2.filter((row) => row.result === 'updated').map((row) => row.name)).toEqual(['edge', 'httpbin-inbound']);
  });

  test('-o json prints one parseable result per document', async () => {
    const documents = await exampleDocuments('seed-replication.yaml');
    const result = await run('apply', '-f', REPLICATION, '-o', 'json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { index: number; anchor: string; name: string; result: string }[];
    expect(parsed).toEqual(
      documents.map((document) => ({
        index: document.index,
        anchor: document.anchor,
        name: (document.body.metadata as { name: string }).name,
        path: itemPathOf(document),
        result: 'created',
      })),
    );
    const again = JSON.parse((await run('apply', '-f', REPLICATION, '-o', 'json')).stdout) as { result: string }[];
    expect(new Set(again.map((row) => row.result))).toEqual(new Set(['unchanged']));
  });

  test('-o yaml prints the results as YAML', async () => {
    const result = await run('apply', '-f', REPLICATION, '-o', 'yaml');
    expect(result.code).toBe(0);
    const parsed = parseYaml(result.stdout) as { result: string }[];
    expect(parsed.length).toBe((await exampleDocuments('seed-replication.yaml')).length);
    expect(parsed[0]).toMatchObject({ index: 1, anchor: 'cluster-providers', name: 'metro', result: 'created' });
  });

  const withBadCluster = () =>
    fileWith(
      [
        doc('cluster-providers', 'metadata:\n  name: p1\n'),
        doc('cluster-providers/p1/clusters', 'metadata:\n  name: c1\nspec:\n  locality:\n    regoin: typo\n'),
        doc('projects', 'metadata:\n  name: after-the-bad-one\n'),
      ].join('---\n'),
    );

  test('a bad document fails with exit 1 and names the bad field; the other documents are still applied', async () => {
    const result = await run('apply', '-f', await withBadCluster());
    expect(result.code).toBe(1);
    expect(resultRows(result.stdout).map((row) => row.result)).toEqual(['created', 'failed', 'created']);
    expect(result.stdout).toContain('2 created, 1 failed');
    expect(result.stderr).toMatch(/document 2 \(c1\): 400/);
    expect(result.stderr).toContain('regoin');
    expect((await server.fetchJson('/v2/cluster-providers/p1/clusters/c1')).status).toBe(404);
    expect((await server.fetchJson('/v2/projects/after-the-bad-one')).status).toBe(200);
  });

  test('--stop-on-failure stops at the first failed document', async () => {
    const result = await run('apply', '-f', await withBadCluster(), '--stop-on-failure');
    expect(result.code).toBe(1);
    expect(resultRows(result.stdout).map((row) => row.result)).toEqual(['created', 'failed']);
    expect(result.stderr).toContain('regoin');
    expect((await server.fetchJson('/v2/projects/after-the-bad-one')).status).toBe(404);
  });

  test('-o json reports the failure with its error, and still exits 1', async () => {
    const result = await run('apply', '-f', await withBadCluster(), '-o', 'json');
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { result: string; error?: string }[];
    expect(parsed.map((row) => row.result)).toEqual(['created', 'failed', 'created']);
    expect(parsed[1]?.error).toContain('regoin');
  });

  test('a document whose parent is missing fails with the 404', async () => {
    const path = await fileWith(
      doc('projects/nowhere/logical-clouds', 'metadata:\n  name: lc\nspec:\n  namespace: ns\n'),
    );
    const result = await run('apply', '-f', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/document 1 \(lc\): 404/);
    expect(result.stderr).toContain('nowhere');
  });

  test('-v fills {{.Key}} from a values file', async () => {
    const values = await fileWith('Project: from-values\nNamespace: ns-from-values\n', `values-${files++}.yaml`);
    const path = await fileWith(
      [
        doc('projects', 'metadata:\n  name: "{{.Project}}"\n'),
        doc('projects/{{ .Project }}/logical-clouds', 'metadata:\n  name: lc\nspec:\n  namespace: {{.Namespace}}\n'),
      ].join('---\n'),
    );
    const result = await run('apply', '-f', path, '-v', values);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(resultRows(result.stdout).map((row) => row.anchor)).toEqual([
      'projects',
      'projects/from-values/logical-clouds',
    ]);
    const stored = await server.fetchJson('/v2/projects/from-values/logical-clouds/lc');
    expect(stored.status).toBe(200);
    expect(stored.body.spec.namespace).toBe('ns-from-values');

    const missing = await run('apply', '-f', path);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*Project.*Namespace/);
  });

  test('a Go template error is exit 1 with the file and line, and nothing is sent', async () => {
    const path = await fileWith(
      `${doc('projects', 'metadata:\n  name: first\n')}{{- range .Apps }}\n`,
      'unclosed.yaml',
    );
    const result = await run('apply', '-f', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: template: unclosed\.yaml:\d+: unexpected EOF/);
    expect((await server.fetchJson('/v2/projects')).body).toEqual([]);
  });

  test('a file that cannot be read or parsed is exit 1 with a message, and nothing is sent', async () => {
    const missing = await run('apply', '-f', join(dir, 'missing.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read .*missing\.yaml/);

    const broken = await fileWith(`${doc('projects', 'metadata:\n  name: first\n')}---\nmetadata: {name: [\n`);
    const result = await run('apply', '-f', broken);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/document 2 is not valid YAML/);
    expect((await server.fetchJson('/v2/projects')).body).toEqual([]);
  });

  test('-f is required', async () => {
    const result = await run('apply');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--file/);
  });

  test('a document with file: is uploaded as multipart, and the file can be downloaded again', async () => {
    const chart = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0xff, 0x0a, 0x7b, 0x7d]);
    const chartName = `chart-${files++}.tgz`;
    await writeFile(join(dir, chartName), chart);
    const path = await fileWith(
      [
        doc('projects', 'metadata:\n  name: charts\n'),
        doc('projects/charts/composite-apps', 'metadata:\n  name: ca\nspec:\n  compositeAppVersion: v1\n'),
        doc(
          'projects/charts/composite-apps/ca/v1/apps',
          `metadata:\n  name: web\n  description: with a chart\nfile: ${chartName}\n`,
        ),
      ].join('---\n'),
    );
    const result = await run('apply', '-f', path);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const app = await server.fetchJson('/v2/projects/charts/composite-apps/ca/v1/apps/web');
    expect(app.body).toEqual({
      metadata: { name: 'web', description: 'with a chart' },
      spec: { serviceAccount: 'web' },
    });
    const download = await fetch(`${server.url}/v2/projects/charts/composite-apps/ca/v1/apps/web/file`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(chart);
    expect(download.headers.get('content-disposition')).toContain(chartName);
  });

  test('re-applying a document with the same file: reports it unchanged', async () => {
    await writeFile(join(dir, 'same-chart.tgz'), 'the same bytes');
    const path = await fileWith(
      [
        doc('projects', 'metadata:\n  name: charts\n'),
        doc('projects/charts/composite-apps', 'metadata:\n  name: ca\nspec:\n  compositeAppVersion: v1\n'),
        doc('projects/charts/composite-apps/ca/v1/apps', 'metadata:\n  name: web\nfile: same-chart.tgz\n'),
      ].join('---\n'),
    );
    expect((await run('apply', '-f', path)).code).toBe(0);
    const again = await run('apply', '-f', path);
    expect(again.code).toBe(0);
    // Today the server answers every PUT that carries a file with "updated".
    expect(resultRows(again.stdout).map((row) => row.result)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    await writeFile(join(dir, 'same-chart.tgz'), 'different bytes');
    const changed = await run('apply', '-f', path);
    expect(resultRows(changed.stdout).map((row) => row.result)).toEqual(['unchanged', 'unchanged', 'updated']);
    const download = await fetch(`${server.url}/v2/projects/charts/composite-apps/ca/v1/apps/web/file`);
    expect(await download.text()).toBe('different bytes');
  });

  test('cluster labels (clusterLabel instead of metadata) apply twice and delete', async () => {
    const path = await fileWith(
      [
        doc('cluster-providers', 'metadata:\n  name: p1\n'),
        doc('cluster-providers/p1/clusters', 'metadata:\n  name: c1\n'),
        doc('cluster-providers/p1/clusters/c1/labels', 'clusterLabel: edge\n'),
      ].join('---\n'),
    );
    expect(resultRows((await run('apply', '-f', path)).stdout).map((row) => row.result)).toEqual([
      'created',
      'created',
      'created',
    ]);
    const again = await run('apply', '-f', path);
    expect(resultRows(again.stdout)).toEqual([
      { index: 1, result: 'unchanged', name: 'p1', anchor: 'cluster-providers' },
      { index: 2, result: 'unchanged', name: 'c1', anchor: 'cluster-providers/p1/clusters' },
      { index: 3, result: 'unchanged', name: 'edge', anchor: 'cluster-providers/p1/clusters/c1/labels' },
    ]);
    const deleted = await run('delete', '-f', path);
    expect(deleted.code).toBe(0);
    expect(resultRows(deleted.stdout).map((row) => row.result)).toEqual(['deleted', 'deleted', 'deleted']);
    expect((await server.fetchJson('/v2/cluster-providers')).body).toEqual([]);
  });
});

describe('apply of the examples stores the canonical form', () => {
  beforeEach(async () => {
    for (const file of EXAMPLE_FILES) expect((await run('apply', '-f', examplePath(file))).code).toBe(0);
  });

  test('the seed 000 inbound intent reads back in canonical camelCase', async () => {
    const inbound = await server.fetchJson(`/v2/${SEED_VERSION}/traffic-intent-set/inbound-intents/httpbin-inbound`);
    expect(inbound.status).toBe(200);
    expect(inbound.body.metadata).toMatchObject({ name: 'httpbin-inbound' });
    expect(inbound.body.spec).toMatchObject({
      app: 'httpbin',
      serviceName: 'httpbin',
      port: 80,
      protocol: 'HTTP',
      headless: false,
      management: { sidecarProxy: true, tlsType: 'MUTUAL' },
      trafficManagement: {
        loadBalancingType: 'consistentHash',
        httpCookie: 'user1',
        concurrentHttp2Requests: 1000,
        baseEjectionTime: '15m',
        intervalSweep: '5m',
      },
      serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: ['/status*'] } },
    });
    for (const seedSpelling of [
      'servicename',
      'sidecar-proxy',
      'traffic-management-info',
      'mutualTLS',
      'application',
    ]) {
      expect(inbound.body.spec).not.toHaveProperty([seedSpelling]);
    }
    // The same intent, on its EMCO path: the group that places httpbin, traffic group `default`.
    const emco = await server.fetchJson(
      `/v2/${SEED_VERSION}/deployment-intent-groups/lc02-group/traffic-group-intents/default/inbound-intents/httpbin-inbound`,
    );
    expect(emco.status).toBe(200);
    expect(emco.body).toEqual(inbound.body);
  });

  test('the seed 000 clients read back on both seed paths and the EMCO path', async () => {
    const byBody = await server.fetchJson(
      `/v2/${SEED_VERSION}/traffic-group-intent/outbound-intents/httpbin/sleep-to-httpbin`,
    );
    expect(byBody.status).toBe(200);
    expect(byBody.body.metadata.name).toBe('sleep-to-httpbin');
    const byPath = await server.fetchJson(
      `/v2/${SEED_VERSION}/traffic-group-intent/outbound-intents/productpage/bookinfo-user-to-productpage`,
    );
    expect(byPath.status).toBe(200);
    expect(JSON.stringify(byPath.body)).toContain('/api/v1/products');
    const clients = await server.fetchJson(
      `/v2/${SEED_VERSION}/deployment-intent-groups/lc01-group/traffic-group-intents/default/inbound-intents/productpage-inbound/clients`,
    );
    expect(clients.status).toBe(200);
    expect((clients.body as { metadata: { name: string } }[]).map((client) => client.metadata.name).sort()).toEqual([
      'bookinfo-user-to-productpage',
      'sleep-to-productpage',
    ]);
  });

  test('the seed 001 documents read back in canonical form', async () => {
    const base = '/v2/projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group';
    const inbound = await server.fetchJson(`${base}/traffic-group-intents/replication/inbound-intents/serviceserver01`);
    expect(inbound.status).toBe(200);
    expect(inbound.body.spec).toMatchObject({ port: 8000, management: { sidecarProxy: true, tlsType: 'MUTUAL' } });
    const split = await server.fetchJson(`${base}/traffic-group-intents/replication/routing-intents/service01-split`);
    expect(split.status).toBe(200);
    expect(split.body.spec.http[0].route).toEqual([
      { app: 'serviceserver04', weight: 50 },
      { app: 'serviceserver01', weight: 25 },
      { app: 'serviceserver02', weight: 25 },
    ]);
    const app = await server.fetchJson('/v2/projects/replicas/composite-apps/headers-app/v1/apps/sleep');
    expect(app.body).toEqual({ metadata: { name: 'sleep' }, spec: { serviceAccount: 'sleep' } });
    const cluster = await server.fetchJson('/v2/cluster-providers/metro/clusters/cluster1');
    expect(cluster.body.spec.mesh.gateway).toMatchObject({ address: '172.25.55.210', port: 15443 });
  });
});

describe('get', () => {
  beforeEach(async () => {
    expect((await run('apply', '-f', TWO_CLOUDS)).code).toBe(0);
  });

  test('a collection prints a table', async () => {
    const result = await run('get', 'projects/demo/logical-clouds');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DESCRIPTION$|^NAME$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['logicalcloud01', 'logicalcloud02']);

    const providers = await run('get', 'cluster-providers');
    expect(providers.stdout).toMatch(/^NAME\s+DESCRIPTION\nedge\s+two edge clusters/);
  });

  test('composite apps list with their version', async () => {
    const result = await run('get', 'projects/demo/composite-apps');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+VERSION/),
      expect.stringMatching(/^blue-app\s+v1$/),
    ]);
  });

  test('an empty collection says so', async () => {
    const result = await run('get', 'cluster-providers/edge/clusters/cluster01/labels');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No resources found.');
  });

  test('one resource prints as YAML; -o json prints JSON', async () => {
    const anchor = `${SEED_VERSION}/traffic-intent-set/inbound-intents/httpbin-inbound`;
    const asYaml = await run('get', anchor);
    expect(asYaml.code).toBe(0);
    const parsed = parseYaml(asYaml.stdout) as { spec: { management: { tlsType: string } } };
    expect(parsed.spec.management.tlsType).toBe('MUTUAL');

    const asJson = await run('get', anchor, '-o', 'json');
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toEqual(parsed);
    expect(JSON.parse(asJson.stdout)).toEqual((await server.fetchJson(`/v2/${anchor}`)).body);
  });

  test('a collection with -o json or -o yaml prints the whole list', async () => {
    const asJson = JSON.parse((await run('get', 'projects', '-o', 'json')).stdout) as unknown;
    expect(asJson).toEqual([{ metadata: { name: 'demo' } }]);
    const asYaml = parseYaml((await run('get', 'projects', '-o', 'yaml')).stdout) as unknown;
    expect(asYaml).toEqual(asJson);
  });

  test('a leading slash in the anchor is accepted', async () => {
    const result = await run('get', '/projects/demo', '-o', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ metadata: { name: 'demo' } });
  });

  test('something missing is exit 1 with the 404 message on stderr', async () => {
    const result = await run('get', 'projects/nope');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^404 .*nope.*not found/);

    const child = await run('get', 'projects/nope/logical-clouds');
    expect(child.code).toBe(1);
    expect(child.stderr).toMatch(/^404 /);
  });

  test('an unknown output format is refused', async () => {
    const result = await run('get', 'projects', '-o', 'xml');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/xml/);
  });
});

describe('delete -f', () => {
  test('deletes every document of the EMCO-path example in reverse order; again reports absent and exits 0', async () => {
    const documents = await exampleDocuments('seed-replication.yaml');
    expect((await run('apply', '-f', REPLICATION)).code).toBe(0);

    const deleted = await run('delete', '-f', REPLICATION);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    const rows = resultRows(deleted.stdout);
    expect(rows.map((row) => row.index)).toEqual(documents.map((document) => document.index).reverse());
    expect(rows.every((row) => row.result === 'deleted')).toBe(true);
    expect((await server.fetchJson('/v2/projects')).body).toEqual([]);
    expect((await server.fetchJson('/v2/cluster-providers')).body).toEqual([]);

    const again = await run('delete', '-f', REPLICATION);
    expect(again.code).toBe(0);
    expect(resultRows(again.stdout).map((row) => row.result)).toEqual(documents.map(() => 'absent'));
    expect(again.stdout).toContain(`${documents.length} absent`);
  });

  test('deletes every document of the seed-path example and leaves the server empty', async () => {
    // The seed 000 paths create a traffic group `default` that no document names; deleting
    // the last intent must not leave it behind, or the deployment intent groups cannot go.
    const documents = await exampleDocuments('seed-two-clouds.yaml');
    expect((await run('apply', '-f', TWO_CLOUDS)).code).toBe(0);

    const deleted = await run('delete', '-f', TWO_CLOUDS);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(resultRows(deleted.stdout).map((row) => row.index)).toEqual(
      documents.map((document) => document.index).reverse(),
    );
    expect((await server.fetchJson('/v2/projects')).body).toEqual([]);
    expect((await server.fetchJson('/v2/cluster-providers')).body).toEqual([]);

    const again = await run('delete', '-f', TWO_CLOUDS);
    expect(again.code).toBe(0);
    expect(resultRows(again.stdout).every((row) => row.result === 'absent')).toBe(true);
  });

  test('a document that cannot be deleted fails with exit 1; --stop-on-failure stops there', async () => {
    const parentOnly = await fileWith(doc('projects', 'metadata:\n  name: demo\n'));
    const withChild = await fileWith(
      [
        doc('projects', 'metadata:\n  name: demo\n'),
        doc('projects/demo/logical-clouds', 'metadata:\n  name: lc\nspec:\n  namespace: ns\n'),
      ].join('---\n'),
    );
    expect((await run('apply', '-f', withChild)).code).toBe(0);

    const blocked = await run('delete', '-f', parentOnly);
    expect(blocked.code).toBe(1);
    expect(resultRows(blocked.stdout).map((row) => row.result)).toEqual(['failed']);
    expect(blocked.stderr).toMatch(/document 1 \(demo\): 409/);

    const failFirst = await fileWith(
      [doc('projects', 'metadata:\n  name: other\n'), doc('projects', 'metadata:\n  name: demo\n')].join('---\n'),
    );
    await run('apply', '-f', failFirst);
    const stopped = await run('delete', '-f', failFirst, '--stop-on-failure');
    expect(stopped.code).toBe(1);
    expect(resultRows(stopped.stdout).map((row) => row.name)).toEqual(['demo']);
    expect((await server.fetchJson('/v2/projects/other')).status).toBe(200);
  });
});

describe('choosing the server', () => {
  test('MESHBRIDGE_SERVER is used when --server is absent', async () => {
    const result = await cli(['get', 'projects', '-o', 'json'], { MESHBRIDGE_SERVER: server.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);

    const applied = await cli(['apply', '-f', REPLICATION], { MESHBRIDGE_SERVER: `${server.url}/` });
    expect(applied.code).toBe(0);
    expect((await server.fetchJson('/v2/projects/replicas')).status).toBe(200);
  });

  test('an empty MESHBRIDGE_SERVER counts as unset: the default server is used', async () => {
    const result = await cli(['get', 'projects', '-o', 'json'], { MESHBRIDGE_SERVER: '' });
    // Whether or not something serves 127.0.0.1:9015 here, the empty string must not become the URL.
    expect(result.stderr).not.toContain('Invalid URL');
    if (result.code !== 0) expect(result.stderr).toContain('http://127.0.0.1:9015');
  });

  test('--server wins over MESHBRIDGE_SERVER', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const result = await cli(['get', 'projects', '-o', 'json', '--server', server.url], { MESHBRIDGE_SERVER: dead });
    expect(result.code).toBe(0);
  });

  test('an unreachable server is a clear error and exit 1', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    for (const args of [
      ['get', 'projects'],
      ['apply', '-f', REPLICATION],
      ['delete', '-f', REPLICATION],
    ]) {
      const result = await cli([...args, '--server', dead]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(new RegExp(`^error: cannot reach meshbridge at ${dead}`));
      expect(result.stderr).toMatch(/ECONNREFUSED/);
    }
  });
});

describe('help and usage', () => {
  test('--help exits 0 and lists the commands', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['serve', 'apply', 'delete', 'get'])
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  test('apply --help lists its options', async () => {
    const result = await cli(['apply', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--file', '--values', '--stop-on-failure', '--server', '--output'])
      expect(result.stdout).toContain(option);
  });

  test('--version prints the version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('0.0.0-test');
  });

  test('an unknown command is a non-zero exit with a message', async () => {
    const result = await cli(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/frobnicate/);
  });
});
