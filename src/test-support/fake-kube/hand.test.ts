import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './index.js';
import { rawRequest } from './raw-http.js';

let fake: FakeKube;
beforeEach(async () => {
  fake = await startFakeKube({ namespaces: ['default', 'istio-system'] });
});
afterEach(async () => {
  await fake.close();
});

const REF = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'default', name: 'manual' };
const MANUAL = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'manual', namespace: 'default' },
  spec: { hosts: ['manual.example.com'] },
};

describe('seeding and hand edits', () => {
  it('starts with the requested namespaces', () => {
    expect(fake.objects().map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Namespace/default',
      'Namespace/istio-system',
    ]);
    expect(fake.objects()[0]).toMatchObject({
      metadata: { labels: { 'kubernetes.io/metadata.name': 'default' } },
      status: { phase: 'Active' },
    });
  });

  it('put() stores an object a human made: server metadata, kubectl-client-side-apply ownership', async () => {
    const stored = fake.put(MANUAL);
    expect(stored.metadata).toMatchObject({ name: 'manual', namespace: 'default', generation: 1 });
    expect(stored.metadata.uid).toBeDefined();
    expect(stored.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        fieldsV1: { 'f:spec': { 'f:hosts': {} } },
      }),
    ]);
    const served = await rawRequest(
      fake,
      'GET',
      '/apis/networking.istio.io/v1beta1/namespaces/default/serviceentries/manual',
    );
    expect(served.json).toMatchObject({
      apiVersion: 'networking.istio.io/v1beta1',
      spec: { hosts: ['manual.example.com'] },
    });
    expect(fake.get({ ...REF, apiVersion: 'networking.istio.io/v1alpha3' })?.apiVersion).toBe(
      'networking.istio.io/v1alpha3',
    );
  });

  it('put() creates a missing namespace and keeps given managedFields and status', () => {
    fake.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'apps', managedFields: [] },
      spec: { ports: [{ port: 80 }] },
      status: { loadBalancer: {} },
    });
    expect(fake.get({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' })).toBeDefined();
    const service = fake.get({ apiVersion: 'v1', kind: 'Service', namespace: 'apps', name: 's' });
    expect(service?.metadata.managedFields).toBeUndefined();
    expect(service?.status).toEqual({ loadBalancer: {} });
  });

  it('edit() bumps resourceVersion and generation and takes ownership of what it changed', () => {
    const before = fake.put(MANUAL);
    fake.edit(REF, (object) => {
      object.spec = { hosts: ['manual.example.com'], resolution: 'DNS' };
      object.metadata.labels = { team: 'a' };
    });
    const after = fake.get(REF);
    expect(Number(after?.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(after?.metadata.generation).toBe(2);
    expect(after?.metadata.managedFields?.map((entry) => [entry.manager, entry.fieldsV1])).toEqual([
      ['kubectl-client-side-apply', { 'f:spec': { 'f:hosts': {} } }],
      ['kubectl-edit', { 'f:metadata': { 'f:labels': { 'f:team': {} } }, 'f:spec': { 'f:resolution': {} } }],
    ]);
    fake.edit(
      REF,
      (object) => {
        object.metadata.annotations = { a: 'b' };
      },
      'kubectl-annotate',
    );
    expect(fake.get(REF)?.metadata.generation).toBe(2);
    expect(fake.get(REF)?.metadata.managedFields?.map((entry) => entry.manager)).toContain('kubectl-annotate');
    expect(() => fake.edit({ ...REF, name: 'missing' }, () => undefined)).toThrow(/missing object/);
  });

  it('remove() deletes, reports whether it did; objects() and get() return copies', () => {
    fake.put(MANUAL);
    const copy = fake.get(REF);
    if (copy) copy.spec = { hosts: ['changed'] };
    const listed = fake.objects().find((object) => object.kind === 'ServiceEntry');
    if (listed) listed.spec = {};
    expect(fake.get(REF)?.spec).toEqual({ hosts: ['manual.example.com'] });
    expect(fake.remove(REF)).toBe(true);
    expect(fake.remove(REF)).toBe(false);
    expect(fake.get(REF)).toBeUndefined();
  });

  it('objects() are sorted by apiVersion, kind, namespace and name', () => {
    fake.put({ ...MANUAL, metadata: { name: 'b', namespace: 'istio-system' } });
    fake.put({ ...MANUAL, metadata: { name: 'a', namespace: 'istio-system' } });
    fake.put({ ...MANUAL, metadata: { name: 'z', namespace: 'default' } });
    fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: {} });
    expect(
      fake.objects().map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`),
    ).toEqual([
      'networking.istio.io/v1 ServiceEntry default/z',
      'networking.istio.io/v1 ServiceEntry istio-system/a',
      'networking.istio.io/v1 ServiceEntry istio-system/b',
      'v1 ConfigMap default/c',
      'v1 Namespace -/default',
      'v1 Namespace -/istio-system',
    ]);
  });

  it('refuses kinds the fake does not serve', () => {
    expect(() => fake.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } })).toThrow(
      /no served resource/,
    );
  });
});
