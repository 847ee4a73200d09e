/** Controllers, cluster providers, clusters, their labels and kv-pairs (EMCO's CLM). */
import { Type, type Static } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { Metadata, Name, Obj, Port, Secret, StringEnum, StringList } from '../validation/schema.js';
import { orderLike } from '../validation/values.js';
import { DNS_LABEL_PATTERN, isHostname, isIpAddress } from './formats.js';
import { DEFAULT_GATEWAY_PORT, GATEWAY_KV_KEYS } from './gateway.js';
import { allowedRepository, NO_GITOPS, NOT_ALLOWED } from './gitops-allow.js';
import { byMetadataName, specOf, type KindContext, type ResourceBody, type ResourceKind } from './kind.js';
import { readKubeconfig } from './kubeconfig.js';
import { LIMITS } from '../validation/limits.js';

const controllerSchema = Obj({
  metadata: Metadata(),
  spec: Obj({
    host: Type.String({ minLength: 1, maxLength: 128 }),
    port: Port(),
    type: Type.Optional(StringEnum(['action', 'placement'])),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000 })),
  }),
});

/** EMCO's orchestrator controllers: accepted and kept so that EMCO setup files apply unchanged. */
export const controllerKind: ResourceKind = {
  kind: 'controller',
  label: 'controller',
  parent: null,
  segment: 'controllers',
  params: ['controller'],
  schema: controllerSchema,
  itemSegments: byMetadataName,
};

export const dtcControllerKind: ResourceKind = {
  ...controllerKind,
  kind: 'dtcController',
  label: 'DTC sub-controller',
  segment: 'dtc-controllers',
  params: ['dtcController'],
};

export const clusterProviderKind: ResourceKind = {
  kind: 'clusterProvider',
  label: 'cluster provider',
  parent: null,
  segment: 'cluster-providers',
  params: ['clusterProvider'],
  schema: Obj({ metadata: Metadata(), spec: Type.Optional(Obj({})) }),
  itemSegments: byMetadataName,
};

const gatewaySchema = Obj({
  address: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 253,
      description: 'Where other clusters reach the east-west gateway; kv-pair istioIngressGatewayAddress otherwise',
    }),
  ),
  port: Type.Optional(Port()),
  internalPort: Type.Optional(Port()),
  namespace: Type.Optional(
    Type.String({
      pattern: DNS_LABEL_PATTERN,
      maxLength: 63,
      description: 'Namespace the east-west gateway pods run in (default istio-system)',
    }),
  ),
  exposesServices: Type.Optional(
    Type.Boolean({
      description:
        "Whether the platform has applied Istio's cross-network Gateway (hosts *.local, AUTO_PASSTHROUGH on the internal port). " +
        'Default: true from Istio 1.8 (the multi-network install applies it), false before (the 1.7 install had only *.global). ' +
        'When false, meshbridge renders it.',
    }),
  ),
});

const meshSchema = Obj({
  type: Type.Optional(StringEnum(['istio'])),
  istioVersion: Type.Optional(
    Type.String({
      pattern: '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$',
      'x-strict-string': true,
      'x-type-message': 'must be a string such as "1.24": YAML reads 1.10 as the number 1.1, so quote it',
      'x-pattern-message': 'must be a version such as "1.24" or "1.24.2", written as a string',
    }),
  ),
  trustDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  network: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
  mtlsMode: Type.Optional(StringEnum(['STRICT', 'PERMISSIVE', 'DISABLE'])),
  rootNamespace: Type.Optional(Type.String({ pattern: DNS_LABEL_PATTERN, maxLength: 63 })),
  gateway: Type.Optional(gatewaySchema),
  istioCoreDnsAddress: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 253,
      description: 'ClusterIP of istiocoredns (Istio before 1.8): where the `global` stub domain points.',
    }),
  ),
  dnsStub: Type.Optional(
    StringEnum(['coredns-custom', 'manual'], {
      description:
        'How the `global` stub domain (Istio before 1.8) reaches CoreDNS: coredns-custom renders kube-system/coredns-custom ' +
        '(AKS, k3s, RKE2 import it); manual (default) leaves it to the platform, and a diagnostic gives the server block',
    }),
  ),
  meshId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 63,
      description:
        'Istio meshID. Clusters with the same meshId form one multi-primary mesh (remote secrets, endpoint discovery): ' +
        'they call each other by real names, without ServiceEntries or virtual addresses',
    }),
  ),
  dnsCapture: Type.Optional(
    Type.Boolean({
      description:
        "Whether sidecars proxy DNS (ISTIO_META_DNS_CAPTURE, off in Istio's default install): cross-cluster names resolve only with it",
    }),
  ),
  trustDomainAliases: Type.Optional(
    StringList(Type.String({ minLength: 1, maxLength: 253 }), {
      maxItems: 64,
      description: "meshConfig.trustDomainAliases: other trust domains this cluster's sidecars accept callers from",
    }),
  ),
});

