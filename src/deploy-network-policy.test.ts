/**
 * NetworkPolicy through the deploy lifecycle: a cluster labelled networkpolicy-supported gets the policy
 * EMCO's network-policy controller would make, applied to its (fake) API server; taking the label away
 * and updating prunes it, as any object meshbridge owns.
 */
import { afterEach, expect, test } from 'vitest';
import { deployWorld, type DeployWorld } from './test-support/deploy.js';

let world: DeployWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const GROUP = '/v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc02-group';
const LABELS = '/v2/cluster-providers/edge/clusters/cluster02/labels';
const POLICY = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  namespace: 'namespace02',
  name: 'default-httpbin-inbound',
};

async function lifecycle(target: DeployWorld, verb: string) {
  const response = await target.request('POST', `${GROUP}/${verb}`);
  expect(response.status, JSON.stringify(response.json)).toBe(202);
  await target.settle();
  return (await target.request('GET', `${GROUP}/status`)).json;
}

test('a labelled cluster gets the NetworkPolicy on instantiate, and loses it on update once the label is gone', async () => {
  world = await deployWorld('seed-two-clouds.yaml', { target: 'kubernetes' });
  expect((await world.request('POST', LABELS, { clusterLabel: 'networkpolicy-supported' })).status).toBe(201);
  await lifecycle(world, 'approve');
  const status = await lifecycle(world, 'instantiate');
  expect(status.state).toBe('Instantiated');
  expect(status.summary.applied).toBe(status.summary.objects);
  const fake = world.fleet.get('edge/cluster02');
  const live = fake?.get(POLICY);
  expect(live?.spec).toEqual({
    podSelector: { matchLabels: { app: 'httpbin' } },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ podSelector: { matchLabels: { app: 'sleep' } } }, { ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [{ protocol: 'TCP', port: 80 }],
      },
    ],
  });

  // Read back, the live policy is what was rendered: no drift reported, nothing re-applied.
  const refreshed = (await world.request('POST', `${GROUP}/status?refresh`)).json;
  const objects = refreshed.clusters.flatMap(
    (cluster: { objects: { kind: string; drift?: unknown }[] }) => cluster.objects,
  );
  expect(objects.filter((object: { kind: string }) => object.kind === 'NetworkPolicy')).toEqual([
    expect.not.objectContaining({ drift: expect.anything() }),
  ]);

  expect((await world.request('DELETE', `${LABELS}/networkpolicy-supported`)).status).toBe(204);
  expect((await world.request('GET', `${GROUP}/status`)).json.changed).toBe(true);
  const updated = await lifecycle(world, 'update');
  expect(updated).toMatchObject({ state: 'Instantiated', changed: false });
  expect(fake?.get(POLICY)).toBeUndefined();
});
