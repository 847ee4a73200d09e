/**
 * The deploy lifecycle end to end: the example scenarios instantiated into a fleet of
 * fake Kubernetes API servers (real HTTP, real client library), updated, pruned,
 * terminated; failures, drift and a restart in the middle.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { deployWorld, groupPaths, type DeployWorld } from './test-support/deploy.js';
import { EXAMPLE_FILES } from './test-support/examples.js';
import type { FakeKube, KubeObject } from './test-support/fake-kube/index.js';

let world: DeployWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const managed = (object: KubeObject) => object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'meshbridge';
const writes = (fake: FakeKube) => fake.calls.filter((call) => call.method === 'PATCH' || call.method === 'DELETE');

function snapshot(fleet: Map<string, FakeKube>): Record<string, KubeObject[]> {
  return Object.fromEntries(
    [...fleet].map(([name, fake]) => [
      name,
      fake.objects().map(({ metadata: { resourceVersion: _v, managedFields: _m, ...metadata }, ...rest }) => ({
        ...rest,
        metadata,
      })),
    ]),
  );
}

async function lifecycle(target: DeployWorld, group: string, verb: string, body?: unknown) {
  const response = await target.request('POST', `${group}/${verb}`, body);
  expect(response.status, JSON.stringify(response.json)).toBe(202);
  await target.settle();
  return (await target.request('GET', `${group}/status`)).json;
}

describe.each(EXAMPLE_FILES)('%s on a fleet of fake clusters', (file) => {
  test('instantiate puts every object on its cluster; terminate leaves each cluster as it was', async () => {
    world = await deployWorld(file, { target: 'kubernetes' });
    const before = snapshot(world.fleet);
    const groups = await groupPaths(file);
    for (const group of groups) {
      expect((await world.request('POST', `${group}/instantiate`)).status).toBe(409);
      await lifecycle(world, group, 'approve');
      const status = await lifecycle(world, group, 'instantiate');
      expect(status.state).toBe('Instantiated');
      expect(status.summary.objects).toBeGreaterThan(0);
      expect(status.summary.applied).toBe(status.summary.objects);
      const rendered = (await world.request('GET', `${group}/render`)).json;
      for (const cluster of rendered.clusters) {
        const fake = world.fleet.get(`${cluster.clusterProvider}/${cluster.cluster}`) as FakeKube;
        for (const object of cluster.resources) {
          const live = fake.get({
            apiVersion: object.apiVersion,
            kind: object.kind,
            namespace: object.metadata.namespace,
            name: object.metadata.name,
          });
          expect(live?.spec ?? live?.data, `${cluster.cluster} ${object.kind}/${object.metadata.name}`).toEqual(
            object.spec ?? object.data,
          );
        }
      }
    }
    for (const group of [...groups].reverse())
      expect((await lifecycle(world, group, 'terminate')).state).toBe('Terminated');
    expect(snapshot(world.fleet)).toEqual(before);
  });
});

describe('lifecycle on seed-two-clouds', () => {
  const file = 'seed-two-clouds.yaml';

  async function instantiated(): Promise<{ world: DeployWorld; group: string }> {
    world = await deployWorld(file, { target: 'kubernetes' });
    const [group] = await groupPaths(file);
    await lifecycle(world, group as string, 'approve');
    await lifecycle(world, group as string, 'instantiate');
    return { world, group: group as string };
  }

  test('a second instantiate is refused; update without a change writes nothing', async () => {
    const { world, group } = await instantiated();
    expect((await world.request('POST', `${group}/instantiate`)).status).toBe(409);
    const counts = [...world.fleet.values()].map((fake) => writes(fake).length);
    const status = await lifecycle(world, group, 'update');
    expect(status.state).toBe('Instantiated');
    expect([...world.fleet.values()].map((fake) => writes(fake).length)).toEqual(counts);
  });

  test('objects without meshbridge labels are never modified or deleted', async () => {
    world = await deployWorld(file, { target: 'kubernetes' });
    const [group] = (await groupPaths(file)) as [string];
    const rendered = (await world.request('GET', `${group}/render`)).json;
    const victim = rendered.clusters[0].resources.find(
      (object: KubeObject) => object.kind === 'AuthorizationPolicy' || object.kind === 'DestinationRule',
    );
    const fake = world.fleet.get(`${rendered.clusters[0].clusterProvider}/${rendered.clusters[0].cluster}`) as FakeKube;
    const foreign = {
      ...victim,
      metadata: { name: victim.metadata.name, namespace: victim.metadata.namespace, labels: { team: 'humans' } },
      spec: { note: 'hand made' },
    };
    fake.put(foreign);
    const stray = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'stray', namespace: 'istio-system', labels: { app: 'x' } },
      spec: { hosts: ['x.example.com'] },
    };
    fake.put(stray);
    await lifecycle(world, group, 'approve');
    const status = await lifecycle(world, group, 'instantiate');
    expect(status.state).toBe('InstantiateFailed');
    const failed = status.clusters.flatMap((cluster: { objects: { state: string; reason?: string; name: string }[] }) =>
      cluster.objects.filter((object) => object.state === 'failed'),
    );
    expect(failed).toEqual([expect.objectContaining({ name: victim.metadata.name, reason: 'not-owned' })]);
    expect(fake.get({ ...victim, namespace: victim.metadata.namespace, name: victim.metadata.name })?.spec).toEqual({
      note: 'hand made',
    });
    await lifecycle(world, group, 'terminate');
    expect(fake.get({ ...victim, namespace: victim.metadata.namespace, name: victim.metadata.name })?.spec).toEqual({
      note: 'hand made',
    });
    expect(
      fake.get({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        namespace: 'istio-system',
        name: 'stray',
      }),
    ).toBeDefined();
    expect(fake.objects().filter(managed)).toEqual([]);
  });

  test('a cluster answering 500 fails alone and a refresh completes it', async () => {
    world = await deployWorld(file, { target: 'kubernetes' });
    const [group] = (await groupPaths(file)) as [string];
    const [[brokenName, broken], [healthyName, healthy]] = [...world.fleet] as [[string, FakeKube], [string, FakeKube]];
    broken.fault({ status: 500, message: 'etcd is sad' });
    await lifecycle(world, group, 'approve');
    const status = await lifecycle(world, group, 'instantiate');
    expect(status.state).toBe('InstantiateFailed');
    const byName = Object.fromEntries(
      status.clusters.map((cluster: { cluster: string }) => [cluster.cluster, cluster]),
    );
    expect(byName[brokenName]).toMatchObject({ state: 'failed', reason: 'server-error' });
    expect(byName[brokenName].error).toContain('etcd is sad');
    expect(byName[healthyName]).toMatchObject({ state: 'applied' });
    expect(healthy.objects().filter(managed).length).toBeGreaterThan(0);
    broken.clearFaults();
    const refreshed = (await world.request('POST', `${group}/status?refresh`)).json;
    expect(refreshed.state).toBe('Instantiated');
    expect(refreshed.summary.applied).toBe(refreshed.summary.objects);
  });

  test('drift: objects changed or deleted by hand are reported and re-applied', async () => {
    const { world, group } = await instantiated();
    const [[, fake]] = [...world.fleet] as [[string, FakeKube]];
    const [first, second] = fake.objects().filter((object) => managed(object) && object.spec !== undefined) as [
      KubeObject,
      KubeObject,
    ];
    const ref = (object: KubeObject) => ({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace as string,
      name: object.metadata.name,
    });
    fake.edit(ref(first), (object) => {
      const spec = object.spec as Record<string, unknown>;
      const [field] = Object.keys(spec).sort() as [string];
      object.spec = { ...spec, [field]: typeof spec[field] === 'string' ? 'edited-by-hand' : { edited: true } };
    });
    fake.remove(ref(second));
    const status = (await world.request('POST', `${group}/status?refresh`)).json;
    const objects = status.clusters.flatMap((cluster: { objects: unknown[] }) => cluster.objects);
    expect(objects).toContainEqual(
      expect.objectContaining({
        name: first.metadata.name,
        kind: first.kind,
        drift: expect.objectContaining({ kind: 'changed' }),
      }),
    );
    expect(objects).toContainEqual(
      expect.objectContaining({
        name: second.metadata.name,
        kind: second.kind,
        drift: expect.objectContaining({ kind: 'deleted' }),
      }),
    );
    expect(fake.get(ref(first))?.spec).toEqual(first.spec);
    expect(fake.get(ref(second))?.spec).toEqual(second.spec);
  });

  test('a changed intent marks the group changed; update moves only the affected objects; prune removes what is gone', async () => {
    const { world, group } = await instantiated();
    expect((await world.request('GET', `${group}/status`)).json.changed).toBe(false);
    const intents = (await world.request('GET', `${group}/traffic-group-intents`)).json;
    const trafficGroup = intents[0].metadata.name;
    const inbound = (await world.request('GET', `${group}/traffic-group-intents/${trafficGroup}/inbound-intents`)).json;
    const target =
      inbound.find(
        (intent: { spec: { serviceAccountAccess?: unknown } }) => intent.spec.serviceAccountAccess !== undefined,
      ) ?? inbound[0];
    const clients = (
      await world.request(
        'GET',
        `${group}/traffic-group-intents/${trafficGroup}/inbound-intents/${target.metadata.name}/clients`,
      )
    ).json;
    expect(clients.length).toBeGreaterThan(0);
    const client = clients[0];
    const clientPath = `${group}/traffic-group-intents/${trafficGroup}/inbound-intents/${target.metadata.name}/clients/${client.metadata.name}`;
    const before = [...world.fleet.values()].map((fake) => writes(fake).length);
    // Removing a client removes its objects in its cluster and narrows the server's policy.
    expect((await world.request('DELETE', clientPath)).status).toBe(204);
    const status = (await world.request('GET', `${group}/status`)).json;
    expect(status.changed).toBe(true);
    const diff = (await world.request('GET', `${group}/diff`)).json;
    expect(diff.clusters.length).toBeGreaterThan(0);
    const expected = diff.clusters.reduce(
      (sum: number, cluster: { change: string[]; create: string[]; delete: string[] }) =>
        sum + cluster.change.length + cluster.create.length + cluster.delete.length,
      0,
    );
    const updated = await lifecycle(world, group, 'update');
    expect(updated).toMatchObject({ state: 'Instantiated', revision: 2, changed: false });
    const moved = [...world.fleet.values()].reduce(
      (sum, fake, index) => sum + writes(fake).length - (before[index] ?? 0),
      0,
    );
    expect(moved).toBe(expected);
    expect((await world.request('GET', `${group}/diff`)).json.clusters).toEqual([]);
    for (const cluster of diff.clusters as { cluster: string; delete: string[] }[]) {
      const fake = world.fleet.get(cluster.cluster) as FakeKube;
      for (const id of cluster.delete) {
        const [kind, namespace, name] = id.split('/') as [string, string, string];
        const left = fake
          .objects()
          .some(
            (object) =>
              object.kind === kind && (object.metadata.namespace ?? '') === namespace && object.metadata.name === name,
          );
        expect(left, `${cluster.cluster} ${id}`).toBe(false);
      }
    }
    const revisions = (await world.request('GET', `${group}/revisions`)).json;
    expect(revisions.map((revision: { revision: number }) => revision.revision)).toEqual([1, 2]);
    const rolledBack = await lifecycle(world, group, 'rollback', { spec: { revision: 1 } });
    expect(rolledBack).toMatchObject({ state: 'Instantiated', revision: 3 });
  });
});

describe.each(EXAMPLE_FILES)('%s into a GitOps repository', (file) => {
  test('instantiate commits a folder per cluster; terminate leaves each folder with a kustomization listing nothing', async () => {
    world = await deployWorld(file, { target: 'gitops' });
    const { simpleGit } = await import('simple-git');
    const git = simpleGit(world.repository as string);
    const groups = await groupPaths(file);
    for (const group of groups) {
      await lifecycle(world, group, 'approve');
      const status = await lifecycle(world, group, 'instantiate');
      expect(status.state, JSON.stringify(status.clusters.map((cluster: { error?: string }) => cluster.error))).toBe(
        'Instantiated',
      );
      expect(status.summary.applied).toBe(status.summary.objects);
    }
    const files = (await git.raw(['ls-tree', '-r', '--name-only', 'HEAD'])).trim().split('\n');
    expect(files.some((name) => /^clusters\/[^/]+\/[^/]+\/kustomization\.yaml$/.test(name))).toBe(true);
    const log = await git.log();
    expect(log.all[0]?.message).toMatch(/instantiate .*deployment-intent-groups\/.* revision 1/);
    for (const group of [...groups].reverse())
      expect((await lifecycle(world, group, 'terminate')).state).toBe('Terminated');
    const left = (await git.raw(['ls-tree', '-r', '--name-only', 'HEAD'])).trim().split('\n');
    expect(left).toEqual(files.filter((name) => name.endsWith('/kustomization.yaml')));
    for (const name of left) expect(await git.show([`HEAD:${name}`])).toContain('resources: []');
  });
});

test('a virtual address stays held until its ServiceEntry is gone from the cluster', async () => {
  world = await deployWorld('seed-two-clouds.yaml', { target: 'kubernetes' });
  const [group] = (await groupPaths('seed-two-clouds.yaml')) as [string];
  await lifecycle(world, group, 'approve');
  await lifecycle(world, group, 'instantiate');
  const nameOf = (key: string) => key.replace(/^cluster-providers\/([^/]+)\/clusters\/([^/]+)$/, '$1/$2');
  const seOf = (fake: FakeKube | undefined, host: string) =>
    fake
      ?.objects()
      .find((object) => object.kind === 'ServiceEntry' && (object.spec as { hosts?: string[] }).hosts?.[0] === host);
  const held = await world.database.ledger.list();
  const entry = held.find((address) => seOf(world?.fleet.get(nameOf(address.cluster)), address.host));
  if (!entry) throw new Error('no deployed client ServiceEntry holds an address');
  const fake = world.fleet.get(nameOf(entry.cluster)) as FakeKube;
  // Remove every caller of the service, so the intents no longer claim its address.
  const service = entry.host.split('.')[0] as string;
  const trafficGroups = (await world.request('GET', `${group}/traffic-group-intents`)).json as {
    metadata: { name: string };
  }[];
  for (const trafficGroup of trafficGroups) {
    const inboundPath = `${group}/traffic-group-intents/${trafficGroup.metadata.name}/inbound-intents`;
    const inbound = (await world.request('GET', inboundPath)).json as {
      metadata: { name: string };
      spec: { serviceName: string };
    }[];
    for (const intent of inbound.filter((candidate) => candidate.spec.serviceName === service)) {
      const clientsPath = `${inboundPath}/${intent.metadata.name}/clients`;
      for (const client of (await world.request('GET', clientsPath)).json as { metadata: { name: string } }[]) {
        expect((await world.request('DELETE', `${clientsPath}/${client.metadata.name}`)).status).toBe(204);
      }
    }
  }
  fake.fault({ method: 'DELETE', status: 503 });
  expect((await lifecycle(world, group, 'update')).state).toBe('UpdateFailed');
  expect(seOf(fake, entry.host)).toBeDefined();
  await world.request('GET', '/v2/render');
  expect(await world.database.ledger.list(entry.cluster)).toContainEqual(
    expect.objectContaining({ host: entry.host, address: entry.address }),
  );
  fake.clearFaults();
  expect((await world.request('POST', `${group}/status?refresh`)).json.state).toBe('Instantiated');
  expect(seOf(fake, entry.host)).toBeUndefined();
  await world.request('GET', '/v2/render');
  expect(await world.database.ledger.list(entry.cluster)).not.toContainEqual(
    expect.objectContaining({ host: entry.host }),
  );
});
