/** Projects, logical clouds and the clusters a logical cloud spans (EMCO's DCM). */
import { Type } from '@sinclair/typebox';
import { Metadata, Name, Obj, StringEnum } from '../validation/schema.js';
import { NamespaceName } from './namespace-schema.js';
import { byMetadataName, specOf, type ResourceBody, type ResourceKind } from './kind.js';
import { clusterKey } from './keys.js';

export const projectKind: ResourceKind = {
  kind: 'project',
  label: 'project',
  parent: null,
  segment: 'projects',
  params: ['project'],
  schema: Obj({ metadata: Metadata(), spec: Type.Optional(Obj({})) }),
  itemSegments: byMetadataName,
};

export const logicalCloudKind: ResourceKind = {
  kind: 'logicalCloud',
  label: 'logical cloud',
  parent: 'project',
  segment: 'logical-clouds',
  params: ['logicalCloud'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({
      namespace: Type.Optional(NamespaceName()),
      level: Type.Optional(StringEnum(['0', '1'])),
      labels: Type.Optional(Type.Object({}, { additionalProperties: Type.String() })),
      user: Type.Optional(Obj({ userName: Type.Optional(Type.String()), type: Type.Optional(Type.String()) })),
    }),
  }),
  itemSegments: byMetadataName,
  check: (body) =>
    cloudLevel(body) === '1' && specOf(body).namespace === undefined
      ? [
          {
            path: 'spec.namespace',
            message: 'is required for a standard (level "1") logical cloud; an admin cloud sets level "0"',
          },
        ]
      : [],
};

/** EMCO's DCM: a logical cloud without a level is a standard one (`src/dcm/pkg/module/logicalcloud.go`, Create). */
export function cloudLevel(body: ResourceBody): '0' | '1' {
  return specOf(body).level === '0' ? '0' : '1';
}

/**
 * The namespace a logical cloud's services live in. An admin (level "0") cloud has none of its own: EMCO deploys
 * its apps without one, so into the cluster's `default` namespace (`src/dcm/pkg/module/apply.go`, "always default"),
 * and meshbridge renders for `default` unless the cloud names a namespace.
 */
export function cloudNamespace(body: ResourceBody): string {
  const namespace = specOf(body).namespace;
  return typeof namespace === 'string' ? namespace : ADMIN_CLOUD_NAMESPACE;
}

export const ADMIN_CLOUD_NAMESPACE = 'default';

export const clusterReferenceKind: ResourceKind = {
  kind: 'clusterReference',
  label: 'cluster reference',
  parent: 'logicalCloud',
  segment: 'cluster-references',
  params: ['clusterReference'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({
      clusterProvider: Name(),
      cluster: Name(),
      loadBalancerIP: Type.Optional(Type.String()),
    }),
  }),
  itemSegments: byMetadataName,
  references: (body) => {
    const spec = specOf(body) as { clusterProvider: string; cluster: string };
    return [{ path: 'spec.cluster', what: 'cluster', key: clusterKey(spec.clusterProvider, spec.cluster) }];
  },
};
