/**
 * What every cluster with meshbridge objects gets once: the mesh-wide
 * PeerAuthentication from `mesh.mtlsMode` (seed 000: PERMISSIVE lets callers
 * without a sidecar in), and before Istio 1.8 the CoreDNS stub domain that makes
 * `.global` names resolve (seed 001 step 3).
 */
import type { Diagnostic } from '../diagnostics.js';
import { ownerLabels, type RenderedObject } from '../objects.js';
import { profileFor } from '../profile.js';
import { istioVersionOf } from '../services.js';
import type { ClusterFacts } from '../snapshot.js';
import { object } from './shared.js';
import type { UnitOutput } from './service.js';

interface Mesh {
  mtlsMode?: string;
  rootNamespace?: string;
  istioCoreDnsAddress?: string;
}

function corefile(stubAddress: string): string {
  return [
    '.:53 {',
    '    errors',
    '    health',
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf',
    '    cache 30',
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
    'global:53 {',
    '    errors',
    '    cache 30',
    `    forward . ${stubAddress}`,
    '}',
    '',
  ].join('\n');
}

export function renderCluster(cluster: ClusterFacts): UnitOutput {
  const mesh = ((cluster.body.spec as { mesh?: Mesh } | undefined)?.mesh ?? {}) as Mesh;
  const profile = profileFor(istioVersionOf(cluster));
  const objects: RenderedObject[] = [
    object(
      {
        apiVersion: profile.securityApi,
        kind: 'PeerAuthentication',
        name: 'default',
        namespace: mesh.rootNamespace ?? 'istio-system',
      },
      undefined,
      {
        mtls: { mode: mesh.mtlsMode ?? 'PERMISSIVE' },
      },
    ),
  ];
  const diagnostics: Diagnostic[] = [];
  if (profile.usesGlobalSuffix) {
    if (mesh.istioCoreDnsAddress) {
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'coredns', namespace: 'kube-system', labels: ownerLabels(undefined) },
        data: { Corefile: corefile(mesh.istioCoreDnsAddress) },
      });
    } else {
      diagnostics.push({
        severity: 'warning',
        code: 'CoreDnsStubMissing',
        message: `Istio ${profile.version} resolves .global names through istiocoredns; set spec.mesh.istioCoreDnsAddress to its ClusterIP to get the CoreDNS stub domain`,
        resource: cluster.key,
        cluster: `${cluster.provider}/${cluster.name}`,
      });
    }
  }
  return { byCluster: new Map([[cluster.key, objects]]), diagnostics };
}
