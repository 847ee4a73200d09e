/**
 * EMCO's DTC examples whose intents use its other sub-controllers' fields, applied as their README says
 * (every file of ORDER, with the example's values) to a fresh server through the CLI: every document of
 * intents.yaml is accepted, a second apply fails none, and the render shows what meshbridge makes of them,
 * a NetworkPolicy where EMCO's network-policy controller would make one, and by name in the diagnostics
 * what it leaves to EMCO's other controllers.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import type { Diagnostic } from './core/render/diagnostics.js';
import type { RenderView } from './core/render/present.js';
import { cli, resultRows, startLiveServer, type LiveServer } from './test-support/cli.js';

const ROOT = fileURLToPath(new URL('../examples/emco-dtc/', import.meta.url));

let server: LiveServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Applies the example's files in ORDER; the rows of intents.yaml. */
async function applyExample(example: string): Promise<{ rows: ReturnType<typeof resultRows>; again: string }> {
  server = await startLiveServer();
  const folder = join(ROOT, example);
  const values = join(folder, 'values.yaml');
  const order = (await readFile(join(folder, 'ORDER'), 'utf8')).split(/\s+/).filter(Boolean);
  const apply = (file: string) => cli(['apply', '-f', join(folder, file), '-v', values, '--server', server!.url]);
  let rows: ReturnType<typeof resultRows> = [];
  for (const file of order) {
    const run = await apply(file);
    if (file === 'intents.yaml') rows = resultRows(run.stdout);
  }
  const again = await apply('intents.yaml');
  return { rows, again: again.stdout };
}

async function rendered(): Promise<RenderView> {
  const response = await server!.fetchJson('/v2/render');
  expect(response.status).toBe(200);
  return response.body as RenderView;
}

const byCode = (view: RenderView, code: string) => view.diagnostics.filter((diagnostic) => diagnostic.code === code);
const messages = (diagnostics: Diagnostic[]) => diagnostics.map((diagnostic) => diagnostic.message);
const kinds = (view: RenderView) => view.clusters.flatMap((cluster) => cluster.resources.map((object) => object.kind));

describe.each(['istio_traffic', 'network_policy', 'sdewan', 'gms', 'xstream', 'external_access'])(
  'EMCO example %s',
  (example) => {
    test('every document of intents.yaml is accepted (or unchanged, where the file writes one twice), and applying it again fails none', async () => {
      const { rows, again } = await applyExample(example);
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.filter((row) => !['created', 'accepted', 'unchanged'].includes(row.result))).toEqual([]);
      expect(resultRows(again).filter((row) => row.result === 'failed')).toEqual([]);
    });
  },
);

test('network_policy: a NetworkPolicy as EMCO names and shapes it, no Istio object, and service discovery named', async () => {
  await applyExample('network_policy');
  const view = await rendered();
  expect(kinds(view)).toEqual(['NetworkPolicy']);
  const [cluster] = view.clusters;
  expect(`${cluster?.clusterProvider}/${cluster?.cluster}`).toBe('provider1/cluster2');
  expect(cluster?.resources[0]).toMatchObject({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'testdtc-serverin', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { app: 'http-server' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: 'http-client' } } }, { ipBlock: { cidr: '0.0.0.0/0' } }],
          ports: [{ protocol: 'TCP', port: 3333 }],
        },
      ],
    },
  });
  expect(messages(byCode(view, 'ServiceMeshNone'))).toEqual([
    expect.stringMatching(/^inbound intent serverin: serviceMesh "none"/),
  ]);
  expect(messages(byCode(view, 'ServiceDiscoveryNotRendered'))).toEqual([
    expect.stringMatching(/^inbound intent serverin: the Service http-service .* not rendered by meshbridge$/),
  ]);
  expect(view.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
});

test('sdewan: the SD-EWAN controller’s work is named, not dropped', async () => {
  await applyExample('sdewan');
  const view = await rendered();
  expect(messages(byCode(view, 'SdewanNotRendered'))).toEqual([
    expect.stringMatching(
      /^inbound intent serverin: edgeCNF "sdewan" is handled by EMCO's SD-EWAN controller .*not rendered by meshbridge$/,
    ),
  ]);
});

test('external_access: both external exposures are named, and the second intent on port 8000 says whose mesh objects serve it', async () => {
  await applyExample('external_access');
  const view = await rendered();
  expect(messages(byCode(view, 'ExternalAccessNotRendered')).sort()).toEqual([
    expect.stringContaining(
      "inbound intent httpbinserver: externalSupport: EMCO's Istio controller exposes httpbin.example.com outside the mesh through the ingress gateway (Gateway httpbin-ext-mutual",
    ),
    expect.stringContaining(
      "inbound intent httpbinserverhttp: externalSupport: EMCO's Istio controller exposes httpbin.example.com outside the mesh through the ingress gateway (Gateway httpbin-ext-http",
    ),
  ]);
  expect(messages(byCode(view, 'SamePortIntent'))).toEqual([
    "inbound intent httpbinserverhttp: serves service httpbin port 8000 as inbound intent httpbinserver does: meshbridge renders that port's mesh objects once, from httpbinserver",
  ]);
  expect(view.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
});

test('xstream: an externalName without externalSupport is named as unused, as EMCO leaves it', async () => {
  await applyExample('xstream');
  const view = await rendered();
  expect(messages(byCode(view, 'ExternalNameUnused'))).toEqual([
    expect.stringMatching(
      /^inbound intent xstreamserver: externalName "xstream-client" is used by EMCO's Istio controller only with externalSupport/,
    ),
  ]);
});
