/**
 * What a cluster gets once, whatever the number of services: where it serves
 * federated calls and the platform has not applied Istio's cross-network Gateway,
 * that Gateway (`*.local`, AUTO_PASSTHROUGH); where pre-1.8 callers use `.global`
 * names, the CoreDNS stub domain, as a `coredns-custom` ConfigMap when the cluster's
 * distribution imports one, or as a diagnostic giving the server block to add.
 *
 * meshbridge never renders the mesh-wide PeerAuthentication or `kube-system/coredns`:
 * both are the platform's, and overwriting either can weaken a mesh or stop DNS.
 */
import type { MeshSpec } from '../../model/infrastructure.js';
import { specOf } from '../../model/kind.js';
import type { Diagnostic } from '../diagnostics.js';
import { clusterLabel, meshOf } from '../mesh.js';
import { ownerLabels, type RenderedObject } from '../objects.js';
import type { ClusterFacts } from '../snapshot.js';
import { object } from './shared.js';
import type { UnitOutput } from './service.js';

/** What the cluster does in federated calls, which decides what it needs once. */
export interface ClusterRoles {
  servesFederated: boolean;
  callsFederated: boolean;
}

export const CROSS_NETWORK_GATEWAY = 'meshbridge-cross-network';

/** The server block of the `global` stub domain: forwards `.global` names to istiocoredns. */
export function globalStubBlock(istioCoreDnsAddress: string): string {
  return ['global:53 {', '    errors', '    cache 30', `    forward . ${istioCoreDnsAddress}`, '}', ''].join('\n');
}

function crossNetworkGateway(cluster: ClusterFacts): RenderedObject {
  const mesh = meshOf(cluster);
  return object(
    {
      apiVersion: mesh.profile.networkingApi,
      kind: 'Gateway',
      name: CROSS_NETWORK_GATEWAY,
      namespace: mesh.gatewayNamespace,
    },
    undefined,
    {
      selector: mesh.profile.gatewaySelector,
      servers: [
        {
          port: { number: cluster.gateway.internalPort, name: 'tls', protocol: 'TLS' },
          hosts: ['*.local'],
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    },
  );
}

function servingDiagnostics(cluster: ClusterFacts): Diagnostic[] {
  const mesh = meshOf(cluster);
  if (!mesh.profile.gatewayNeedsRouterMode) return [];
  return [
    {
      severity: 'warning',
      code: 'GatewayRouterMode',
      message: `Istio ${mesh.profile.version} builds the east-west gateway's SNI clusters only when the gateway pods run with ISTIO_META_ROUTER_MODE=sni-dnat (Istio's gen-eastwest-gateway.sh and the 1.7 multicluster install set it); without it every federated call to ${clusterLabel(cluster)} is reset`,
      resource: cluster.key,
      cluster: clusterLabel(cluster),
    },
  ];
}

function dnsStub(cluster: ClusterFacts): { objects: RenderedObject[]; diagnostics: Diagnostic[] } {
  const mesh = meshOf(cluster);
  const where = clusterLabel(cluster);
  if (!mesh.istioCoreDnsAddress)
    return {
      objects: [],
      diagnostics: [
        {
          severity: 'warning',
          code: 'CoreDnsStubMissing',
          message: `Istio ${mesh.profile.version} resolves .global names through istiocoredns; set spec.mesh.istioCoreDnsAddress to its ClusterIP to get the CoreDNS stub domain`,
          resource: cluster.key,
          cluster: where,
        },
      ],
    };
  const block = globalStubBlock(mesh.istioCoreDnsAddress);
  if (mesh.dnsStub === 'coredns-custom')
    return {
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'coredns-custom', namespace: 'kube-system', labels: ownerLabels(undefined) },
          data: { 'global.server': block },
        },
      ],
      diagnostics: [],
    };
  return {
    objects: [],
    diagnostics: [
      {
        severity: 'warning',
        code: 'CoreDnsStubManual',
        message: `callers in ${where} use .global names, which CoreDNS resolves only with this server block added to its Corefile (meshbridge does not own kube-system/coredns; spec.mesh.dnsStub: coredns-custom renders it where the distribution imports coredns-custom): ${block.replace(/\s+/g, ' ').trim()}`,
        resource: cluster.key,
        cluster: where,
      },
    ],
  };
}

/**
 * The Gateway goes where the east-west gateway runs: with istiod's PILOT_SCOPE_GATEWAY_TO_NAMESPACE (off by
 * default; pilot/pkg/features/pilot.go @1.7.0–1.24.0) a gateway workload takes only Gateways of its own namespace.
 */
function gatewayNamespaceAssumed(cluster: ClusterFacts): Diagnostic | undefined {
  const stated = (specOf(cluster.body).mesh as MeshSpec | undefined)?.gateway?.namespace;
  if (stated !== undefined) return undefined;
  return {
    severity: 'warning',
    code: 'GatewayNamespaceAssumed',
    message: `meshbridge renders Gateway ${CROSS_NETWORK_GATEWAY} in ${meshOf(cluster).gatewayNamespace}, assuming the east-west gateway runs there; where istiod scopes Gateways to their namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE) and the gateway runs elsewhere it is ignored and federated calls to ${clusterLabel(cluster)} are reset: set spec.mesh.gateway.namespace`,
    resource: cluster.key,
    cluster: clusterLabel(cluster),
  };
}

export function renderCluster(cluster: ClusterFacts, roles: ClusterRoles): UnitOutput {
  const mesh = meshOf(cluster);
  const objects: RenderedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  if (roles.servesFederated) {
    if (!mesh.exposesServices) {
      objects.push(crossNetworkGateway(cluster));
      const assumed = gatewayNamespaceAssumed(cluster);
      if (assumed) diagnostics.push(assumed);
    }
    diagnostics.push(...servingDiagnostics(cluster));
  }
  if (roles.callsFederated && mesh.profile.usesGlobalSuffix) {
    const stub = dnsStub(cluster);
    objects.push(...stub.objects);
    diagnostics.push(...stub.diagnostics);
  }
  return { byCluster: new Map(objects.length > 0 ? [[cluster.key, objects]] : []), diagnostics };
}
