import { describe, expect, it } from 'vitest';
import type { K8sObject } from './objects.js';
import { formatShape, parseShape, unknownFields } from './shape.js';
import { validObjects } from './test-support/fixtures.js';
import { validateObject } from './validate.js';

type Loose = K8sObject & { spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function make(kind: string): Loose {
  return validObjects[kind]!() as Loose;
}

function unknownPaths(object: K8sObject): string[] {
  return validateObject(object)
    .filter((issue) => issue.message.startsWith('unknown field'))
    .map((issue) => issue.path);
}

describe('unknown fields', () => {
  it.each<[string, string, (object: Loose) => void, string]>([
    [
      'DestinationRule',
      'loadbalancer (seed 000)',
      (o) => (o.spec.trafficPolicy.loadbalancer = { simple: 'RANDOM' }),
      'spec.trafficPolicy.loadbalancer',
    ],
    [
      'DestinationRule',
      'serverCertificate in a client TLS',
      (o) => (o.spec.trafficPolicy.tls.serverCertificate = '/c.pem'),
      'spec.trafficPolicy.tls.serverCertificate',
    ],
    [
      'DestinationRule',
      'a field of a subset policy',
      (o) => (o.spec.subsets = [{ name: 'v1', trafficPolicy: { outlierDetection: { consecutive5xxErrs: 1 } } }]),
      'spec.subsets[0].trafficPolicy.outlierDetection.consecutive5xxErrs',
    ],
    [
      'DestinationRule',
      'matchLabels under a DR workloadSelector typed as labels',
      (o) => (o.spec.workloadSelector = { labels: { app: 'a' } }),
      'spec.workloadSelector.labels',
    ],
    [
      'ServiceEntry',
      'matchLabels under an SE workloadSelector',
      (o) => (o.spec.workloadSelector = { matchLabels: { app: 'a' } }),
      'spec.workloadSelector.matchLabels',
    ],
    ['ServiceEntry', 'an endpoint field', (o) => (o.spec.endpoints[0].adress = '1.2.3.4'), 'spec.endpoints[0].adress'],
    [
      'VirtualService',
      'a destination field in an array',
      (o) => (o.spec.http[0].route[1].destination.namespace = 'bar'),
      'spec.http[0].route[1].destination.namespace',
    ],
    [
      'VirtualService',
      'a StringMatch field inside a map value',
      (o) => (o.spec.http[0].match = [{ headers: { 'x-user': { exacts: 'a' } } }]),
      'spec.http[0].match[0].headers.x-user.exacts',
    ],
    ['VirtualService', 'a route-level typo', (o) => (o.spec.http[0].timout = '5s'), 'spec.http[0].timout'],
    ['Gateway', 'a server field', (o) => (o.spec.servers[0].host = ['*.local']), 'spec.servers[0].host'],
    [
      'AuthorizationPolicy',
      'a source field',
      (o) => (o.spec.rules[0].from[0].source.principal = ['a']),
      'spec.rules[0].from[0].source.principal',
    ],
    [
      'AuthorizationPolicy',
      'trustDomains (Istio 1.30 only, not in the 1.29 schema)',
      (o) => (o.spec.rules[0].from[0].source.trustDomains = ['td']),
      'spec.rules[0].from[0].source.trustDomains',
    ],
    ['PeerAuthentication', 'a top-level spec typo', (o) => (o.spec.mTLS = { mode: 'STRICT' }), 'spec.mTLS'],
    [
      'PeerAuthentication',
      'a field in a portLevelMtls value',
      (o) =>
        Object.assign(o.spec, { selector: { matchLabels: { a: 'b' } }, portLevelMtls: { '80': { mod: 'STRICT' } } }),
      'spec.portLevelMtls["80"].mod',
    ],
    ['Secret', 'a top-level typo', (o) => ((o as unknown as Record<string, unknown>)['tpye'] = 'Opaque'), 'tpye'],
    [
      'ConfigMap',
      'a metadata typo',
      (o) => ((o.metadata as unknown as Record<string, unknown>)['namepsace'] = 'x'),
      'metadata.namepsace',
    ],
  ])('%s: reports %s', (kind, _name, mutate, path) => {
    const object = make(kind);
    mutate(object);
    expect(unknownPaths(object)).toEqual([path]);
  });

  it('suggests the field that differs only in case or by a typo', () => {
    const object = make('DestinationRule');
    object.spec.trafficPolicy.outlierdetection = {};
    object.spec.trafficPolicy.conectionPool = {};
    const messages = validateObject(object).map((issue) => issue.message);
    expect(messages).toContain(
      'unknown field "outlierdetection": the schema does not define it; did you mean "outlierDetection"?',
    );
    expect(messages).toContain(
      'unknown field "conectionPool": the schema does not define it; did you mean "connectionPool"?',
    );
  });

  it('leaves map keys free: labels, endpoint ports, header names, selectors', () => {
    const object = make('ServiceEntry');
    object.metadata.labels = { 'anything.example.com/key': 'v' };
    object.spec.endpoints[0].labels = { whatever: 'x' };
    expect(unknownPaths(object)).toEqual([]);
  });

  it('allows status (the cluster writes it) and reports every unknown field, not just the first', () => {
    const object = make('Gateway') as Loose & Record<string, unknown>;
    object['status'] = { conditions: [] };
    object['specs'] = {};
    object.spec.servers[0].tlss = {};
    expect(unknownPaths(object)).toEqual(['spec.servers[0].tlss', 'specs']);
  });
});

describe('shape notation', () => {
  it('parses and prints canonically (sorted, * last)', () => {
    expect(formatShape(parseShape('{ b{*, z}, a, m{*{x,y}} }'))).toBe('{a,b{z,*},m{*{x,y}}}');
  });

  it.each(['{a', 'a}', '{a{b}', '{a,,}x', '{a-b}'])('rejects malformed notation %s', (source) => {
    expect(() => parseShape(source)).toThrow();
  });

  it('walks arrays and starts from a base path', () => {
    const issues: { path: string; message: string }[] = [];
    unknownFields([{ a: 1 }, { b: 2 }], parseShape('{a}'), ['spec', 'list'], issues);
    expect(issues.map((issue) => issue.path)).toEqual(['spec.list[1].b']);
  });
});
