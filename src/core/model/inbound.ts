/**
 * Traffic group intents and inbound (server) intents: a service that accepts calls,
 * with its TLS mode, traffic policy and who may call it. Accepts EMCO's field names
 * and seed 000's (`application`, `servicename`, `mutualTLS`, `sidecar-proxy`,
 * `traffic-management-info`, `Servicecertificate`, ...), stores one canonical form.
 */
import { Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { orderLike } from '../validation/values.js';
import { Metadata, Name, Obj, Port, Secret, StringEnum, StringList } from '../validation/schema.js';
import { checkAccessMap, ServiceAccountAccess, type AccessMap } from './access.js';
import { DNS_LABEL_PATTERN } from './formats.js';
import { byMetadataName, specOf, type PathParams, type ResourceBody, type ResourceKind } from './kind.js';
import { childKey, compositeAppKey } from './keys.js';
import {
  checkTrafficManagement,
  completeTrafficManagement,
  TrafficManagement,
  type TrafficManagementSpec,
} from './traffic-management.js';

export const trafficGroupIntentKind: ResourceKind = {
  kind: 'trafficGroupIntent',
  label: 'traffic group intent',
  parent: 'deploymentIntentGroup',
  segment: 'traffic-group-intents',
  params: ['trafficGroupIntent'],
  schema: Obj({ metadata: Metadata(), spec: Type.Optional(Obj({})) }),
  itemSegments: byMetadataName,
};

/** Protocols Istio accepts on a service port (pkg/config/protocol). */
export const PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'GRPC',
  'GRPC-WEB',
  'HTTP2',
  'MONGO',
  'REDIS',
  'MYSQL',
  'TCP',
  'TLS',
  'UDP',
] as const;

export const TLS_TYPES = ['MUTUAL', 'SIMPLE', 'DISABLE'] as const;

const serviceName = () =>
  Type.String({
    pattern: DNS_LABEL_PATTERN,
    maxLength: 63,
    'x-pattern-message': 'must be a Kubernetes service name (lower case letters, digits and "-")',
  });

const appLabel = () =>
  Type.String({
    pattern: '^[A-Za-z0-9][-A-Za-z0-9_./]*=[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
    'x-pattern-message': 'must be a label selector key=value',
  });

const certificates = (options: { maxLength?: number } = {}) =>
  Obj({
    serviceCertificate: Type.Optional(Secret(options)),
    servicePrivateKey: Type.Optional(Secret(options)),
    caCertificate: Type.Optional(Secret(options)),
  });

/**
 * The values EMCO's sub-controllers act on (docs/rendering.md#emcos-sub-controllers). EMCO's schema
 * (src/dtc/json-schemas/inbound-server.json) takes any string up to 128 characters, but only these mean
 * anything: its Istio controller acts on `serviceMesh: istio` and fails the whole group on any other value
 * (src/its/internal/istiosubc/action.go), its SD-EWAN controller on `edgeCNF: sdewan`
 * (src/swc/internal/sdewancc/action.go). meshbridge takes the allow-list, and `none` for "not this one".
 */
export const SERVICE_MESHES = ['istio', 'none'] as const;
export const EDGE_CNFS = ['sdewan', 'none'] as const;

/** A host a Gateway or VirtualService can name (EMCO's externalName, at most 128 characters as its schema says). */
const externalHost = () =>
  Type.String({
    maxLength: 128,
    pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    'x-pattern-message': 'must be a lower-case DNS name such as httpbin.example.com',
  });

/** A value in seed 000 and EMCO's schema that belongs in a nested object of the canonical form. */
const movedToSpec = (...path: string[]) => ['spec', ...path];

export const intentMetadata = () => Metadata({ moved: { application: movedToSpec('app') } });

