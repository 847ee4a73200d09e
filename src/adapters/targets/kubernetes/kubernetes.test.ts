/**
 * The Kubernetes target against the fake API server (src/test-support/fake-kube):
 * real HTTP, client-node unchanged, server-side apply with managed fields.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { pemBase64 } from '../../../core/render/build/shared.js';
import { ownerLabels, type RenderedObject } from '../../../core/render/objects.js';
import {
  refOf,
  TargetError,
  type ChangeContext,
  type ClusterSession,
  type DeployTarget,
  type TargetCluster,
} from '../../../service/deploy/target.js';
import { startFakeKube, type FakeKube, type RecordedCall } from '../../../test-support/fake-kube/index.js';
import { PEM_CERT } from '../../../test-support/scenarios.js';
import { createKubernetesTarget } from './index.js';

const CONTEXT: ChangeContext = {
  group: 'projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/g',
  revision: 1,
  action: 'instantiate',
};
const OWNER = {
  project: 'demo',
  compositeApp: 'blue-app',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'g',
  intentKind: 'inbound' as const,
  intent: 'httpbin-inbound',
};
const SERVICE_ENTRY = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' };
const AUTHORIZATION_POLICY = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' };
const SECRET = { apiVersion: 'v1', kind: 'Secret' };
const TELEMETRY = { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry' };

function serviceEntry(namespace: string, name = 'httpbin.namespace02.logicalcloud02', hosts = [name]): RenderedObject {
  return {
    ...SERVICE_ENTRY,
    metadata: { name, namespace, labels: ownerLabels(OWNER) },
    spec: {
      hosts,
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }],
      location: 'MESH_INTERNAL',
      resolution: 'DNS',
      endpoints: [{ address: '10.0.0.7' }],
      exportTo: ['.'],
    },
  };
}

/** A Secret as the renderer emits it for caller certificates: `data` is base64 of the PEM. */
function secret(namespace: string): RenderedObject {
  return {
    ...SECRET,
    metadata: { name: 'httpbin.namespace02.logicalcloud02-tls', namespace, labels: ownerLabels(OWNER) },
    type: 'Opaque',
    data: { 'tls.crt': pemBase64(PEM_CERT) },
  };
}

/** Every object the renderer emits for the examples on the newest profile, from the golden files. */
function renderedExample(): RenderedObject[] {
  return ['seed-two-clouds', 'seed-replication'].flatMap((name) => {
    const text = readFileSync(new URL(`../../../core/render/golden/${name}.yaml`, import.meta.url), 'utf8');
    return parseAllDocuments(text)
      .map((document) => document.toJS() as RenderedObject | null)
      .filter((object): object is RenderedObject => object !== null);
  });
}

let fake: FakeKube;
let target: DeployTarget;
let cluster: TargetCluster;

beforeEach(async () => {
  fake = await startFakeKube();
  target = createKubernetesTarget({ requestTimeoutMs: 2000 });
  cluster = {
    key: 'cluster-providers/edge/clusters/cluster01',
    provider: 'edge',
    name: 'cluster01',
    spec: { kubeconfig: fake.kubeconfig },
  };
});

afterEach(async () => {
  await fake.close();
});

function run<T>(work: (session: ClusterSession) => Promise<T>, on: DeployTarget = target): Promise<T> {
  return on.session(cluster, CONTEXT, work);
}

async function failure(work: (session: ClusterSession) => Promise<unknown>, on?: DeployTarget): Promise<TargetError> {
  const error = await run(work, on).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TargetError);
  return error as TargetError;
}

const patches = (): RecordedCall[] => fake.calls.filter((call) => call.method === 'PATCH');

