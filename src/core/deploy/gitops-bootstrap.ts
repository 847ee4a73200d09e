/**
 * What Argo CD and Flux need to follow meshbridge's GitOps repository: for Argo CD one
 * `ApplicationSet` with a list generator, an Application per cluster folder; for Flux, per
 * cluster, a `GitRepository` and a `Kustomization` to apply in that cluster.
 *
 * A list generator, not a git directory generator: a folder names a meshbridge cluster
 * (`<provider>/<cluster>`), not an Argo CD destination, so each element says explicitly which
 * folder goes to which Argo CD cluster; it covers clusters in different repositories and
 * branches; and it never turns a stray folder into an Application.
 */
import { clusterFolder } from './gitops-folder.js';

export interface BootstrapCluster {
  provider: string;
  name: string;
  /** `spec.deploy.gitops`. */
  repository: string;
  branch?: string;
  path?: string;
}

export interface BootstrapOptions {
  /** The URL Argo CD and Flux clone, in place of every cluster's repository. */
  repoUrl?: string;
  /** Argo CD cluster names by `provider/cluster`; default `<provider>-<cluster>`. */
  destinations?: Readonly<Record<string, string>>;
  argocdNamespace?: string;
  argocdProject?: string;
  fluxNamespace?: string;
}

export interface FluxBootstrap {
  /** `provider/cluster`: apply `documents` in this cluster. */
  cluster: string;
  documents: [Record<string, unknown>, Record<string, unknown>];
}

export interface Bootstrap {
  applicationSet: Record<string, unknown>;
  flux: FluxBootstrap[];
}

export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

/** A DNS-1123 label from a cluster's names: lower case, `-` for anything else, at most 63 characters. */
export function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return label.slice(0, 63).replace(/-+$/, '') || 'cluster';
}

/** A repository Argo CD and Flux can clone, without credentials (they have their own, in secrets). */
export function cloneUrl(repository: string, cluster: string): string {
  const scpLike = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(repository);
  if (/^(https|ssh):\/\//i.test(repository)) {
    const url = new URL(repository);
    if (url.protocol === 'https:') url.username = '';
    url.password = '';
    // A token may ride in the query (`?private_token=...`); a clone URL needs neither query nor fragment.
    url.search = '';
    url.hash = '';
    return url.toString();
  }
  if (scpLike?.[3]?.includes('@'))
    throw new BootstrapError(
      `cluster ${cluster}: its repository looks like user:password@host:path, which would print a password; ` +
        'pass --repo-url with the URL Argo CD and Flux clone it from',
    );
  if (scpLike && !repository.startsWith('/')) return repository;
  throw new BootstrapError(
    `cluster ${cluster}: its repository is a path on meshbridge's host, which Argo CD and Flux cannot clone; ` +
      'pass --repo-url with the URL they clone it from',
  );
}

/** Flux wants ssh URLs as `ssh://user@host/path`: `git@host:org/x` becomes `ssh://git@host/org/x`. */
export function fluxUrl(url: string): string {
  const scpLike = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  if (!scpLike || /^[a-z]+:\/\//i.test(url)) return url;
  const [, user = '', host = '', path = ''] = scpLike;
  return `ssh://${user}${host}/${path.replace(/^\/+/, '')}`;
}

interface Element {
  name: string;
  repoURL: string;
  revision: string;
  path: string;
  destination: string;
}

function elementOf(cluster: BootstrapCluster, options: BootstrapOptions): Element {
  const key = `${cluster.provider}/${cluster.name}`;
  return {
    name: dnsLabel(`${cluster.provider}-${cluster.name}`),
    repoURL: cloneUrl(options.repoUrl ?? cluster.repository, key),
    revision: cluster.branch ?? 'main',
    path: clusterFolder(cluster.path ?? '', cluster.provider, cluster.name),
    destination: options.destinations?.[key] ?? `${cluster.provider}-${cluster.name}`,
  };
}

function applicationSet(elements: readonly Element[], options: BootstrapOptions): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'meshbridge', namespace: options.argocdNamespace ?? 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements } }],
      template: {
        metadata: { name: 'meshbridge-{{.name}}' },
        spec: {
          project: options.argocdProject ?? 'default',
          source: { repoURL: '{{.repoURL}}', targetRevision: '{{.revision}}', path: '{{.path}}' },
          destination: { name: '{{.destination}}' },
          // allowEmpty: a terminated group's folder lists nothing, and its objects must go.
          syncPolicy: { automated: { prune: true, selfHeal: true, allowEmpty: true } },
        },
      },
    },
  };
}

function fluxDocuments(element: Element, namespace: string): FluxBootstrap['documents'] {
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'meshbridge', namespace },
      spec: { interval: '1m', url: fluxUrl(element.repoURL), ref: { branch: element.revision } },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'meshbridge', namespace },
      spec: {
        interval: '5m',
        sourceRef: { kind: 'GitRepository', name: 'meshbridge' },
        path: `./${element.path}`,
        prune: true,
        timeout: '2m',
      },
    },
  ];
}

export function gitopsBootstrap(clusters: readonly BootstrapCluster[], options: BootstrapOptions = {}): Bootstrap {
  const sorted = [...clusters].sort((a, b) =>
    `${a.provider}/${a.name}` < `${b.provider}/${b.name}`
      ? -1
      : `${a.provider}/${a.name}` > `${b.provider}/${b.name}`
        ? 1
        : 0,
  );
  const elements = sorted.map((cluster) => elementOf(cluster, options));
  const names = new Set(elements.map((element) => element.name));
  if (names.size !== elements.length) {
    throw new BootstrapError('two clusters give the same Application name (provider-cluster, lower case); rename one');
  }
  return {
    applicationSet: applicationSet(elements, options),
    flux: elements.map((element, index) => ({
      cluster: `${sorted[index]?.provider}/${sorted[index]?.name}`,
      documents: fluxDocuments(element, options.fluxNamespace ?? 'flux-system'),
    })),
  };
}
