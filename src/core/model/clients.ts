/**
 * Who calls an inbound service: clients (EMCO's inbound-intent clients, seed 000's
 * outbound intents) and the access points that narrow what a client may call.
 */
import { Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { Name, Obj, StringEnum, StringList } from '../validation/schema.js';
import { checkAccessMap, HTTP_METHODS, ServiceAccountAccess, type AccessMap } from './access.js';
import { DNS_LABEL_PATTERN, isCidr } from './formats.js';
import { intentMetadata } from './inbound.js';
import { orderLike } from '../validation/values.js';
import { byMetadataName, specOf, type ResourceBody, type ResourceKind } from './kind.js';
import { joinKey } from './keys.js';

export const CLIENT_TYPES = ['istio', 'k8s', 'external'] as const;

export const clientSpec = Obj(
  {
    app: Type.Optional(Name()),
    appLabel: Type.Optional(Type.String({ minLength: 3, maxLength: 317 })),
    serviceName: Type.Optional(
      Type.String({
        pattern: DNS_LABEL_PATTERN,
        maxLength: 63,
        'x-pattern-message': 'must be a Kubernetes service name',
      }),
    ),
    type: Type.Optional(StringEnum([...CLIENT_TYPES])),
    headless: Type.Optional(Type.Boolean()),
    namespaces: Type.Optional(StringList(Type.String({ pattern: DNS_LABEL_PATTERN, maxLength: 63 }))),
    cidrs: Type.Optional(StringList(Type.String({ minLength: 1 }))),
    serviceAccountAccess: Type.Optional(ServiceAccountAccess),
    /** Seed 000 names the inbound service in the body; it only says where the client goes. */
    inboundServiceName: Type.Optional(Name()),
  },
  { aliases: { application: 'app', appName: 'app', clientServiceName: 'serviceName' } },
);

export interface ClientSpec {
  app: string;
  appLabel: string;
  serviceName: string;
  type: (typeof CLIENT_TYPES)[number];
  headless: boolean;
  namespaces: string[];
  cidrs: string[];
  serviceAccountAccess: AccessMap;
  inboundServiceName?: string;
}

function completeClient(body: ResourceBody): ResourceBody {
  const spec = specOf(body) as Partial<ClientSpec>;
  const app = spec.app ?? spec.serviceName;
  if (app === undefined) return body;
  const completed = {
    ...spec,
    app,
    appLabel: spec.appLabel ?? `app=${app}`,
    serviceName: spec.serviceName ?? app,
    type: spec.type ?? 'istio',
    headless: spec.headless ?? false,
    namespaces: spec.namespaces ?? [],
    cidrs: spec.cidrs ?? [],
    serviceAccountAccess: spec.serviceAccountAccess ?? {},
  };
  return { ...body, spec: orderLike(completed, clientSpec.properties) };
}

function checkClient(body: ResourceBody): Issue[] {
  const spec = specOf(body) as Partial<ClientSpec>;
  const issues: Issue[] = [];
  if (spec.app === undefined) {
    issues.push({ path: 'spec.app', message: 'is required: name the client by app, clientServiceName, or both' });
  }
  spec.cidrs?.forEach((cidr, index) => {
    if (!isCidr(cidr)) issues.push({ path: `spec.cidrs[${index}]`, message: 'must be an IP address or CIDR block' });
  });
  if ((spec.type === 'external' || spec.type === 'k8s') && (spec.cidrs?.length ?? 0) === 0) {
    issues.push({
      path: 'spec.cidrs',
      message: `is required for a client of type ${spec.type}: without a sidecar it has no mesh identity, so it is recognised by its addresses`,
    });
  }
  issues.push(...checkAccessMap(spec.serviceAccountAccess, ['spec', 'serviceAccountAccess']));
  return issues;
}

const HTTP_FAMILY = new Set(['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2']);

/**
 * A client written under an inbound intent: `inboundServiceName`, if given, must name
 * that intent (it only served to find it, and is dropped); HTTP operations need an
 * HTTP service, or Istio would match none and refuse the caller.
 */
function fitClientToInbound(body: ResourceBody, parent: ResourceBody): { body: ResourceBody; issues: Issue[] } {
  const { inboundServiceName, ...spec } = specOf(body) as Partial<ClientSpec>;
  const server = specOf(parent) as { serviceName?: string; protocol?: string };
  const parentName = (parent.metadata as { name: string }).name;
  const issues: Issue[] = [];
  if (
    inboundServiceName !== undefined &&
    inboundServiceName !== server.serviceName &&
    inboundServiceName !== parentName
  ) {
    issues.push({
      path: 'spec.inboundServiceName',
      message: `is ${inboundServiceName}, but this client is written under inbound service ${server.serviceName}`,
    });
  }
  if (server.protocol && !HTTP_FAMILY.has(server.protocol) && Object.keys(spec.serviceAccountAccess ?? {}).length > 0) {
    issues.push({
      path: 'spec.serviceAccountAccess',
      message: `limits HTTP methods and paths, but ${server.serviceName} is a ${server.protocol} service; Istio would match no request and refuse the caller`,
    });
  }
  return { body: { ...body, spec }, issues };
}

export const inboundClientKind: ResourceKind = {
  kind: 'inboundClient',
  label: 'client',
  parent: 'inboundIntent',
  segment: 'clients',
  params: ['inboundClient'],
  schema: Obj({ metadata: intentMetadata(), spec: clientSpec }),
  itemSegments: byMetadataName,
  complete: completeClient,
  check: checkClient,
  fitParent: (body, parent) => fitClientToInbound(body, parent),
  references: (body, { params }) => [
    // A client may live in another composite app or logical cloud of the same project.
    {
      path: 'spec.app',
      what: 'app',
      kind: 'app',
      under: `${joinKey('projects', params.project as string)}/`,
      name: String(specOf(body).app),
    },
  ],
};

export const accessPointKind: ResourceKind = {
  kind: 'accessPoint',
  label: 'access point',
  parent: 'inboundClient',
  segment: 'access-points',
  params: ['accessPoint'],
  schema: Obj({
    metadata: intentMetadata(),
    spec: Obj({
      action: Type.Optional(StringEnum(['ALLOW'])),
      // EMCO's InboundClientsAccessIntentSpec.Url is a []string; a single string is taken as a list of one.
      url: StringList(
        Type.String({
          pattern: '^(/)([A-Za-z0-9{][-A-Za-z0-9_./{}]*)?[A-Za-z0-9*}]$',
          'x-pattern-message': 'must be a path such as /status or a prefix such as /status*',
        }),
        { minItems: 1, maxItems: 256 },
      ),
      access: StringList(StringEnum([...HTTP_METHODS]), { minItems: 1 }),
    }),
  }),
  itemSegments: byMetadataName,
  complete: (body) => ({ ...body, spec: { action: 'ALLOW', ...specOf(body) } }),
};