export const inboundSpec = Obj(
  {
    app: Name(),
    appLabel: Type.Optional(appLabel()),
    serviceName: Type.Optional(serviceName()),
    externalName: Type.Optional(externalHost()),
    port: Port({
      description: 'The port callers use through the mesh (seed 000: "not the port it is actually running on")',
    }),
    servicePort: Type.Optional(
      Port({ description: "The Kubernetes Service's port, which the serving cluster routes on (default: port)" }),
    ),
    targetPort: Type.Optional(
      Port({ description: 'The container port behind it, for port-scoped mTLS settings (default: servicePort)' }),
    ),
    protocol: StringEnum([...PROTOCOLS]),
    headless: Type.Optional(Type.Boolean()),
    serviceMesh: Type.Optional(StringEnum([...SERVICE_MESHES])),
    externalSupport: Type.Optional(Type.Boolean()),
    edgeCNF: Type.Optional(StringEnum([...EDGE_CNFS])),
    management: Type.Optional(
      Obj({
        sidecarProxy: Type.Optional(Type.Boolean()),
        tlsType: Type.Optional(
          StringEnum([...TLS_TYPES], { valueAliases: { NONE: 'DISABLE', ISTIO_MUTUAL: 'MUTUAL' } }),
        ),
      }),
    ),
    trafficManagement: Type.Optional(TrafficManagement),
    certificates: Type.Optional(certificates()),
    external: Type.Optional(
      Obj(
        // EMCO's schema caps each certificate at 8192 characters.
        { externalCerts: Type.Optional(certificates({ maxLength: 8192 })) },
        {
          moved: {
            serviceCertificate: movedToSpec('external', 'externalCerts', 'serviceCertificate'),
            servicePrivateKey: movedToSpec('external', 'externalCerts', 'servicePrivateKey'),
            caCertificate: movedToSpec('external', 'externalCerts', 'caCertificate'),
          },
        },
      ),
    ),
    namespaces: Type.Optional(StringList(Type.String({ pattern: DNS_LABEL_PATTERN, maxLength: 63 }))),
    serviceAccountAccess: Type.Optional(ServiceAccountAccess),
  },
  {
    aliases: {
      application: 'app',
      appName: 'app',
      externName: 'externalName',
      trafficManagementInfo: 'trafficManagement',
    },
    moved: {
      mutualTLS: movedToSpec('management', 'tlsType'),
      tlsType: movedToSpec('management', 'tlsType'),
      sidecarProxy: movedToSpec('management', 'sidecarProxy'),
      serviceCertificate: movedToSpec('certificates', 'serviceCertificate'),
      servicePrivateKey: movedToSpec('certificates', 'servicePrivateKey'),
      caCertificate: movedToSpec('certificates', 'caCertificate'),
    },
  },
);

export interface InboundSpec {
  app: string;
  appLabel: string;
  serviceName: string;
  externalName?: string;
  port: number;
  servicePort?: number;
  targetPort?: number;
  protocol: (typeof PROTOCOLS)[number];
  headless: boolean;
  serviceMesh: (typeof SERVICE_MESHES)[number];
  externalSupport?: boolean;
  edgeCNF?: (typeof EDGE_CNFS)[number];
  management: { sidecarProxy: boolean; tlsType: (typeof TLS_TYPES)[number] };
  trafficManagement?: TrafficManagementSpec;
  certificates?: { serviceCertificate?: string; servicePrivateKey?: string; caCertificate?: string };
  external?: { externalCerts?: { serviceCertificate?: string; servicePrivateKey?: string; caCertificate?: string } };
  namespaces: string[];
  serviceAccountAccess: AccessMap;
}

/** The deployment intent group an intent's path parameters name. */
function groupKeyOf(params: PathParams): string {
  return childKey(
    compositeAppKey(params.project as string, params.compositeApp as string, params.compositeAppVersion as string),
    'deployment-intent-groups',
    params.deploymentIntentGroup as string,
  );
}

/** The Kubernetes Service's port: what the serving cluster's gateway routes on. */
export const kubernetesServicePort = (spec: Pick<InboundSpec, 'port' | 'servicePort'>): number =>
  spec.servicePort ?? spec.port;

/** The container port behind the Service port. */
export const containerPort = (spec: Pick<InboundSpec, 'port' | 'servicePort' | 'targetPort'>): number =>
  spec.targetPort ?? kubernetesServicePort(spec);

function completeInbound(body: ResourceBody): ResourceBody {
  const spec = specOf(body) as Partial<InboundSpec>;
  const app = spec.app ?? '';
  const completed: Record<string, unknown> = {
    ...spec,
    appLabel: spec.appLabel ?? `app=${app}`,
    serviceName: spec.serviceName ?? app,
    headless: spec.headless ?? false,
    serviceMesh: spec.serviceMesh ?? 'istio',
    management: { sidecarProxy: true, tlsType: 'MUTUAL', ...spec.management },
    namespaces: spec.namespaces ?? [],
    serviceAccountAccess: spec.serviceAccountAccess ?? {},
  };
  if (spec.trafficManagement) completed.trafficManagement = completeTrafficManagement(spec.trafficManagement);
  return { ...body, spec: orderLike(completed, inboundSpec.properties) };
}

/** How EMCO exposes the intent outside the mesh (its tlsType), if it does: externalSupport with the sidecar. */
export function externalExposure(spec: Pick<InboundSpec, 'externalSupport' | 'management'>): string | undefined {
  return spec.externalSupport && spec.management.sidecarProxy ? spec.management.tlsType : undefined;
}

/** Certificates arrive as PEM text or as base64 of it (EMCO's form). */
export function pemProblem(value: string, expect: 'CERTIFICATE' | 'PRIVATE KEY'): string | undefined {
  const text = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  return text.includes('-----BEGIN') && text.includes(expect)
    ? undefined
    : `must be a PEM ${expect.toLowerCase()} (or its base64)`;
}

type CertificateSet = NonNullable<InboundSpec['certificates']>;

