/**
 * The resource types the fake serves and the discovery documents that describe them
 * (`/api`, `/api/v1`, `/apis`, `/apis/{group}`, `/apis/{group}/{version}`), shaped like
 * a kube 1.29 API server with Istio's CRDs installed (and RBAC's ClusterRole and ClusterRoleBinding, and NetworkPolicy). Objects are stored per group and
 * kind, so one object is visible through every served version of its group.
 *
 * Simplification: subresources (`…/status`) are neither advertised nor served.
 */

export interface ResourceType {
  /** `''` for the core group. */
  group: string;
  /** Served versions, the preferred one first. */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** A built-in type: its list items carry no apiVersion/kind and strategic merge patch is accepted. */
  builtin: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function core(kind: string, plural: string, shortNames: string[], namespaced = true): ResourceType {
  const singular = kind.toLowerCase();
  return { group: '', versions: ['v1'], kind, plural, singular, namespaced, shortNames, categories: [], builtin: true };
}

/** RBAC's cluster-wide kinds (Role and RoleBinding are not served: see rbac.ts). */
function rbac(kind: string, plural: string): ResourceType {
  const singular = kind.toLowerCase();
  return {
    group: RBAC,
    versions: ['v1'],
    kind,
    plural,
    singular,
    namespaced: false,
    shortNames: [],
    categories: [],
    builtin: true,
  };
}

function istio(group: string, versions: string[], kind: string, plural: string, shortNames: string[]): ResourceType {
  const categories = ['istio-io', group.replace(/\./g, '-')];
  const singular = kind.toLowerCase();
  return { group, versions, kind, plural, singular, namespaced: true, shortNames, categories, builtin: false };
}

/** Kubernetes' NetworkPolicy (networking.k8s.io/v1, the only version served since 1.16). */
function networkPolicy(): ResourceType {
  return {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    namespaced: true,
    shortNames: ['netpol'],
    categories: [],
    builtin: true,
  };
}

export const RBAC = 'rbac.authorization.k8s.io';
const NETWORKING = 'networking.istio.io';
const NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];
const SECURITY = 'security.istio.io';
const SECURITY_VERSIONS = ['v1', 'v1beta1'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', ['ns'], false),
  core('ConfigMap', 'configmaps', ['cm']),
  core('Secret', 'secrets', []),
  core('Service', 'services', ['svc']),
  core('ServiceAccount', 'serviceaccounts', ['sa']),
  rbac('ClusterRole', 'clusterroles'),
  rbac('ClusterRoleBinding', 'clusterrolebindings'),
  networkPolicy(),
  istio(NETWORKING, NETWORKING_VERSIONS, 'Gateway', 'gateways', ['gw']),
  istio(NETWORKING, NETWORKING_VERSIONS, 'ServiceEntry', 'serviceentries', ['se']),
  istio(NETWORKING, NETWORKING_VERSIONS, 'DestinationRule', 'destinationrules', ['dr']),
  istio(NETWORKING, NETWORKING_VERSIONS, 'VirtualService', 'virtualservices', ['vs']),
  istio(NETWORKING, NETWORKING_VERSIONS, 'Sidecar', 'sidecars', []),
  istio(NETWORKING, NETWORKING_VERSIONS, 'WorkloadEntry', 'workloadentries', ['we']),
  istio(SECURITY, SECURITY_VERSIONS, 'AuthorizationPolicy', 'authorizationpolicies', ['ap']),
  istio(SECURITY, SECURITY_VERSIONS, 'PeerAuthentication', 'peerauthentications', ['pa']),
  istio(SECURITY, SECURITY_VERSIONS, 'RequestAuthentication', 'requestauthentications', ['ra']),
];

export const NAMESPACE_TYPE = RESOURCE_TYPES[0] as ResourceType;

/** `networking.istio.io/v1` → `{group: 'networking.istio.io', version: 'v1'}`; `v1` → `{group: '', version: 'v1'}`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function servesVersion(group: string, version: string): boolean {
  return RESOURCE_TYPES.some((type) => type.group === group && type.versions.includes(version));
}

export function typeByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    (type) => type.group === group && type.plural === plural && type.versions.includes(version),
  );
}

export function typeByKind(apiVersion: string, kind: string): ResourceType | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return RESOURCE_TYPES.find((type) => type.group === group && type.kind === kind && type.versions.includes(version));
}

function groups(): Map<string, string[]> {
  const byGroup = new Map<string, string[]>();
  for (const type of RESOURCE_TYPES) if (type.group) byGroup.set(type.group, type.versions);
  return byGroup;
}

/** `GET /version` */
export function serverVersion(): Record<string, unknown> {
  return {
    major: '1',
    minor: '29',
    gitVersion: 'v1.29.0-fake-kube',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-01-01T00:00:00Z',
    goVersion: 'go1.21.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `GET /api` */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

/** `GET /apis` */
export function apiGroupList(): Record<string, unknown> {
  const list = [...groups()].map(([name, versions]) => apiGroup(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

/** `GET /apis/{group}`, or undefined for a group the fake does not serve. */
export function apiGroupDocument(group: string): Record<string, unknown> | undefined {
  const versions = groups().get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } : undefined;
}

/** `GET /api/v1` or `GET /apis/{group}/{version}`, or undefined when that group/version is not served. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  if (!servesVersion(group, version)) return undefined;
  const resources = RESOURCE_TYPES.filter((type) => type.group === group && type.versions.includes(version)).map(
    (type) => {
      const resource: Record<string, unknown> = {
        name: type.plural,
        singularName: type.singular,
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: type === NAMESPACE_TYPE ? NAMESPACE_VERBS : ALL_VERBS,
      };
      if (type.shortNames.length > 0) resource.shortNames = type.shortNames;
      if (type.categories.length > 0) resource.categories = type.categories;
      return resource;
    },
  );
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: joinApiVersion(group, version), resources };
}
