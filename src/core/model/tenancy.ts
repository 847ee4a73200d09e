/** Projects, logical clouds and the clusters a logical cloud spans (EMCO's DCM). */
import { Type } from '@sinclair/typebox';
import { Metadata, Name, Obj, StringEnum } from '../validation/schema.js';
import { DNS_LABEL_PATTERN } from './formats.js';
import { byMetadataName, specOf, type ResourceKind } from './kind.js';
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
      namespace: Type.String({
        pattern: DNS_LABEL_PATTERN,
        maxLength: 63,
        'x-pattern-message': 'must be a Kubernetes namespace name (lower case letters, digits and "-")',
      }),
      level: Type.Optional(StringEnum(['0', '1'])),
      labels: Type.Optional(Type.Object({}, { additionalProperties: Type.String() })),
      user: Type.Optional(Obj({ userName: Type.Optional(Type.String()), type: Type.Optional(Type.String()) })),
    }),
  }),
  itemSegments: byMetadataName,
};

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
