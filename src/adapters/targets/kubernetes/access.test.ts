import { expect, test } from 'vitest';
import { OWNED_KINDS } from '../../../service/deploy/kinds.js';
import { typeByKind } from '../../../test-support/fake-kube/discovery.js';
import { accessObjects, clusterRoleRules, pluralOf } from './access.js';

test('the plural of every owned kind is the resource name the API server serves it under', () => {
  for (const kind of OWNED_KINDS) {
    expect(pluralOf(kind.kind), kind.kind).toBe(typeByKind(kind.apiVersion, kind.kind)?.plural);
  }
  expect(pluralOf('Namespace')).toBe('namespaces');
});

test('the ClusterRole grants the owned kinds, by group, and namespaces only to be made', () => {
  expect(clusterRoleRules()).toEqual([
    { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['create', 'delete', 'get', 'list', 'patch'] },
    {
      apiGroups: ['networking.istio.io'],
      resources: ['destinationrules', 'gateways', 'serviceentries', 'virtualservices'],
      verbs: ['create', 'delete', 'get', 'list', 'patch'],
    },
    {
      apiGroups: ['networking.k8s.io'],
      resources: ['networkpolicies'],
      verbs: ['create', 'delete', 'get', 'list', 'patch'],
    },
    {
      apiGroups: ['security.istio.io'],
      resources: ['authorizationpolicies', 'peerauthentications'],
      verbs: ['create', 'delete', 'get', 'list', 'patch'],
    },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'patch'] },
  ]);
});

test('the binding and the token Secret name the ServiceAccount, wherever it is put', () => {
  const [account, role, binding, secret] = accessObjects({ namespace: 'mesh-admin', name: 'mb' });
  expect(account?.metadata).toMatchObject({ name: 'mb', namespace: 'mesh-admin' });
  expect(role?.metadata.name).toBe('mb');
  expect(binding).toMatchObject({
    roleRef: { kind: 'ClusterRole', name: 'mb' },
    subjects: [{ kind: 'ServiceAccount', name: 'mb', namespace: 'mesh-admin' }],
  });
  expect(secret).toMatchObject({
    metadata: {
      name: 'mb-token',
      namespace: 'mesh-admin',
      annotations: { 'kubernetes.io/service-account.name': 'mb' },
    },
    type: 'kubernetes.io/service-account-token',
  });
});
