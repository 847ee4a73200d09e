/**
 * NetworkPolicy: the known fields against @kubernetes/client-node's generated model of
 * networking.k8s.io/v1 (a Kubernetes upgrade that adds a field fails here), and the API
 * server's rules the renderer's output is held to.
 */
import * as k8s from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { networkPolicySpec } from './fields.js';
import type { NetworkPolicy } from './objects.js';
import { formatShape, parseShape, type Shape } from './shape.js';
import { validateObject } from './validate.js';

type Attribute = { baseName: string; type: string };
type Model = { attributeTypeMap?: Attribute[] };
const models = k8s as unknown as Record<string, Model | undefined>;

/** The fields (by their JSON names) of a generated model, followed into nested models (`Array<X>` and `{ [key: string]: X; }` too). */
function shapeOf(modelName: string): Shape | null {
  const model = models[modelName];
  if (!model?.attributeTypeMap) return null;
  const shape = new Map<string, Shape | null>();
  for (const attribute of model.attributeTypeMap) {
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(attribute.type);
    if (map) {
      shape.set(attribute.baseName, new Map([['*', shapeOf(map[1] as string)]]));
      continue;
    }
    const element = /^Array<(.+)>$/.exec(attribute.type)?.[1] ?? attribute.type;
    shape.set(attribute.baseName, shapeOf(element));
  }
  return shape;
}

const policy = (spec: Record<string, unknown>, head: Partial<NetworkPolicy> = {}): NetworkPolicy =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'testdtc-serverin', namespace: 'default' },
    spec,
    ...head,
  }) as NetworkPolicy;

const emcoLike = {
  podSelector: { matchLabels: { app: 'http-server' } },
  policyTypes: ['Ingress'],
  ingress: [
    {
      from: [{ podSelector: { matchLabels: { app: 'http-client' } } }, { ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [{ protocol: 'TCP', port: 3333 }],
    },
  ],
};

describe('NetworkPolicy', () => {
  test('the known fields of the spec are those of networking.k8s.io/v1 NetworkPolicySpec', () => {
    const fromModel = shapeOf('V1NetworkPolicySpec');
    expect(fromModel).not.toBeNull();
    expect(formatShape(parseShape(networkPolicySpec))).toBe(formatShape(fromModel as Shape));
  });

  test('a policy as EMCO renders it is valid', () => {
    expect(validateObject(policy(emcoLike))).toEqual([]);
  });

  test('every rule of the API server is named', () => {
    const issues = validateObject(
      policy({
        podSelector: { matchLabels: { 'bad key!': 'x' } },
        policyTypes: ['Sideways'],
        ingress: [
          {
            from: [
              {},
              { podSelector: { matchLabels: { app: 'a' } }, ipBlock: { cidr: '10.0.0.0/8' } },
              { ipBlock: { cidr: '10.1.2.3', except: ['10.0.0.0'] } },
            ],
            ports: [{ protocol: 'HTTP', port: 0 }],
          },
        ],
        colour: 'red',
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'spec.colour',
        'spec.ingress[0].from[0]',
        'spec.ingress[0].from[1]',
        'spec.ingress[0].from[2].ipBlock.cidr',
        'spec.ingress[0].from[2].ipBlock.except[0]',
        'spec.ingress[0].ports[0].port',
        'spec.ingress[0].ports[0].protocol',
        'spec.podSelector.matchLabels["bad key!"]',
        'spec.policyTypes[0]',
      ].sort(),
    );
  });

  test('only networking.k8s.io/v1 is served', () => {
    expect(validateObject(policy(emcoLike, { apiVersion: 'extensions/v1beta1' as never }))).toEqual([
      expect.objectContaining({ path: 'apiVersion' }),
    ]);
  });
});