/** A certificate and its key go together, and each is PEM (or its base64). */
function checkCertificateSet(certs: CertificateSet, at: string, issues: Issue[]): void {
  if (Boolean(certs.serviceCertificate) !== Boolean(certs.servicePrivateKey)) {
    issues.push({
      path: certs.serviceCertificate ? `${at}.servicePrivateKey` : `${at}.serviceCertificate`,
      message: 'is required: a certificate and its private key go together',
    });
  }
  const checks: [keyof CertificateSet, 'CERTIFICATE' | 'PRIVATE KEY'][] = [
    ['serviceCertificate', 'CERTIFICATE'],
    ['servicePrivateKey', 'PRIVATE KEY'],
    ['caCertificate', 'CERTIFICATE'],
  ];
  for (const [field, expect] of checks) {
    const problem = certs[field] ? pemProblem(certs[field] as string, expect) : undefined;
    if (problem) issues.push({ path: `${at}.${field}`, message: problem });
  }
}

function checkCertificates(spec: InboundSpec, issues: Issue[]): void {
  const certs = spec.certificates;
  if (certs) {
    checkCertificateSet(certs, 'spec.certificates', issues);
    if (spec.management.tlsType === 'DISABLE') {
      issues.push({ path: 'spec.certificates', message: 'are given but management.tlsType is DISABLE' });
    }
  }
  // EMCO's Istio controller puts these in the external Gateway's credential Secret (src/its/internal/istiosubc/action.go).
  const external = spec.external?.externalCerts;
  if (external) checkCertificateSet(external, 'spec.external.externalCerts', issues);
}

function checkInbound(body: ResourceBody): Issue[] {
  const spec = specOf(body) as unknown as InboundSpec;
  const issues: Issue[] = [];
  const withoutSidecar = !spec.management.sidecarProxy;
  if (withoutSidecar && spec.trafficManagement) {
    issues.push({
      path: 'spec.trafficManagement',
      message:
        'needs the sidecar: load balancing and circuit breaking are not available when management.sidecarProxy is false',
    });
  }
  if (withoutSidecar && spec.management.tlsType === 'MUTUAL' && !spec.certificates) {
    issues.push({
      path: 'spec.management.tlsType',
      message:
        'MUTUAL with mesh certificates needs the sidecar; set sidecarProxy to true, give certificates, or use SIMPLE or DISABLE',
    });
  }
  if (spec.trafficManagement) issues.push(...checkTrafficManagement(spec.trafficManagement, spec.protocol));
  checkCertificates(spec, issues);
  if (spec.headless) {
    issues.push({
      path: 'spec.headless',
      message:
        'headless services are not supported: Istio has no working way to reach the pods of a headless service in another cluster (istio#31787); use a ClusterIP service',
    });
  }
  if (spec.externalSupport && !spec.externalName) {
    issues.push({ path: 'spec.externalName', message: 'is required when externalSupport is true' });
  }
  const isHttp = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2'].includes(spec.protocol);
  if (!isHttp && Object.keys(spec.serviceAccountAccess).length > 0) {
    issues.push({
      path: 'spec.serviceAccountAccess',
      message: `limits HTTP methods and paths, which a ${spec.protocol} service does not have; list callers in a client instead`,
    });
  }
  issues.push(...checkAccessMap(spec.serviceAccountAccess, ['spec', 'serviceAccountAccess']));
  return issues;
}

export const inboundIntentKind: ResourceKind = {
  kind: 'inboundIntent',
  label: 'inbound intent',
  parent: 'trafficGroupIntent',
  segment: 'inbound-intents',
  params: ['inboundIntent'],
  schema: Obj({ metadata: intentMetadata(), spec: inboundSpec }),
  itemSegments: byMetadataName,
  complete: completeInbound,
  check: checkInbound,
  // Two intents serving one Service name and port in one group's namespace and clusters would render two
  // objects for one host; different ports of one Service are two intents (EMCO's intent has one port).
  // EMCO itself checks only names, and its external_access example exposes one port outside the mesh twice,
  // by TLS mode (its Istio controller's Gateways <service>-ext-mutual and -http): such intents are distinct,
  // and the renderer renders the port's mesh side once (services.ts, samePortVariants).
  unique: {
    scope: ({ params }) => `${groupKeyOf(params)}/`,
    identity: (body) => {
      const spec = specOf(body) as unknown as InboundSpec;
      return `${spec.serviceName}\u0000${kubernetesServicePort(spec)}\u0000${externalExposure(spec) ?? ''}`;
    },
    field: 'spec.serviceName',
    describe: (body) => {
      const spec = specOf(body) as unknown as InboundSpec;
      const exposure = externalExposure(spec);
      const external = exposure ? ` exposed outside the mesh with tlsType ${exposure}` : '';
      return `service ${spec.serviceName} port ${kubernetesServicePort(spec)}${external}`;
    },
  },
  references: (body, { params }) => [
    {
      path: 'spec.app',
      what: 'app',
      key: childKey(
        compositeAppKey(params.project as string, params.compositeApp as string, params.compositeAppVersion as string),
        'apps',
        String(specOf(body).app),
      ),
    },
  ],
};
