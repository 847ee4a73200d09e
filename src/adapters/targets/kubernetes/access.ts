/**
 * What meshbridge may do in a cluster it deploys to: the ClusterRole `meshbridge cluster add`
 * grants its ServiceAccount, and the objects that set it up.
 *
 * The rules are built from the kinds meshbridge owns (`OWNED_KINDS`, the list the deploy code
 * reads and prunes by) and the verbs `session.ts` uses, so the role and the deploy code cannot
 * drift apart. Against the fake API server, which enforces RBAC, cli/cluster-role.test.ts drives
 * a session over every owned kind as that ServiceAccount and checks that the rights used are
 * exactly the rights granted; cli/cluster-add.test.ts deploys a whole group with it.
 */
import { OWNED_KINDS } from '../../../service/deploy/kinds.js';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * On every owned kind: `patch` is server-side apply, and `create` too because an apply that
 * makes a new object is authorized as a create as well; `get` reads an object back (status,
 * drift), `list` finds what meshbridge owns by label (in all namespaces), `delete` prunes.
 */
export const OWNED_VERBS = ['create', 'delete', 'get', 'list', 'patch'] as const;

/** A missing namespace is made by server-side apply (`session.ts` createNamespace); it is never read nor deleted. */
export const NAMESPACE_VERBS = ['create', 'patch'] as const;

/** `ServiceEntry` → `serviceentries`, `Gateway` → `gateways`: the plural of every kind meshbridge owns follows this rule. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  return /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** One rule per API group, sorted, so the manifest reads the same every time. */
export function clusterRoleRules(): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const kind of OWNED_KINDS) {
    const group = groupOf(kind.apiVersion);
    byGroup.set(group, (byGroup.get(group) ?? new Set()).add(pluralOf(kind.kind)));
  }
  const rules = [...byGroup]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: [...OWNED_VERBS] }));
  return [...rules, { apiGroups: [''], resources: ['namespaces'], verbs: [...NAMESPACE_VERBS] }];
}

export interface AccessNames {
  /** Where the ServiceAccount and its token Secret live (default `kube-system`, as argocd's). */
  namespace: string;
  /** The ServiceAccount, ClusterRole and ClusterRoleBinding (default `meshbridge`). */
  name: string;
}

export const DEFAULT_ACCESS_NAMES: AccessNames = { namespace: 'kube-system', name: 'meshbridge' };

export const TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';

export function tokenSecretName(names: AccessNames): string {
  return `${names.name}-token`;
}

export interface AccessObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const LABELS = { 'app.kubernetes.io/name': 'meshbridge', 'app.kubernetes.io/component': 'cluster-access' };

/**
 * The ServiceAccount, its ClusterRole and binding, and a long-lived token Secret, in the order they are created.
 * The Secret is filled by the cluster's token controller (Kubernetes still does so for a Secret made by hand).
 */
export function accessObjects(names: AccessNames = DEFAULT_ACCESS_NAMES): AccessObject[] {
  const labels = { ...LABELS };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: names.name, namespace: names.namespace, labels },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: names.name, labels },
      rules: clusterRoleRules(),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: names.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.name },
      subjects: [{ kind: 'ServiceAccount', name: names.name, namespace: names.namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: tokenSecretName(names),
        namespace: names.namespace,
        labels,
        annotations: { [SERVICE_ACCOUNT_ANNOTATION]: names.name },
      },
      type: TOKEN_SECRET_TYPE,
    },
  ];
}