export type MeshSpec = Static<typeof meshSchema>;
export type GatewaySpec = Static<typeof gatewaySchema>;

const deploySchema = Obj({
  target: Type.Optional(
    StringEnum(['kubernetes', 'gitops'], {
      description:
        'kubernetes (default): server-side apply through spec.kubeconfig; gitops: files committed to a git repository',
    }),
  ),
  gitops: Type.Optional(
    Obj({
      repository: Type.String({
        minLength: 1,
        maxLength: 2048,
        description:
          'An absolute path, or an https:// or ssh URL, under a prefix the operator allows (serve --gitops-allow)',
      }),
      branch: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._/-]+$', maxLength: 255 })),
      path: Type.Optional(
        Type.String({
          maxLength: 1024,
          description: 'Folder in the repository; files go to <path>/<provider>/<cluster>/',
        }),
      ),
    }),
  ),
});

export const clusterSchema = Obj({
  metadata: Metadata(),
  spec: Type.Optional(
    Obj({
      locality: Type.Optional(
        Obj({
          region: Type.Optional(Type.String({ maxLength: 128 })),
          zone: Type.Optional(Type.String({ maxLength: 128 })),
        }),
      ),
      mesh: Type.Optional(meshSchema),
      deploy: Type.Optional(deploySchema),
      kubeconfig: Type.Optional(
        Secret({
          maxLength: LIMITS.stringLength,
          description: 'Write-only. Also taken from a multipart file upload, as EMCO does.',
        }),
      ),
    }),
  ),
});

function completeCluster(body: ResourceBody): ResourceBody {
  const spec = specOf(body);
  const mesh = (spec.mesh ?? {}) as Record<string, unknown>;
  const gateway = mesh.gateway as Record<string, unknown> | undefined;
  const completedMesh = {
    type: 'istio',
    trustDomain: 'cluster.local',
    mtlsMode: 'PERMISSIVE',
    rootNamespace: 'istio-system',
    ...mesh,
    ...(gateway
      ? {
          gateway: orderLike(
            { port: DEFAULT_GATEWAY_PORT, internalPort: DEFAULT_GATEWAY_PORT, ...gateway },
            gatewaySchema.properties,
          ),
        }
      : {}),
  };
  return { ...body, spec: { ...spec, mesh: orderLike(completedMesh, meshSchema.properties) } };
}

function checkCluster(body: ResourceBody, context: KindContext): Issue[] {
  const mesh = (specOf(body).mesh ?? {}) as MeshSpec;
  const issues: Issue[] = [];
  const address = mesh.gateway?.address;
  if (address !== undefined && !isIpAddress(address) && !isHostname(address)) {
    issues.push({ path: 'spec.mesh.gateway.address', message: 'must be an IP address or a DNS name' });
  }
  if (mesh.trustDomain !== undefined && !isHostname(mesh.trustDomain)) {
    issues.push({ path: 'spec.mesh.trustDomain', message: 'must be a DNS name such as cluster.local' });
  }
  (mesh.trustDomainAliases ?? []).forEach((alias, index) => {
    if (!isHostname(alias))
      issues.push({
        path: `spec.mesh.trustDomainAliases[${index}]`,
        message: 'must be a DNS name such as cluster.local',
      });
  });
  const deploy = specOf(body).deploy as DeploySpec | undefined;
  return [...issues, ...checkDeploy(deploy), ...checkGitOpsRepository(deploy, context), ...checkKubeconfig(body)];
}

