/**
 * The fake through the real client: `@kubernetes/client-node`'s KubernetesObjectApi, as
 * meshbridge's Kubernetes deploy target uses it.
 */
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFleet, startFakeKube, type FakeKube, type KubeObject } from './index.js';

let fake: FakeKube;
let api: KubernetesObjectApi;

function clientFor(target: FakeKube, kubeconfig = target.kubeconfig): KubernetesObjectApi {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return KubernetesObjectApi.makeApiClient(kc);
}

beforeEach(async () => {
  fake = await startFakeKube();
  api = clientFor(fake);
});
afterEach(async () => {
  await fake.close();
});

const MANAGED_BY = 'app.kubernetes.io/managed-by';
const REF = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'default', name: 'payments' };

function serviceEntry(spec: Record<string, unknown>, name = 'payments', namespace = 'default'): KubernetesObject {
  const metadata = { name, namespace, labels: { [MANAGED_BY]: 'meshbridge' } };
  return { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata, spec } as KubernetesObject;
}

const ssa = (object: KubernetesObject, force = true, client = api) =>
  client.patch(object, undefined, undefined, 'meshbridge', force, PatchStrategy.ServerSideApply);

async function apiError(promise: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<string>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function specOf(object: KubeObject | KubernetesObject | undefined): unknown {
  return (object as { spec?: unknown } | undefined)?.spec;
}

describe('KubernetesObjectApi against the fake', () => {
  it('uses discovery to find the resource, then applies server-side (create, then update)', async () => {
    const created = await ssa(serviceEntry({ hosts: ['payments.example.com'], resolution: 'DNS' }));
    expect(created.metadata?.uid).toBeDefined();
    expect(fake.calls.map((recorded) => `${recorded.method} ${recorded.path} ${recorded.status}`)).toEqual([
      'GET /apis/networking.istio.io/v1 200',
      'PATCH /apis/networking.istio.io/v1/namespaces/default/serviceentries/payments 201',
    ]);
    expect(fake.calls[1]).toMatchObject({
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'meshbridge', force: 'true' },
    });
    const updated = await ssa(serviceEntry({ hosts: ['payments.example.com'], resolution: 'STATIC' }));
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
    expect(specOf(fake.get(REF))).toEqual({ hosts: ['payments.example.com'], resolution: 'STATIC' });
    expect(fake.get(REF)?.metadata.generation).toBe(2);
  });

  it('removes the fields meshbridge stops applying', async () => {
    await ssa(serviceEntry({ hosts: ['payments.example.com'], resolution: 'DNS', exportTo: ['.'] }));
    await ssa(serviceEntry({ hosts: ['payments.example.com'] }));
    expect(specOf(fake.get(REF))).toEqual({ hosts: ['payments.example.com'] });
    const fields = fake.get(REF)?.metadata.managedFields;
    expect(fields).toEqual([
      expect.objectContaining({
        manager: 'meshbridge',
        operation: 'Apply',
        fieldsV1: { 'f:metadata': { 'f:labels': { [`f:${MANAGED_BY}`]: {} } }, 'f:spec': { 'f:hosts': {} } },
      }),
    ]);
  });

  it('answers 409 with the conflict when a human edited a field and the apply is not forced; force takes it back', async () => {
    await ssa(serviceEntry({ hosts: ['payments.example.com'] }));
    fake.edit(REF, (object) => {
      (object.spec as { hosts: string[] }).hosts = ['hijacked.example.com'];
    });
    const error = await apiError(ssa(serviceEntry({ hosts: ['payments.example.com'] }), false));
    expect(error.code).toBe(409);
    const status = JSON.parse(error.body) as { reason: string; message: string; details: { causes: unknown[] } };
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using networking.istio.io/v1: .spec.hosts',
    );
    expect(status.details.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-edit" using networking.istio.io/v1',
        field: '.spec.hosts',
      },
    ]);
    expect(specOf(fake.get(REF))).toEqual({ hosts: ['hijacked.example.com'] });

    await ssa(serviceEntry({ hosts: ['payments.example.com'] }), true);
    expect(specOf(fake.get(REF))).toEqual({ hosts: ['payments.example.com'] });
    expect(fake.get(REF)?.metadata.managedFields?.map((entry) => entry.manager)).toEqual(['meshbridge']);
  });

  it('keeps a field a human added beside meshbridge’s', async () => {
    await ssa(serviceEntry({ hosts: ['payments.example.com'] }));
    fake.edit(REF, (object) => {
      object.metadata.annotations = { note: 'keep me' };
    });
    await ssa(serviceEntry({ hosts: ['payments.example.com'], resolution: 'DNS' }), false);
    expect(fake.get(REF)?.metadata.annotations).toEqual({ note: 'keep me' });
  });

  it('reads, lists by label selector and deletes', async () => {
    await ssa(serviceEntry({ hosts: ['a.example.com'] }, 'a'));
    await ssa(serviceEntry({ hosts: ['b.example.com'] }, 'b', 'istio-system'));
    fake.put({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'manual', namespace: 'default' },
      spec: {},
    });

    const read = await api.read({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'a', namespace: 'default' },
    });
    expect(specOf(read)).toEqual({ hosts: ['a.example.com'] });
    const selector = `${MANAGED_BY}=meshbridge`;
    const listed = await api.list(
      'networking.istio.io/v1',
      'ServiceEntry',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
    );
    expect(listed.items.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}`)).toEqual([
      'default/a',
      'istio-system/b',
    ]);
    const inDefault = await api.list('networking.istio.io/v1', 'ServiceEntry', 'default');
    expect(inDefault.items.map((item) => item.metadata?.name)).toEqual(['a', 'manual']);

    const status = await api.delete(serviceEntry({}, 'a'));
    expect(status.status).toBe('Success');
    const header = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'a', namespace: 'default' },
    };
    expect((await apiError(api.read(header))).code).toBe(404);
    expect((await apiError(api.delete(serviceEntry({}, 'a')))).code).toBe(404);
  });

  it('creates, and refuses to create twice', async () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      data: { k: 'v' },
    };
    await api.create(configMap);
    expect(fake.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'c' })?.data).toEqual({
      k: 'v',
    });
    expect((await apiError(api.create(configMap))).code).toBe(409);
  });

  it('gets a 404 for a namespace that does not exist', async () => {
    const error = await apiError(ssa(serviceEntry({ hosts: ['a.example.com'] }, 'a', 'nowhere')));
    expect(error.code).toBe(404);
    expect(JSON.parse(error.body)).toMatchObject({ message: 'namespaces "nowhere" not found', reason: 'NotFound' });
  });

  it('sees injected faults, delays and outages', async () => {
    fake.fault({ method: 'PATCH', status: 500, times: 1 });
    expect((await apiError(ssa(serviceEntry({ hosts: ['a.example.com'] })))).code).toBe(500);
    await ssa(serviceEntry({ hosts: ['a.example.com'] }));

    fake.fault({ method: 'PATCH', delayMs: 200, times: 1 });
    const started = Date.now();
    await ssa(serviceEntry({ hosts: ['b.example.com'] }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    await fake.down();
    await expect(ssa(serviceEntry({ hosts: ['c.example.com'] }))).rejects.toThrow(/ECONNREFUSED/);
    await fake.up();
    await ssa(serviceEntry({ hosts: ['c.example.com'] }));
    expect(specOf(fake.get(REF))).toEqual({ hosts: ['c.example.com'] });
  });

  it('is refused (401) with the wrong token', async () => {
    const client = clientFor(fake, fake.kubeconfig.replace('token: fake-token', 'token: wrong'));
    const error = await apiError(client.list('networking.istio.io/v1', 'ServiceEntry'));
    expect(error.code).toBe(401);
  });
});

describe('several fakes at once', () => {
  it('keeps each cluster’s state, calls and faults apart', async () => {
    const fleet = await startFakeFleet(3, { namespaces: ['default', 'mesh'] });
    try {
      expect(new Set(fleet.map((member) => member.url)).size).toBe(3);
      const clients = fleet.map((member) => clientFor(member));
      fleet[2]?.fault({ status: 503 });
      const results = await Promise.allSettled(
        clients.map((client, index) =>
          ssa(serviceEntry({ hosts: [`c${index}.example.com`] }, 'e', 'mesh'), true, client),
        ),
      );
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      const ref = { ...REF, namespace: 'mesh', name: 'e' };
      expect(specOf(fleet[0]?.get(ref))).toEqual({ hosts: ['c0.example.com'] });
      expect(specOf(fleet[1]?.get(ref))).toEqual({ hosts: ['c1.example.com'] });
      expect(fleet[2]?.get(ref)).toBeUndefined();
      expect(fleet.map((member) => member.calls.length)).toEqual([2, 2, 1]);
      expect(
        fleet[0]
          ?.objects()
          .filter((object) => object.kind === 'Namespace')
          .map((object) => object.metadata.name),
      ).toEqual(['default', 'mesh']);
    } finally {
      await Promise.all(fleet.map((member) => member.close()));
    }
  });
});
