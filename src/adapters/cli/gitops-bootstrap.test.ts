/** `meshbridge gitops bootstrap` against a live server: it reads the GitOps clusters and prints or writes YAML. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli, startLiveServer, type LiveServer } from '../../test-support/cli.js';

interface BootstrapDocument {
  apiVersion: string;
  kind: string;
  spec: { path?: string; generators: { list: { elements: Record<string, string>[] } }[] };
}

let server: LiveServer;
let dir: string;
beforeAll(async () => {
  server = await startLiveServer({ reconcileSeconds: 0, gitopsAllow: ['https://git.example.com/org/'] });
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-bootstrap-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<void> {
  const response = await server.fetchJson(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
}

test('no GitOps cluster: a clear error', async () => {
  const result = await cli(['gitops', 'bootstrap', '--server', server.url]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('no cluster deploys to a GitOps repository');
});

test('prints an ApplicationSet and a Flux pair per GitOps cluster; --output-dir writes them as files', async () => {
  await post('/v2/cluster-providers', { metadata: { name: 'edge' } });
  const repository = 'https://bot:s3cret@git.example.com/org/fleet.git';
  for (const name of ['cluster01', 'cluster02']) {
    await post('/v2/cluster-providers/edge/clusters', {
      metadata: { name },
      spec: { deploy: { target: 'gitops', gitops: { repository, path: 'clusters' } } },
    });
  }
  await post('/v2/cluster-providers/edge/clusters', { metadata: { name: 'direct' } });

  const result = await cli([
    'gitops',
    'bootstrap',
    '--server',
    server.url,
    '--destination',
    'edge/cluster02=in-cluster',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).not.toContain('s3cret');
  const documents = parseAllDocuments(result.stdout).map((document) => document.toJS() as BootstrapDocument);
  expect(documents.map((document) => `${document.apiVersion} ${document.kind}`)).toEqual([
    'argoproj.io/v1alpha1 ApplicationSet',
    'source.toolkit.fluxcd.io/v1 GitRepository',
    'kustomize.toolkit.fluxcd.io/v1 Kustomization',
    'source.toolkit.fluxcd.io/v1 GitRepository',
    'kustomize.toolkit.fluxcd.io/v1 Kustomization',
  ]);
  const elements = documents[0]?.spec.generators[0]?.list.elements ?? [];
  expect(elements.map((element) => [element.path, element.destination])).toEqual([
    ['clusters/edge/cluster01', 'edge-cluster01'],
    ['clusters/edge/cluster02', 'in-cluster'],
  ]);
  expect(documents[2]?.spec.path).toBe('./clusters/edge/cluster01');
  expect(result.stdout).toContain('# Flux: apply in cluster edge/cluster02');

  const written = await cli(['gitops', 'bootstrap', '--server', server.url, '--output-dir', dir]);
  expect(written.code).toBe(0);
  expect(written.stdout.split('\n')).toEqual([
    `wrote ${join(dir, 'argocd-applicationset.yaml')}`,
    `wrote ${join(dir, 'flux', 'edge-cluster01.yaml')}`,
    `wrote ${join(dir, 'flux', 'edge-cluster02.yaml')}`,
  ]);
  const flux = parseAllDocuments(await readFile(join(dir, 'flux', 'edge-cluster02.yaml'), 'utf8'));
  expect(flux.map((document) => (document.toJS() as { kind: string }).kind)).toEqual([
    'GitRepository',
    'Kustomization',
  ]);

  const bad = await cli(['gitops', 'bootstrap', '--server', server.url, '--destination', 'cluster02']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('expected provider/cluster=ARGOCD_CLUSTER_NAME');
});
