/**
 * What a logical cloud's user may do and use (EMCO's DCM, `src/dcm/pkg/module/userpermissions.go` and `quota.go`,
 * and their `src/dcm/json-schemas/user-permission.json` and `cluster-quota.json`, emco-base f12558f). meshbridge
 * stores them, returns them, and checks them when the cloud is instantiated; it does not create the Roles and
 * ResourceQuotas EMCO would.
 */
import { Type } from '@sinclair/typebox';
import { Metadata, Obj } from '../validation/schema.js';
import { NamespaceName } from './namespace-schema.js';
import { byMetadataName, type ResourceBody, type ResourceKind } from './kind.js';
import { cloudLevel } from './tenancy.js';

/** RBAC names: a namespace, API groups (`""` is the core group), resources and verbs, as Kubernetes' Role has them. */
const RuleList = (description: string, minLength: number) =>
  Type.Optional(Type.Array(Type.String({ minLength, maxLength: 253 }), { maxItems: 256, description }));

export const userPermissionKind: ResourceKind = {
  kind: 'userPermission',
  label: 'user permission',
  parent: 'logicalCloud',
  segment: 'user-permissions',
  params: ['userPermission'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({
      // EMCO makes a ClusterRole of a permission without a namespace, and a Role in the namespace otherwise.
      namespace: Type.Optional(NamespaceName()),
      apiGroups: RuleList('Kubernetes API groups; "" is the core group, "*" every group', 0),
      resources: RuleList('Kubernetes resources, e.g. pods, or "*"', 1),
      verbs: RuleList('Kubernetes verbs, e.g. get, list, or "*"', 1),
    }),
  }),
  itemSegments: byMetadataName,
};

/**
 * The keys of EMCO's cluster quota, each a Kubernetes `ResourceQuota` `spec.hard` entry as a string
 * (`cluster-quota.json`; the Go struct `QSpec` is unused and spells one key differently).
 */
export const CLUSTER_QUOTA_KEYS = [
  'limits.cpu',
  'limits.memory',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
  'persistentvolumeclaims',
  'pods',
  'configmaps',
  'replicationcontrollers',
  'resourcequotas',
  'services',
  'services.loadbalancers',
  'services.nodeports',
  'secrets',
  'count/replicationcontrollers',
  'count/deployments.apps',
  'count/replicasets.apps',
  'count/statefulsets.apps',
  'count/jobs.batch',
  'count/cronjobs.batch',
  'count/deployments.extensions',
] as const;

const quotaSpec = Obj(
  Object.fromEntries(
    CLUSTER_QUOTA_KEYS.map((key) => [key, Type.Optional(Type.String({ minLength: 1, maxLength: 128 }))]),
  ),
);

export const clusterQuotaKind: ResourceKind = {
  kind: 'clusterQuota',
  label: 'cluster quota',
  parent: 'logicalCloud',
  segment: 'cluster-quotas',
  params: ['clusterQuota'],
  schema: Obj({ metadata: Metadata(), spec: Type.Optional(quotaSpec) }),
  itemSegments: byMetadataName,
  // EMCO's QuotaClient.CreateQuota: "Cluster Quotas not allowed for Logical Cloud Level 0".
  fitParent: (body: ResourceBody, cloud: ResourceBody) => ({
    body,
    issues:
      cloudLevel(cloud) === '0'
        ? [
            {
              path: 'spec',
              message:
                'cluster quotas are not allowed in an admin (level "0") logical cloud, as in EMCO; put them in a standard (level "1") one',
            },
          ]
        : [],
  }),
};