describe('apply', () => {
  test('creates, then updates, by server-side apply as meshbridge (forced)', async () => {
    const object = serviceEntry('istio-system');
    await run((session) => session.apply(object));
    expect(fake.get(refOf(object))?.spec).toEqual(object.spec);

    const changed = serviceEntry('istio-system', object.metadata.name, ['httpbin.example', object.metadata.name]);
    await run((session) => session.apply(changed));
    const stored = fake.get(refOf(object));
    expect(stored?.spec).toEqual(changed.spec);
    expect(stored?.metadata.managedFields?.map((entry) => [entry.manager, entry.operation])).toEqual([
      ['meshbridge', 'Apply'],
    ]);

    expect(patches()).toHaveLength(2);
    expect(patches().map((call) => call.status)).toEqual([201, 200]);
    for (const call of patches()) {
      expect(call.path).toBe(
        '/apis/networking.istio.io/v1/namespaces/istio-system/serviceentries/httpbin.namespace02.logicalcloud02',
      );
      expect(call.contentType).toBe('application/apply-patch+yaml');
      expect(call.query).toMatchObject({ fieldManager: 'meshbridge', force: 'true' });
    }
    expect(patches()[1]?.body).toEqual(changed);
  });

  test('takes back fields a human changed (force)', async () => {
    const object = serviceEntry('istio-system');
    await run((session) => session.apply(object));
    fake.edit(refOf(object), (live) => {
      (live.spec as { resolution: string }).resolution = 'STATIC';
    });
    await run((session) => session.apply(object));
    expect(fake.get(refOf(object))?.spec).toEqual(object.spec);
  });

  test('a missing namespace is created, labelled as meshbridge’s, then the object applied', async () => {
    const object = serviceEntry('namespace01');
    await run((session) => session.apply(object));

    const namespace = fake.get({ apiVersion: 'v1', kind: 'Namespace', name: 'namespace01' });
    expect(namespace?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'meshbridge' });
    expect(fake.get(refOf(object))?.spec).toEqual(object.spec);
    expect(patches().map((call) => [call.path, call.status])).toEqual([
      ['/apis/networking.istio.io/v1/namespaces/namespace01/serviceentries/httpbin.namespace02.logicalcloud02', 404],
      ['/api/v1/namespaces/namespace01', 201],
      ['/apis/networking.istio.io/v1/namespaces/namespace01/serviceentries/httpbin.namespace02.logicalcloud02', 201],
    ]);
    expect(patches()[1]?.query).toMatchObject({ fieldManager: 'meshbridge' });
  });

  test('a Secret goes as rendered: its data is already base64', async () => {
    const object = secret('namespace01');
    await run((session) => session.apply(object));
    expect(fake.get(refOf(object))).toMatchObject({ type: 'Opaque', data: object.data });
    expect(await run((session) => session.get(refOf(object)))).toEqual(object);
  });

  test('a kind the cluster does not serve is rejected, naming it', async () => {
    const object: RenderedObject = { ...TELEMETRY, metadata: { name: 't', namespace: 'istio-system', labels: {} } };
    const error = await failure((session) => session.apply(object));
    expect(error).toMatchObject({ reason: 'rejected', retryable: false });
    expect(error.message).toContain('telemetry.istio.io/v1');
    expect(patches()).toEqual([]);
  });

  test('an invalid object is rejected with the server’s reason', async () => {
    const object = serviceEntry('istio-system');
    object.metadata.labels = { ...object.metadata.labels, 'meshbridge.io/intent': 'not a label value!' };
    const error = await failure((session) => session.apply(object));
    expect(error).toMatchObject({ reason: 'rejected', retryable: false, status: 422 });
    expect(error.message).toContain('is invalid: metadata.labels');
  });
});

describe('get', () => {
  test('the object without what the server added', async () => {
    const object = serviceEntry('istio-system');
    await run((session) => session.apply(object));
    fake.edit(refOf(object), (live) => {
      live.status = { conditions: [{ type: 'Reconciled', status: 'True' }] };
    });
    expect(fake.get(refOf(object))?.metadata).toHaveProperty('managedFields');
    expect(await run((session) => session.get(refOf(object)))).toEqual(object);
  });

  test('keeps annotations but kubectl’s last-applied one; labels always an object', async () => {
    fake.put({
      ...SERVICE_ENTRY,
      metadata: {
        name: 'by-hand',
        namespace: 'default',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"x"}', note: 'hi' },
      },
      spec: { hosts: ['a.example'] },
      status: { observedGeneration: 1 },
    });
    fake.put({
      ...SERVICE_ENTRY,
      metadata: {
        name: 'only-last-applied',
        namespace: 'default',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      spec: { hosts: ['b.example'] },
    });
    const [annotated, bare] = await run((session) =>
      Promise.all([
        session.get({ ...SERVICE_ENTRY, namespace: 'default', name: 'by-hand' }),
        session.get({ ...SERVICE_ENTRY, namespace: 'default', name: 'only-last-applied' }),
      ]),
    );
    expect(annotated).toEqual({
      ...SERVICE_ENTRY,
      metadata: { name: 'by-hand', namespace: 'default', labels: {}, annotations: { note: 'hi' } },
      spec: { hosts: ['a.example'] },
    });
    expect(bare).toEqual({
      ...SERVICE_ENTRY,
      metadata: { name: 'only-last-applied', namespace: 'default', labels: {} },
      spec: { hosts: ['b.example'] },
    });
  });

  test('undefined when absent, when its namespace is absent and when its kind is not served', async () => {
    const results = await run((session) =>
      Promise.all([
        session.get({ ...SERVICE_ENTRY, namespace: 'istio-system', name: 'nothing' }),
        session.get({ ...SERVICE_ENTRY, namespace: 'no-such-namespace', name: 'nothing' }),
        session.get({ ...TELEMETRY, namespace: 'istio-system', name: 'nothing' }),
      ]),
    );
    expect(results).toEqual([undefined, undefined, undefined]);
  });
});

