import { expect, test } from 'vitest';
import { kubernetesServiceNames } from './local-names.js';
import type { ServiceModel } from './services.js';
import type { Snapshot } from './snapshot.js';
import type { Topology } from './topology.js';

const GROUP = 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';

test('every Service of an app takes its name in the clusters the app is placed in, one intent per Service', () => {
  const snapshot = {
    appIntents: [
      { key: `${GROUP}/generic-placement-intents/gpi/app-intents/foo`, body: { spec: { app: 'foo' } } },
      { key: `${GROUP}/generic-placement-intents/gpi/app-intents/bar`, body: { spec: { app: 'bar' } } },
    ],
  } as unknown as Snapshot;
  const topology = {
    inGroup: (_group: string, app: string) => [{ cluster: { key: `c-${app}` }, namespace: 'shop' }],
  } as unknown as Topology;
  const service = (serviceName: string) =>
    ({ group: { key: GROUP }, spec: { app: 'foo', serviceName } }) as ServiceModel;

  const names = kubernetesServiceNames(snapshot, topology, [service('foo'), service('foo-metrics')]);
  expect([...(names.get('c-foo') ?? [])].sort()).toEqual([
    'foo-metrics.shop.svc.cluster.local',
    'foo.shop.svc.cluster.local',
  ]);
  // An app without an inbound intent has the Service a Helm chart usually gives it: its own name.
  expect([...(names.get('c-bar') ?? [])]).toEqual(['bar.shop.svc.cluster.local']);
});
