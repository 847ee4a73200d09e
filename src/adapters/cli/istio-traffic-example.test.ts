/**
 * EMCO's istio_traffic example, end to end: its files applied in ORDER with its values, as
 * `meshbridge apply -f FILE -v values.yaml` does (the CLI's apply over HTTP, to the API on a
 * real socket), render without error diagnostics, and `check route` shows http-client in
 * cluster1 reaching http-service in cluster2 by the name its chart calls it
 * (`SERVERDOMAIN: http://http-service:30083`).
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sqliteApi, type ApiHarness } from '../../test-support/api.js';
import { ApiClient } from './api-client.js';
import { applyDocuments } from './apply.js';
import { parseDocuments, valuesOf, type FileDocument } from './emcoctl-file.js';

const FOLDER = fileURLToPath(new URL('../../../examples/emco-dtc/istio_traffic/', import.meta.url));

interface Hop {
  hop: string;
  cluster: string;
  ok: boolean;
  detail: string;
}

async function exampleDocuments(overrides: Record<string, unknown> = {}): Promise<FileDocument[]> {
  const order = (await readFile(join(FOLDER, 'ORDER'), 'utf8')).split(/\s+/).filter(Boolean);
  const values = { ...(await valuesOf(join(FOLDER, 'values.yaml'))), ...overrides };
  const documents: FileDocument[] = [];
  for (const file of order)
    documents.push(...parseDocuments(await readFile(join(FOLDER, file), 'utf8'), FOLDER, values, file));
  return documents;
}

async function listening(): Promise<{ api: ApiHarness; client: ApiClient }> {
  const api = await sqliteApi();
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  return { api, client: new ApiClient(`127.0.0.1:${(api.app.server.address() as AddressInfo).port}`) };
}

describe("EMCO's istio_traffic example", () => {
  let api: ApiHarness;
  let client: ApiClient;

  beforeAll(async () => {
    ({ api, client } = await listening());
    const results = await applyDocuments(client, await exampleDocuments(), false);
    const failed = results.filter((result) => !['created', 'accepted'].includes(result.result));
    expect(failed).toEqual([]);
  });

  afterAll(async () => {
    await api?.close();
  });

  test('renders without error diagnostics, with entries for the cross-cluster name and the name the client uses', async () => {
    const response = await client.request('GET', '/v2/render?cluster=provider1/cluster1');
    expect(response.status).toBe(200);
    const body = response.body as {
      clusters: { resources: { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[] }[];
      diagnostics: { severity: string; code: string; message: string }[];
    };
    expect(body.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    const resources = body.clusters[0]?.resources ?? [];
    const entries = resources.filter((resource) => resource.kind === 'ServiceEntry');
    expect(entries.map((entry) => entry.spec.hosts)).toEqual([
      ['http-service.default.default'],
      ['http-service.default.svc.cluster.local'],
    ]);
    const byOwnName = entries[1]?.spec as { ports: { number: number }[]; endpoints: { address: string }[] };
    expect(byOwnName.ports.map((port) => port.number)).toEqual([30083]);
    expect(byOwnName.endpoints.map((endpoint) => endpoint.address)).toEqual(['192.168.121.15']);
    const rule = resources.find(
      (resource) =>
        resource.kind === 'DestinationRule' && resource.spec.host === 'http-service.default.svc.cluster.local',
    );
    expect(rule?.spec.trafficPolicy).toMatchObject({
      tls: { mode: 'ISTIO_MUTUAL', sni: 'outbound_.30083_._.http-service.default.svc.cluster.local' },
    });
  });

  test('check route: http-client in cluster1 reaches http-service in cluster2 by the name it calls', async () => {
    const response = await client.request(
      'GET',
      '/v2/check-route?from=http-client&to=http-service&cluster=provider1/cluster1&path=/&port=30083',
    );
    expect(response.status).toBe(200);
    const check = response.body as {
      ok: boolean;
      request: { resolvedHost: string };
      dns: Hop;
      destinations: { servingCluster: string; service: string; delivered: boolean; hops: Hop[] }[];
    };
    expect(check.request.resolvedHost).toBe('http-service.default.svc.cluster.local');
    expect(check.dns.ok).toBe(true);
    expect(check.dns.detail).toContain('http-service → http-service.default.svc.cluster.local');
    expect(check.ok).toBe(true);
    const [destination] = check.destinations;
    expect(destination).toMatchObject({
      servingCluster: 'provider1/cluster2',
      service: 'http-service.default.svc.cluster.local',
      delivered: true,
    });
    // The intent's port is TCP: the sidecar matches the address the name resolved to, the own name's entry.
    expect(destination?.hops[0]?.detail).toContain('TCP to 240.0.0.2:30083, the listener of http-service.default.svc');
    expect(destination?.hops.map((hop) => [hop.hop, hop.cluster])).toEqual([
      ['outbound', 'provider1/cluster1'],
      ['endpoint', 'provider1/cluster1'],
      ['gateway', 'provider1/cluster2'],
      ['sni-cluster', 'provider1/cluster2'],
      ['inbound', 'provider1/cluster2'],
      ['authorization', 'provider1/cluster2'],
    ]);
  });
});

test('applied for a second project too, cluster1 calls two http-services in default: the own name is rendered for neither', async () => {
  const { api, client } = await listening();
  try {
    for (const project of ['proj1', 'proj2'])
      await applyDocuments(client, await exampleDocuments({ ProjectName: project }), false);
    const body = (await client.request('GET', '/v2/render?cluster=provider1/cluster1')).body as {
      clusters: { resources: { kind: string; spec: { hosts?: string[] } }[] }[];
      diagnostics: { severity: string; code: string; resource: string }[];
    };
    const hosts = (body.clusters[0]?.resources ?? []).flatMap((resource) => resource.spec.hosts ?? []);
    expect(hosts).not.toContain('http-service.default.svc.cluster.local');
    const ambiguous = body.diagnostics.filter((diagnostic) => diagnostic.code === 'LocalNameAmbiguous');
    expect(ambiguous.map((diagnostic) => diagnostic.resource.split('/')[1]).sort()).toEqual(['proj1', 'proj2']);
  } finally {
    await api.close();
  }
});
