/**
 * A live server (real HTTP, in-memory SQLite) holding one or more of `examples/`, whose
 * Kubernetes target deploys to a fake API server per cluster: the setup of the CLI's
 * lifecycle tests and of the web page's browser tests.
 */
import { createKubernetesTarget } from '../adapters/targets/kubernetes/index.js';
import { startLiveServer, type LiveServer } from './cli.js';
import { exampleDocumentsFor } from './deploy.js';
import type { FakeKube } from './fake-kube/index.js';

export async function startSeededServer(
  files: string | string[],
): Promise<{ server: LiveServer; fleet: Map<string, FakeKube> }> {
  const fleet = new Map<string, FakeKube>();
  const documents = [];
  for (const file of [files].flat()) documents.push(...(await exampleDocumentsFor(file, { fleet })));
  const server = await startLiveServer({
    targets: [createKubernetesTarget({ requestTimeoutMs: 2000 })],
    reconcileSeconds: 0,
    retry: { attempts: 2, baseDelayMs: 1, timeoutMs: 2000 },
  });
  for (const document of documents) {
    const response = await server.fetchJson(`/v2/${document.anchor}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(document.body),
    });
    if (response.status !== 201) throw new Error(`seeding ${document.anchor}: ${response.status}`);
  }
  return { server, fleet };
}