/** A GitOps repository only where the operator allows one (gitops-allow.ts); the same answer whether it exists or not. */
function checkGitOpsRepository(deploy: DeploySpec | undefined, context: KindContext): Issue[] {
  const repository = deploy?.gitops?.repository;
  if (repository === undefined) return [];
  return allowedRepository(context.policy?.gitops ?? NO_GITOPS, repository)
    ? []
    : [{ path: 'spec.deploy.gitops.repository', message: NOT_ALLOWED }];
}

/** A kubeconfig is refused when written unless meshbridge's reader allows all of it (kubeconfig.ts); an incomplete one waits for deploy. */
function checkKubeconfig(body: ResourceBody): Issue[] {
  const text = specOf(body).kubeconfig;
  if (typeof text !== 'string' || text.trim() === '') return [];
  const reading = readKubeconfig(text);
  return reading.ok || reading.incomplete
    ? []
    : reading.problems.map((problem) => ({ path: 'spec.kubeconfig', message: problem }));
}

interface DeploySpec {
  target?: string;
  gitops?: { repository: string; branch?: string; path?: string };
}

function checkDeploy(deploy: DeploySpec | undefined): Issue[] {
  const issues: Issue[] = [];
  if (deploy?.target === 'gitops' && deploy.gitops === undefined)
    issues.push({ path: 'spec.deploy.gitops', message: 'is required when spec.deploy.target is gitops' });
  const path = deploy?.gitops?.path;
  if (path !== undefined && !isRelativeFolder(path))
    issues.push({
      path: 'spec.deploy.gitops.path',
      message: 'must be a relative folder inside the repository, without ..',
    });
  const branch = deploy?.gitops?.branch;
  if (branch !== undefined && !isBranchName(branch))
    issues.push({ path: 'spec.deploy.gitops.branch', message: 'must be a valid git branch name' });
  return issues;
}

function isRelativeFolder(path: string): boolean {
  return !path.startsWith('/') && !path.split('/').some((part) => part === '..');
}

function isBranchName(branch: string): boolean {
  return !(branch.includes('..') || branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.lock'));
}

export const clusterKind: ResourceKind = {
  kind: 'cluster',
  label: 'cluster',
  parent: 'clusterProvider',
  segment: 'clusters',
  params: ['cluster'],
  schema: clusterSchema,
  itemSegments: byMetadataName,
  uploadField: ['spec', 'kubeconfig'],
  complete: completeCluster,
  check: checkCluster,
};

export const clusterLabelKind: ResourceKind = {
  kind: 'clusterLabel',
  label: 'cluster label',
  parent: 'cluster',
  segment: 'labels',
  params: ['clusterLabel'],
  schema: Obj({ clusterLabel: Name() }),
  itemSegments: (body) => [typeof body.clusterLabel === 'string' ? body.clusterLabel : ''],
  itemFields: ['clusterLabel'],
};

const kvEntry = Type.Object({}, { additionalProperties: Type.String(), minProperties: 1, maxProperties: 1 });

function checkKvPairs(body: ResourceBody): Issue[] {
  const entries = (specOf(body).kv ?? []) as Record<string, string>[];
  const issues: Issue[] = [];
  entries.forEach((entry, index) => {
    for (const [key, value] of Object.entries(entry)) {
      const path = `spec.kv[${index}].${key}`;
      if (key === GATEWAY_KV_KEYS.address && !isIpAddress(value) && !isHostname(value)) {
        issues.push({ path, message: 'must be an IP address or a DNS name' });
      }
      const isPortKey = key === GATEWAY_KV_KEYS.port || key === GATEWAY_KV_KEYS.internalPort;
      if (isPortKey && !(/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535)) {
        issues.push({ path, message: 'must be a port number from 1 to 65535' });
      }
    }
  });
  return issues;
}

export const clusterKvPairKind: ResourceKind = {
  kind: 'clusterKvPair',
  label: 'cluster kv-pair',
  parent: 'cluster',
  segment: 'kv-pairs',
  params: ['clusterKvPair'],
  schema: Obj({ metadata: Metadata(), spec: Obj({ kv: Type.Array(kvEntry) }) }),
  itemSegments: byMetadataName,
  check: checkKvPairs,
};
