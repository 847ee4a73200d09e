/**
 * What client-node sends for a rendered object is what meshbridge rendered: its serializer, fed the model
 * form, gives back the plain JSON, renamed fields (`from`) included; Istio kinds pass untouched.
 */
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { expect, test } from 'vitest';
import { modelForm, modelName } from './model-form.js';

const policy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: 'testdtc-serverin',
    namespace: 'default',
    labels: { 'app.kubernetes.io/managed-by': 'meshbridge' },
  },
  spec: {
    podSelector: { matchLabels: { app: 'http-server' } },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { app: 'http-client' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } },
          { ipBlock: { cidr: '0.0.0.0/0' } },
        ],
        ports: [{ protocol: 'TCP', port: 3333 }],
      },
    ],
  },
};

test('a NetworkPolicy goes out as rendered, `from` included', () => {
  const type = modelName(policy.apiVersion, policy.kind);
  expect(type).toBe('V1NetworkPolicy');
  expect(ObjectSerializer.serialize(modelForm(structuredClone(policy)), type, '')).toEqual(policy);
  // The serializer reads the model's property name, `_from`; the deploy test (src/deploy-network-policy.test.ts) saw the
  // policy arrive without its peers before this conversion.
  const [rule] = (modelForm(structuredClone(policy)) as unknown as { spec: { ingress: object[] } }).spec.ingress;
  expect(rule).toHaveProperty('_from');
});

test('a Secret is unchanged by the round trip; an Istio object is passed as it is', () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'Yg==' } };
  expect(ObjectSerializer.serialize(modelForm(structuredClone(secret)), 'V1Secret', '')).toEqual(secret);
  const gateway = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { x: 1 } };
  expect(modelForm(gateway)).toBe(gateway);
});
