import { describe, expect, it } from 'vitest';
import type { ConfigMap, K8sObject, Secret } from './objects.js';
import { type InvalidCase, pathsAfter } from './test-support/cases.js';
import { configMap, secret, serviceEntry } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

describe('Secret', () => {
  it('accepts a kubernetes.io/tls credential and an Opaque stringData secret', () => {
    expect(validateObject(secret())).toEqual([]);
    const opaque: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cacert' },
      stringData: { cacert: '-----BEGIN CERTIFICATE-----' },
    };
    expect(validateObject(opaque)).toEqual([]);
  });

  const cases: InvalidCase<Secret>[] = [
    { name: 'tls secret without tls.key', mutate: (s) => delete s.data!['tls.key'], paths: ['data["tls.key"]'] },
    { name: 'data not base64', mutate: (s) => (s.data!['tls.crt'] = 'not base64!'), paths: ['data["tls.crt"]'] },
    { name: 'bad data key', mutate: (s) => (s.data!['tls/crt'] = 'YQ=='), paths: ['data["tls/crt"]'] },
    { name: 'empty type', mutate: (s) => (s.type = ''), paths: ['type'] },
    { name: 'a spec', mutate: (s) => ((s as K8sObject).spec = {}), paths: ['spec'] },
    {
      name: 'unknown field',
      mutate: (s) => ((s as unknown as Record<string, unknown>)['strigData'] = {}),
      paths: ['strigData'],
    },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths }) => {
    expect(pathsAfter(secret, mutate).paths).toEqual(paths);
  });
});

describe('ConfigMap', () => {
  it('accepts the CoreDNS stub-domain ConfigMap of seed 001', () => {
    expect(validateObject(configMap())).toEqual([]);
  });

  const cases: InvalidCase<ConfigMap>[] = [
    {
      name: 'key in data and binaryData',
      mutate: (c) => (c.binaryData = { Corefile: 'YQ==' }),
      paths: ['binaryData.Corefile'],
    },
    { name: 'binaryData not base64', mutate: (c) => (c.binaryData = { blob: '***' }), paths: ['binaryData.blob'] },
    { name: 'value not a string', mutate: (c) => (c.data!['n'] = 5 as never), paths: ['data.n'] },
    { name: 'too large', mutate: (c) => (c.data!['big'] = 'x'.repeat(1024 * 1024 + 1)), paths: ['data'] },
    { name: 'stringData (Secret only)', mutate: (c) => ((c as K8sObject).stringData = {}), paths: ['stringData'] },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths }) => {
    expect(pathsAfter(configMap, mutate).paths).toEqual(paths);
  });
});

describe('metadata', () => {
  const cases: InvalidCase<ReturnType<typeof serviceEntry>>[] = [
    { name: 'no name', mutate: (o) => (o.metadata.name = ''), paths: ['metadata.name'] },
    { name: 'upper-case name', mutate: (o) => (o.metadata.name = 'ServiceEntry-Httpbin'), paths: ['metadata.name'] },
    { name: 'name over 253', mutate: (o) => (o.metadata.name = `${'a'.repeat(250)}.bcd`), paths: ['metadata.name'] },
    {
      name: 'namespace with a dot',
      mutate: (o) => (o.metadata.namespace = 'name.space'),
      paths: ['metadata.namespace'],
    },
    {
      name: 'namespace over 63',
      mutate: (o) => (o.metadata.namespace = 'n'.repeat(64)),
      paths: ['metadata.namespace'],
    },
    {
      name: 'label key with two slashes',
      mutate: (o) => (o.metadata.labels = { 'a/b/c': 'x' }),
      paths: ['metadata.labels["a/b/c"]'],
    },
    {
      name: 'label key prefix upper-case',
      mutate: (o) => (o.metadata.labels = { 'Example.com/app': 'x' }),
      paths: ['metadata.labels["Example.com/app"]'],
    },
    {
      name: 'label value with a space',
      mutate: (o) => (o.metadata.labels = { app: 'my app' }),
      paths: ['metadata.labels.app'],
    },
    {
      name: 'label value over 63',
      mutate: (o) => (o.metadata.labels = { app: 'v'.repeat(64) }),
      paths: ['metadata.labels.app'],
    },
    {
      name: 'annotation key invalid',
      mutate: (o) => (o.metadata.annotations = { '-bad': 'x' }),
      paths: ['metadata.annotations["-bad"]'],
    },
    {
      name: 'label value not a string (schema type)',
      mutate: (o) => (o.metadata.labels = { app: 1 as never }),
      paths: ['metadata.labels.app'],
    },
    {
      name: 'unknown metadata field',
      mutate: (o) => ((o.metadata as unknown as Record<string, unknown>)['label'] = {}),
      paths: ['metadata.label'],
    },
  ];

  it.each(cases)('rejects $name at $paths', ({ mutate, paths }) => {
    expect(pathsAfter(serviceEntry, mutate).paths).toEqual(paths);
  });

  it('accepts a dotted name, prefixed label keys and empty label values', () => {
    const object = serviceEntry();
    object.metadata = {
      name: 'httpbin.namespace02.logicalcloud02',
      namespace: 'namespace01',
      labels: { 'app.kubernetes.io/part-of': 'meshbridge', 'meshbridge.io/empty': '' },
      annotations: { 'meshbridge.io/intent': 'anything: goes here' },
    };
    expect(validateObject(object)).toEqual([]);
  });

  it('reports a missing metadata without throwing', () => {
    const object = serviceEntry() as Partial<K8sObject>;
    delete object.metadata;
    expect(validateObject(object as K8sObject).map((issue) => issue.path)).toEqual(['metadata']);
  });
});