describe('list', () => {
  test('every object of the kinds carrying the labels, across namespaces, stripped', async () => {
    const mine = [serviceEntry('istio-system'), serviceEntry('namespace01'), secret('namespace02')];
    await run(async (session) => {
      for (const object of mine) await session.apply(object);
    });
    const otherOwner = serviceEntry('namespace01', 'other');
    otherOwner.metadata.labels = ownerLabels({ ...OWNER, intent: 'other-intent' });
    fake.put({ ...otherOwner, metadata: { ...otherOwner.metadata } });
    fake.put({ ...SERVICE_ENTRY, metadata: { name: 'unlabelled', namespace: 'default' }, spec: { hosts: ['x'] } });
    fake.put({ ...SECRET, metadata: { name: 'unlabelled', namespace: 'namespace02' }, type: 'Opaque', data: {} });

    const found = await run((session) =>
      session.list([SERVICE_ENTRY, AUTHORIZATION_POLICY, SECRET, TELEMETRY], ownerLabels(OWNER)),
    );
    const byId = (object: { kind: string; metadata: { namespace?: string; name: string } }) =>
      `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
    expect(found.map(byId).sort()).toEqual(mine.map(byId).sort());
    for (const object of mine) expect(found.find((live) => byId(live) === byId(object))).toEqual(object);

    const lists = fake.calls.filter((call) => call.method === 'GET' && /(serviceentries|secrets)$/.test(call.path));
    expect(lists.map((call) => call.path).sort()).toEqual([
      '/api/v1/secrets',
      '/apis/networking.istio.io/v1/serviceentries',
    ]);
    const selector = lists[0]?.query.labelSelector ?? '';
    expect(selector.split(',').sort()).toEqual(
      Object.entries(ownerLabels(OWNER))
        .map(([key, value]) => `${key}=${value}`)
        .sort(),
    );
  });

  test('nothing of a kind the cluster does not serve, or when nothing matches', async () => {
    expect(await run((session) => session.list([TELEMETRY, AUTHORIZATION_POLICY], ownerLabels(OWNER)))).toEqual([]);
  });
});

describe('remove', () => {
  test('deleted, then absent', async () => {
    const object = serviceEntry('istio-system');
    await run((session) => session.apply(object));
    expect(await run((session) => session.remove(refOf(object)))).toBe('deleted');
    expect(fake.get(refOf(object))).toBeUndefined();
    expect(await run((session) => session.remove(refOf(object)))).toBe('absent');
    expect(await run((session) => session.remove({ ...TELEMETRY, namespace: 'a', name: 'b' }))).toBe('absent');
  });
});

describe('failures', () => {
  const object = serviceEntry('istio-system');

  test.each([
    [403, 'forbidden', false],
    [401, 'forbidden', false],
    [409, 'conflict', true],
    [429, 'server-error', true],
    [500, 'server-error', true],
    [503, 'server-error', true],
    [400, 'rejected', false],
    [422, 'rejected', false],
  ] as const)('%i answered to an apply → %s (retryable: %s)', async (status, reason, retryable) => {
    fake.fault({ method: 'PATCH', status, message: `injected ${status}` });
    const error = await failure((session) => session.apply(object));
    expect(error).toMatchObject({ reason, retryable, status });
    expect(error.message).toContain('ServiceEntry/istio-system/httpbin.namespace02.logicalcloud02');
    expect(error.message).toContain('edge/cluster01');
    expect(error.message).toContain(`injected ${status}`);
    expect(error.message).not.toContain('fake-token');
  });

  test('a failing get, list or remove is an error too (only 404 means absent)', async () => {
    fake.fault({ method: 'GET', path: 'serviceentries', status: 403 });
    fake.fault({ method: 'DELETE', status: 500 });
    expect(await failure((session) => session.get(refOf(object)))).toMatchObject({ reason: 'forbidden', status: 403 });
    expect(await failure((session) => session.list([SERVICE_ENTRY], {}))).toMatchObject({ reason: 'forbidden' });
    expect(await failure((session) => session.remove(refOf(object)))).toMatchObject({ reason: 'server-error' });
  });

  test('a failing discovery is an error, not "not served"', async () => {
    fake.fault({ path: /^\/apis\/networking\.istio\.io\/v1$/, status: 503 });
    expect(await failure((session) => session.list([SERVICE_ENTRY], {}))).toMatchObject({
      reason: 'server-error',
      status: 503,
    });
    expect(await failure((session) => session.get(refOf(object)))).toMatchObject({ reason: 'server-error' });
  });

  test('a wrong token: forbidden', async () => {
    cluster.spec = { kubeconfig: fake.kubeconfig.replace('fake-token', 'wrong-token') };
    const error = await failure((session) => session.apply(object));
    expect(error).toMatchObject({ reason: 'forbidden', retryable: false, status: 401 });
    expect(error.message).not.toContain('wrong-token');
  });

  test('a server that is down: unreachable, retryable, and the URL is not in the message', async () => {
    await fake.down();
    const error = await failure((session) => session.apply(object));
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true, status: undefined });
    expect(error.message).toContain('connection refused');
    expect(error.message).not.toContain(fake.url);
    await fake.up();
    await run((session) => session.apply(object));
    expect(fake.get(refOf(object))).toBeDefined();
  });

  test('no answer within requestTimeoutMs: timeout, and the call really returns then', async () => {
    const quick = createKubernetesTarget({ requestTimeoutMs: 300 });
    fake.fault({ method: 'PATCH', delayMs: 10_000 });
    const started = Date.now();
    const error = await failure((session) => session.apply(object), quick);
    const took = Date.now() - started;
    expect(error).toMatchObject({ reason: 'timeout', retryable: true });
    expect(error.message).toContain('300 ms');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(1500);
  });

  test('a stalled discovery times out too', async () => {
    const quick = createKubernetesTarget({ requestTimeoutMs: 300 });
    fake.fault({ delayMs: 10_000 });
    const started = Date.now();
    expect(await failure((session) => session.list([SERVICE_ENTRY], {}), quick)).toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('kubeconfig', () => {
  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['garbage', 'clusters: [ {server: "https://10.1.2.3", token: "do-not-leak-me" '],
    ['not a kubeconfig', 'just some words'],
  ])('%s: not configured, the message names the cluster and not the kubeconfig', async (_case, kubeconfig) => {
    cluster.spec = kubeconfig === undefined ? {} : { kubeconfig };
    let worked = false;
    const error = await failure(async () => {
      worked = true;
    });
    expect(worked).toBe(false);
    expect(error).toMatchObject({ reason: 'not-configured', retryable: false });
    expect(error.message).toContain('edge/cluster01');
    if (kubeconfig) expect(error.message).not.toContain(kubeconfig);
    expect(error.message).not.toContain('do-not-leak-me');
    expect(error.message).not.toContain('10.1.2.3');
  });

  test('discovery is cached per cluster and kubeconfig; a new kubeconfig gets a new client', async () => {
    const discoveries = () => fake.calls.filter((call) => call.path === '/apis/networking.istio.io/v1').length;
    await run((session) => session.apply(serviceEntry('istio-system')));
    await run((session) => session.get(refOf(serviceEntry('istio-system'))));
    expect(discoveries()).toBe(1);
    cluster.spec = { kubeconfig: `${fake.kubeconfig}\n# rotated\n` };
    await run((session) => session.get(refOf(serviceEntry('istio-system'))));
    expect(discoveries()).toBe(2);
  });
});

describe('rendered objects round-trip', () => {
  test('every object of the examples: get returns what was applied, list finds them all', async () => {
    const objects = renderedExample();
    expect(new Set(objects.map((object) => object.kind))).toEqual(
      new Set(['ServiceEntry', 'DestinationRule', 'VirtualService', 'AuthorizationPolicy']),
    );
    // Both clusters' objects into one fake: names differ by namespace or are identical (then the later one wins).
    const unique = new Map(
      objects.map((object) => [`${object.kind}/${object.metadata.namespace}/${object.metadata.name}`, object]),
    );
    await run(async (session) => {
      for (const object of unique.values()) await session.apply(object);
    });
    const kinds = [
      ...new Map(objects.map((object) => [object.kind, { apiVersion: object.apiVersion, kind: object.kind }])).values(),
    ];
    await run(async (session) => {
      for (const object of unique.values()) expect(await session.get(refOf(object))).toEqual(object);
      const listed = await session.list(kinds, { 'app.kubernetes.io/managed-by': 'meshbridge' });
      expect(listed).toHaveLength(unique.size);
      for (const live of listed) {
        expect(live).toEqual(unique.get(`${live.kind}/${live.metadata.namespace}/${live.metadata.name}`));
      }
    });
  });
});
