/** When a federated caller's cluster gets the Service's own name (local-name.ts), and when it does not. */
import { expect, test } from 'vitest';
import type { ClientSide } from '../edges.js';
import type { ServiceModel } from '../services.js';
import type { ClusterFacts } from '../snapshot.js';
import { ownName } from './local-name.js';

const KEY = 'cluster-providers/provider1/clusters/cluster1';

function side(istioVersion: string, mode: ClientSide['mode'] = 'federated'): ClientSide {
  const cluster: ClusterFacts = {
    key: KEY,
    provider: 'provider1',
    name: 'cluster1',
    labels: [],
    body: { metadata: { name: 'cluster1' }, spec: { mesh: { istioVersion } } },
    gateway: { address: null, port: 15443, internalPort: 15443, source: 'test', warnings: [] },
  };
  return { cluster, host: 'http-service.default.default', mode, namespaces: ['default'], callers: [] };
}

const service = (nameTakenIn: string[] = [], nameSharedIn: string[] = []) =>
  ({
    key: 'projects/p/…/inbound-intents/serverin',
    spec: { serviceName: 'http-service' },
    namespace: 'default',
    nameTakenIn,
    nameSharedIn,
  }) as unknown as ServiceModel;

test('a federated caller on Istio 1.8 or later gets the name the Service has in its own cluster', () => {
  for (const version of ['1.8', '1.12', '1.24'])
    expect(ownName(service(), side(version))).toEqual({ host: 'http-service.default.svc.cluster.local' });
});

test('not before 1.8 (no DNS proxy), nor for a shared mesh (the real name is discovered there)', () => {
  expect(ownName(service(), side('1.7'))).toBeUndefined();
  expect(ownName(service(), side('1.24', 'shared'))).toBeUndefined();
});

test('where another app has a Service of that name, a LocalNameTaken warning names the cluster and the name to call', () => {
  expect(ownName(service([KEY]), side('1.24'))).toMatchObject({
    severity: 'warning',
    code: 'LocalNameTaken',
    cluster: 'provider1/cluster1',
    message: expect.stringContaining('they must call http-service.default.default'),
  });
});

test('where another remote service of that name and namespace is called from the cluster too, LocalNameAmbiguous', () => {
  expect(ownName(service([], [KEY]), side('1.24'))).toMatchObject({
    severity: 'warning',
    code: 'LocalNameAmbiguous',
    cluster: 'provider1/cluster1',
  });
});
