/**
 * A world of `groups` deployment intent groups on one fake cluster (each its own composite
 * app with one inbound service), instantiated through the API: for counting what a reconcile
 * pass asks of a cluster as the number of groups on it grows.
 */
import { expect } from 'vitest';
import { openSqliteDatabase } from '../adapters/storage/sqlite.js';
import { createKubernetesTarget } from '../adapters/targets/kubernetes/index.js';
import { buildServices, type App } from '../compose.js';
import { injectRequest, type ApiResponse } from './api.js';
import { FAST_RETRY } from './deploy.js';
import { startFakeKube, type FakeKube, type RecordedCall } from './fake-kube/index.js';

export const NAMESPACE = 'shop';

export interface ManyGroups {
  fake: FakeKube;
  services: App;
  /** `/v2/projects/p/composite-apps/app<i>/v1/deployment-intent-groups/g`, for i from 0. */
  groups: string[];
  request(method: string, url: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

async function post(services: App, url: string, body: unknown): Promise<void> {
  const response = await injectRequest(services.app, 'POST', url, body);
  expect(response.status, `${url}: ${response.body}`).toBeLessThan(300);
}

async function addGroup(services: App, index: number): Promise<string> {
  const app = `/v2/projects/p/composite-apps/app${index}/v1`;
  const service = `svc${index}`;
  await post(services, '/v2/projects/p/composite-apps', {
    metadata: { name: `app${index}` },
    spec: { compositeAppVersion: 'v1' },
  });
  await post(services, `${app}/apps`, { metadata: { name: service }, spec: { serviceAccount: service } });
  await post(services, `${app}/deployment-intent-groups`, {
    metadata: { name: 'g' },
    spec: { logicalCloud: 'lc', version: 'r1' },
  });
  const group = `${app}/deployment-intent-groups/g`;
  await post(services, `${group}/generic-placement-intents`, { metadata: { name: 'placement' } });
  await post(services, `${group}/generic-placement-intents/placement/app-intents`, {
    metadata: { name: `${service}-placement` },
    spec: { app: service, intent: { allOf: [{ clusterProvider: 'edge', cluster: 'c1' }] } },
  });
  await post(services, `${app}/traffic-intent-set/inbound-intents`, {
    metadata: { name: `${service}-inbound` },
    spec: {
      application: service,
      servicename: service,
      protocol: 'HTTP',
      port: '80',
      mutualTLS: 'MUTUAL',
      serviceMesh: 'istio',
      serviceAccountAccess: { [`cluster.local/ns/${NAMESPACE}/sa/client`]: { GET: '/status*' } },
    },
  });
  return group;
}

/** Starts the world and instantiates every group; the fake's recorded calls are cleared at the end. */
export async function manyGroups(count: number): Promise<ManyGroups> {
  const fake = await startFakeKube({ namespaces: ['default', 'kube-system', 'istio-system', NAMESPACE] });
  const services = await buildServices(await openSqliteDatabase(':memory:'), false, {
    targets: [createKubernetesTarget({ requestTimeoutMs: FAST_RETRY.timeoutMs })],
    reconcileSeconds: 0,
    retry: FAST_RETRY,
  });
  await services.app.ready();
  await post(services, '/v2/cluster-providers', { metadata: { name: 'edge' } });
  await post(services, '/v2/cluster-providers/edge/clusters', {
    metadata: { name: 'c1' },
    spec: {
      kubeconfig: fake.kubeconfig,
      mesh: { type: 'istio', istioVersion: '1.24', trustDomain: 'cluster.local', network: 'n1' },
    },
  });
  await post(services, '/v2/projects', { metadata: { name: 'p' } });
  await post(services, '/v2/projects/p/logical-clouds', { metadata: { name: 'lc' }, spec: { namespace: NAMESPACE } });
  await post(services, '/v2/projects/p/logical-clouds/lc/cluster-references', {
    metadata: { name: 'r1' },
    spec: { clusterProvider: 'edge', cluster: 'c1' },
  });
  const groups: string[] = [];
  for (let index = 0; index < count; index++) groups.push(await addGroup(services, index));
  for (const group of groups) {
    await post(services, `${group}/approve`, undefined);
    await post(services, `${group}/instantiate`, undefined);
    await services.deploy.idle();
  }
  fake.calls.length = 0;
  return {
    fake,
    services,
    groups,
    request: (method, url, body) => injectRequest(services.app, method, url, body),
    async close() {
      await services.app.close();
      await fake.close();
    },
  };
}

/** A LIST: a GET of a collection with a label selector (reads of one object name it, without one). */
export const isList = (call: RecordedCall): boolean => call.method === 'GET' && call.query.labelSelector !== undefined;

export const isWrite = (call: RecordedCall): boolean => ['PATCH', 'POST', 'PUT', 'DELETE'].includes(call.method);
