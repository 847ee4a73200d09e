import { describe, expect, it } from 'vitest';
import type { DestinationRule, K8sObject } from './objects.js';
import { validObjects } from './test-support/fixtures.js';
import { assertValidObjects, describeObject, InvalidRenderError, validateObject } from './validate.js';

const networking = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];
const security = ['security.istio.io/v1', 'security.istio.io/v1beta1'];
const versions: Record<string, string[]> = {
  ServiceEntry: networking,
  DestinationRule: networking,
  VirtualService: networking,
  Gateway: networking,
  AuthorizationPolicy: security,
  PeerAuthentication: security,
  Secret: ['v1'],
  ConfigMap: ['v1'],
};

/** Seed 000's productpage DestinationRule, as the seed writes it. */
function seedDestinationRule(): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'DestinationRule',
    metadata: { name: 'bookinfo-productpage-dr', namespace: 'namespace01' },
    spec: {
      host: 'productpage',
      trafficPolicy: {
        tls: {
          mode: 'MUTUAL',
          serverCertificate: '/etc/certs/cert-chain.pem',
          privateKey: '/etc/certs/key.pem',
          caCertificates: '/etc/certs/root-cert.pem',
        },
        loadbalancer: { consistentHash: { httpCookie: 'user2' } },
        connectionPool: {
          tcp: { maxConnections: 10 },
          http: { http2MaxRequests: 1000, maxRequestsPerConnection: 100 },
        },
        outlierDetection: { consecutiveErrors: 7, interval: '5m', baseEjectionTime: '15m' },
      },
    },
  };
}

describe('validateObject', () => {
  const table = Object.entries(versions).flatMap(([kind, list]) =>
    list.map((apiVersion) => [kind, apiVersion] as const),
  );

  it.each(table)('accepts a valid %s as %s', (kind, apiVersion) => {
    const object = validObjects[kind]!();
    object.apiVersion = apiVersion as never;
    expect(validateObject(object)).toEqual([]);
  });

  it.each([
    ['ServiceEntry', 'networking.istio.io/v2'],
    ['ServiceEntry', 'v1'],
    ['PeerAuthentication', 'security.istio.io/v1alpha1'],
    ['AuthorizationPolicy', 'networking.istio.io/v1'],
    ['Secret', 'core/v1'],
  ])('rejects %s as %s at apiVersion', (kind, apiVersion) => {
    const object = { ...validObjects[kind]!(), apiVersion } as K8sObject;
    expect(validateObject(object)).toEqual([{ path: 'apiVersion', message: expect.stringContaining('not served') }]);
  });

  it('rejects an unknown kind (MeshPolicy is gone since Istio 1.6)', () => {
    const object = { ...validObjects['PeerAuthentication']!(), kind: 'MeshPolicy' } as K8sObject;
    expect(validateObject(object).map((issue) => issue.path)).toEqual(['kind']);
  });

  it('reports every problem of seed 000 productpage rule at once, with our paths', () => {
    expect(validateObject(seedDestinationRule())).toEqual([
      { path: 'spec.trafficPolicy.tls.serverCertificate', message: expect.stringContaining('unknown field') },
      { path: 'spec.trafficPolicy.loadbalancer', message: expect.stringContaining('did you mean "loadBalancer"') },
      { path: 'spec.trafficPolicy.tls.clientCertificate', message: 'client certificate required for mutual TLS' },
    ]);
  });

  it('maps schema errors: required, type and enum', () => {
    const object = validObjects['ServiceEntry']!() as K8sObject & { spec: Record<string, unknown> };
    delete object.spec['hosts'];
    object.spec['ports'] = [{ name: 'http', number: '80' }];
    object.spec['location'] = 'INSIDE';
    const issues = validateObject(object);
    expect(issues).toContainEqual({ path: 'spec.hosts', message: 'is required' });
    expect(issues).toContainEqual({ path: 'spec.ports[0].number', message: 'must be integer' });
    expect(issues).toContainEqual({ path: 'spec.location', message: 'must be one of MESH_EXTERNAL, MESH_INTERNAL' });
  });

  it('reports a missing spec once', () => {
    const object = validObjects['Gateway']!() as K8sObject;
    delete object.spec;
    expect(validateObject(object)).toEqual([{ path: 'spec', message: 'is required' }]);
  });

  it.each<[string, unknown]>([
    ['hosts as a string', { hosts: 'a.example.com' }],
    ['ports as an object', { hosts: ['a.example.com'], ports: { http: 80 } }],
    ['endpoints of numbers', { hosts: ['a.example.com'], resolution: 'STATIC', endpoints: [1, 2] }],
    ['spec as an array', []],
    ['null hosts entries', { hosts: [null] }],
  ])('does not throw on malformed input: %s', (_name, spec) => {
    const object = { ...validObjects['ServiceEntry']!(), spec } as K8sObject;
    expect(validateObject(object).length).toBeGreaterThan(0);
  });

  it('does not throw on malformed input of any kind', () => {
    for (const make of Object.values(validObjects)) {
      const object = make() as K8sObject;
      for (const spec of [
        { servers: 'x', rules: 'x', trafficPolicy: 'x', http: 'x', selector: 'x', mtls: 'x' },
        { host: 5 },
      ]) {
        expect(() => validateObject({ ...object, spec } as K8sObject)).not.toThrow();
      }
    }
  });
});

describe('assertValidObjects', () => {
  it('returns when every object is valid', () => {
    expect(() => assertValidObjects(Object.values(validObjects).map((make) => make()))).not.toThrow();
  });

  it('throws one InvalidRenderError naming every bad object with all its issues', () => {
    const bad = validObjects['DestinationRule']!() as DestinationRule;
    bad.spec.trafficPolicy!.outlierDetection!.interval = '0s';
    const alsoBad = validObjects['Gateway']!();
    alsoBad.metadata.name = 'Not_Valid';
    const objects = [validObjects['ServiceEntry']!(), bad, seedDestinationRule(), alsoBad];
    let caught: unknown;
    try {
      assertValidObjects(objects);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRenderError);
    expect(caught).toBeInstanceOf(Error);
    const error = caught as InvalidRenderError;
    expect(error.name).toBe('InvalidRenderError');
    expect(error.invalid.map((entry) => entry.object)).toEqual([
      'DestinationRule namespace01/bookinfo-productpage-dr',
      'DestinationRule namespace01/bookinfo-productpage-dr',
      'Gateway istio-system/Not_Valid',
    ]);
    expect(error.invalid[0]!.issues).toEqual([
      { path: 'spec.trafficPolicy.outlierDetection.interval', message: expect.stringContaining('at least 1ms') },
    ]);
    expect(error.invalid[1]!.issues).toHaveLength(3);
    expect(error.message).toContain('3 invalid object(s) with 5 issue(s)');
  });

  it('passes the weightsMustSum100 option through', () => {
    const vs = validObjects['VirtualService']!() as K8sObject & { spec: { http: { route: { weight: number }[] }[] } };
    vs.spec.http[0]!.route[0]!.weight = 10;
    expect(() => assertValidObjects([vs])).not.toThrow();
    expect(() => assertValidObjects([vs], { weightsMustSum100: true })).toThrow(InvalidRenderError);
  });

  it('names objects without a namespace', () => {
    expect(describeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns' } })).toBe(
      'ConfigMap coredns',
    );
  });
});
