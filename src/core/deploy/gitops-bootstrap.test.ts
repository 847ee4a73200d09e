/**
 * The bootstrap documents, checked field by field against the CRDs they are for: Argo CD's
 * ApplicationSet (argoproj.io/v1alpha1; docs/operator-manual/applicationset) and Flux's
 * GitRepository (source.toolkit.fluxcd.io/v1) and Kustomization (kustomize.toolkit.fluxcd.io/v1,
 * where `interval`, `sourceRef` and `prune` are required).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BootstrapError, cloneUrl, dnsLabel, fluxUrl, gitopsBootstrap } from './gitops-bootstrap.js';
import { clusterFolder } from './gitops-folder.js';

const clusters = [
  {
    provider: 'edge',
    name: 'cluster02',
    repository: 'https://bot:s3cret@git.example.com/org/fleet.git',
    path: 'clusters',
  },
  {
    provider: 'edge',
    name: 'cluster01',
    repository: 'https://bot:s3cret@git.example.com/org/fleet.git',
    path: 'clusters',
  },
  { provider: 'Core', name: 'hub', repository: 'git@github.com:acme/fleet', branch: 'deploy/prod' },
];

interface AppSetSpec {
  goTemplate: boolean;
  generators: { list: { elements: Record<string, string>[] } }[];
  template: { metadata: unknown; spec: unknown };
}
interface FluxDocument {
  metadata: { name: string };
  spec: { interval: string; url?: string; timeout?: string; prune?: unknown; sourceRef?: unknown };
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('Argo CD ApplicationSet', () => {
  const { applicationSet } = gitopsBootstrap(clusters, { destinations: { 'Core/hub': 'in-cluster' } });
  const spec = applicationSet.spec as AppSetSpec;

  test('is an argoproj.io/v1alpha1 ApplicationSet with a list generator, one element per cluster folder', () => {
    expect(applicationSet).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'meshbridge', namespace: 'argocd' },
    });
    expect(spec.goTemplate).toBe(true);
    expect(spec.generators).toHaveLength(1);
    expect(spec.generators[0]?.list.elements).toEqual([
      {
        name: 'core-hub',
        repoURL: 'git@github.com:acme/fleet',
        revision: 'deploy/prod',
        path: 'Core/hub',
        destination: 'in-cluster',
      },
      {
        name: 'edge-cluster01',
        repoURL: 'https://git.example.com/org/fleet.git',
        revision: 'main',
        path: 'clusters/edge/cluster01',
        destination: 'edge-cluster01',
      },
      {
        name: 'edge-cluster02',
        repoURL: 'https://git.example.com/org/fleet.git',
        revision: 'main',
        path: 'clusters/edge/cluster02',
        destination: 'edge-cluster02',
      },
    ]);
  });

  test('templates an Application whose every field comes from the element, pruning even to empty', () => {
    expect(spec.template.metadata).toEqual({ name: 'meshbridge-{{.name}}' });
    expect(spec.template.spec).toEqual({
      project: 'default',
      source: { repoURL: '{{.repoURL}}', targetRevision: '{{.revision}}', path: '{{.path}}' },
      destination: { name: '{{.destination}}' },
      syncPolicy: { automated: { prune: true, selfHeal: true, allowEmpty: true } },
    });
    const keys = new Set(Object.keys(spec.generators[0]?.list.elements[0] ?? {}));
    for (const used of JSON.stringify(spec.template).matchAll(/\{\{\.(\w+)\}\}/g)) expect(keys).toContain(used[1]);
  });

  test('never carries credentials', () => {
    expect(JSON.stringify(applicationSet)).not.toContain('s3cret');
    expect(JSON.stringify(applicationSet)).not.toContain('bot@');
  });
});

describe('Flux documents', () => {
  const { flux } = gitopsBootstrap(clusters);

  test('a GitRepository and a Kustomization per cluster, for its folder', () => {
    expect(flux.map((item) => item.cluster)).toEqual(['Core/hub', 'edge/cluster01', 'edge/cluster02']);
    const [source, kustomization] = flux[1]?.documents ?? [];
    expect(source).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'meshbridge', namespace: 'flux-system' },
      spec: { interval: '1m', url: 'https://git.example.com/org/fleet.git', ref: { branch: 'main' } },
    });
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'meshbridge', namespace: 'flux-system' },
      spec: {
        interval: '5m',
        sourceRef: { kind: 'GitRepository', name: 'meshbridge' },
        path: './clusters/edge/cluster01',
        prune: true,
        timeout: '2m',
      },
    });
  });

  test('required fields are there and durations are Go durations; an scp-like URL becomes ssh://', () => {
    for (const { documents } of flux) {
      const [source, kustomization] = documents as unknown as [FluxDocument, FluxDocument];
      expect(source.spec.interval).toMatch(DURATION);
      expect(source.spec.url).toMatch(/^(https|ssh):\/\//);
      expect(kustomization.spec.interval).toMatch(DURATION);
      expect(kustomization.spec.timeout).toMatch(DURATION);
      expect(typeof kustomization.spec.prune).toBe('boolean');
      expect(kustomization.spec.sourceRef).toEqual({ kind: 'GitRepository', name: source.metadata.name });
    }
    expect((flux[0]?.documents[0].spec as { url: string }).url).toBe('ssh://git@github.com/acme/fleet');
  });
});

describe('repository URLs', () => {
  test('credentials are dropped; ssh users kept; a local path is refused with what to do', () => {
    expect(cloneUrl('https://u:p@git.example.com/x.git', 'edge/c')).toBe('https://git.example.com/x.git');
    expect(cloneUrl('ssh://git:pw@git.example.com/x', 'edge/c')).toBe('ssh://git@git.example.com/x');
    for (const local of ['/srv/git/fleet.git', 'file:///srv/git/fleet.git']) {
      expect(() => cloneUrl(local, 'edge/c')).toThrow(BootstrapError);
      expect(() => cloneUrl(local, 'edge/c')).toThrow(/--repo-url/);
    }
    expect(
      gitopsBootstrap([{ provider: 'p', name: 'c', repository: '/srv/git/x' }], { repoUrl: 'https://h/x' }).flux,
    ).toHaveLength(1);
    expect(fluxUrl('https://h/x')).toBe('https://h/x');
  });

  test('no credential is printed: not in a query, not in user:password@host:path, not in --repo-url', () => {
    expect(cloneUrl('https://git.example.com/x.git?private_token=s3cr3t#top', 'edge/c')).toBe(
      'https://git.example.com/x.git',
    );
    expect(() => cloneUrl('deploy:s3cr3t@git.example.com:org/x.git', 'edge/c')).toThrow(/--repo-url/);
    expect(cloneUrl('git@github.com:acme/fleet.git', 'edge/c')).toBe('git@github.com:acme/fleet.git');
    const printed = JSON.stringify(
      gitopsBootstrap([{ provider: 'p', name: 'c', repository: '/srv/git/x' }], {
        repoUrl: 'https://bot:s3cr3t@git.example.com/x?token=s3cr3t',
      }),
    );
    expect(printed).not.toContain('s3cr3t');
    expect(printed).toContain('https://git.example.com/x');
  });

  test('two clusters that would get one Application name are refused', () => {
    const twins = [
      { provider: 'a', name: 'b-c', repository: 'https://h/x' },
      { provider: 'a-b', name: 'c', repository: 'https://h/x' },
    ];
    expect(() => gitopsBootstrap(twins)).toThrow(BootstrapError);
  });
});

describe('over random clusters (property)', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
  test('each element points at the folder the GitOps target writes to, under a DNS-label name', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ provider: segment, name: segment, path: fc.constantFrom('', 'clusters', 'a/b/') }), {
          selector: (item) => dnsLabel(`${item.provider}-${item.name}`),
          maxLength: 6,
        }),
        (items) => {
          const result = gitopsBootstrap(items.map((item) => ({ ...item, repository: 'https://h/x' })));
          const elements = (result.applicationSet.spec as AppSetSpec).generators[0]?.list.elements ?? [];
          expect(elements).toHaveLength(items.length);
          for (const item of items) {
            const element = elements.find(
              (candidate) => candidate.path === clusterFolder(item.path, item.provider, item.name),
            );
            expect(element?.name).toMatch(DNS_LABEL);
            expect(`meshbridge-${element?.name}`.length).toBeLessThanOrEqual(253);
          }
        },
      ),
    );
  });
});
