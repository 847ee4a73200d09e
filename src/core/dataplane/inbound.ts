/**
 * The serving pod's sidecar: whether its inbound chain accepts what arrives (the
 * PeerAuthentication mode for the container port, the caller's trust domain, the
 * identity the caller expects of it), then its AuthorizationPolicies.
 */
import { authorize, type PeerIdentity, type RequestFacts } from '../render/check-route-authz.js';
import type { PeerAuthenticationSpec } from '../istio/objects.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';
import { keyOf, memoized, objectsOfKind } from './cluster-index.js';
import { SOURCES, type Hop } from './hops.js';
import type { Caller, Upstream } from './outbound.js';
import { HTTP_PROTOCOLS, type ClusterWorld, type ServiceFacts } from './world.js';

type Mode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

const known = (mode: string | undefined): Mode | undefined =>
  mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;

/** Mesh, then namespace, then workload; a workload's port-level mode wins for that container port. */
export function peerMode(cluster: ClusterWorld, service: ServiceFacts): { mode: Mode; from: string } {
  let result: { mode: Mode; from: string } = {
    mode: cluster.mesh.mtlsMode,
    from: `the mesh-wide mode ${cluster.mesh.mtlsMode}`,
  };
  const policies = memoized(cluster, keyOf('peerAuthentications', service.namespace), () =>
    objectsOfKind(cluster, 'PeerAuthentication').filter((object) => object.metadata.namespace === service.namespace),
  );
  const spec = (object: RenderedObject): PeerAuthenticationSpec => specOfKind(object, 'PeerAuthentication') ?? {};
  const namespaceWide = policies.find((object) => !spec(object).selector);
  const namespaceMode = namespaceWide ? known(spec(namespaceWide).mtls?.mode) : undefined;
  if (namespaceWide && namespaceMode)
    result = { mode: namespaceMode, from: `PeerAuthentication ${namespaceWide.metadata.name}` };
  const workload = policies.find((object) => {
    const labels = spec(object).selector?.matchLabels;
    return labels !== undefined && Object.entries(labels).every(([key, value]) => service.labels[key] === value);
  });
  if (!workload) return result;
  const from = `PeerAuthentication ${service.namespace}/${workload.metadata.name}`;
  const portMode = known(spec(workload).portLevelMtls?.[String(service.targetPort)]?.mode);
  if (portMode) return { mode: portMode, from: `${from} (port ${service.targetPort})` };
  const workloadMode = known(spec(workload).mtls?.mode);
  return workloadMode ? { mode: workloadMode, from } : result;
}

export interface InboundVerdict {
  hops: Hop[];
  delivered: boolean;
  notes: string[];
}

function trusted(cluster: ClusterWorld, trustDomain: string): boolean {
  const mesh = cluster.mesh;
  if (mesh.trustDomain === trustDomain) return true;
  // 1.5 and 1.6 checked the trust domain in the authn filter, against the mesh's own only.
  return mesh.profile.exportToNamespaces && mesh.trustDomainAliases.includes(trustDomain);
}

function handshake(
  cluster: ClusterWorld,
  service: ServiceFacts,
  caller: Caller,
  upstream: Upstream,
): { hop: Hop; identity?: PeerIdentity } {
  const { mode, from } = peerMode(cluster, service);
  const base = { hop: 'inbound' as const, cluster: cluster.name, source: SOURCES.peerAuthentication };
  const serverIdentity = `spiffe://${cluster.mesh.trustDomain}/ns/${service.namespace}/sa/${service.serviceAccount}`;
  if (!service.sidecar)
    return upstream.mode === 'DISABLE'
      ? {
          hop: {
            ...base,
            ok: true,
            detail: `the pods of ${service.name} have no sidecar: the plaintext call reaches the application, and no AuthorizationPolicy is enforced`,
          },
        }
      : {
          hop: {
            ...base,
            ok: false,
            detail: `the pods of ${service.name} have no sidecar to terminate ${upstream.mode} TLS`,
          },
        };
  if (upstream.mode === 'ISTIO_MUTUAL') {
    if (mode === 'DISABLE')
      return {
        hop: {
          ...base,
          ok: false,
          detail: `${from} disables mTLS on port ${service.targetPort}: the sidecar takes the mTLS bytes as plaintext`,
        },
      };
    if (upstream.subjectAltNames.length > 0 && !upstream.subjectAltNames.includes(serverIdentity))
      return {
        hop: {
          ...base,
          ok: false,
          detail: `the caller accepts only ${upstream.subjectAltNames.join(', ')}, and the server presents ${serverIdentity}: the caller aborts the handshake`,
          source: SOURCES.clusterTls,
        },
      };
    if (!trusted(cluster, caller.trustDomain))
      return {
        hop: {
          ...base,
          ok: false,
          detail: `the caller's certificate is from trust domain ${caller.trustDomain}; ${cluster.name} accepts ${[cluster.mesh.trustDomain, ...cluster.mesh.trustDomainAliases].join(', ')}: handshake refused`,
          source: SOURCES.trustDomain,
        },
      };
    const principal = `${caller.trustDomain}/ns/${caller.namespace}/sa/${caller.serviceAccount}`;
    return {
      hop: { ...base, ok: true, detail: `mTLS accepted (${from}); peer ${principal}, server ${serverIdentity}` },
      identity: { principal, ...(caller.ip ? { ip: caller.ip } : {}) },
    };
  }
  if (mode === 'STRICT')
    return {
      hop: {
        ...base,
        ok: false,
        detail: `${from} is STRICT on port ${service.targetPort}: ${upstream.mode === 'DISABLE' ? 'plaintext' : `${upstream.mode} TLS without a mesh certificate`} is refused`,
      },
    };
  if (upstream.mode !== 'DISABLE' && HTTP_PROTOCOLS.has(service.protocol))
    return {
      hop: {
        ...base,
        ok: false,
        detail: `${upstream.mode} TLS with the application's certificates arrives at an HTTP port, whose inbound chains take only mesh mTLS or plaintext`,
        source: SOURCES.inboundHttp,
      },
    };
  const why =
    upstream.mode === 'DISABLE'
      ? 'plaintext, no mesh certificate'
      : `${upstream.mode} TLS passed to the application, no mesh certificate`;
  return {
    hop: { ...base, ok: true, detail: `accepted in ${mode} mode (${from}): ${why}` },
    identity: { principal: '', why, ...(caller.ip ? { ip: caller.ip } : {}) },
  };
}

export function arriveAt(
  cluster: ClusterWorld,
  service: ServiceFacts,
  caller: Caller,
  upstream: Upstream,
  request: RequestFacts,
): InboundVerdict {
  const shake = handshake(cluster, service, caller, upstream);
  if (!shake.hop.ok || !shake.identity) return { hops: [shake.hop], delivered: shake.hop.ok, notes: [] };
  // Only AuthorizationPolicies of the workload's or the root namespace can select it: authorize sees the same ones.
  const candidates = memoized(cluster, keyOf('authorizationPolicies', service.namespace), () =>
    objectsOfKind(cluster, 'AuthorizationPolicy').filter(
      (object) =>
        object.metadata.namespace === service.namespace || object.metadata.namespace === cluster.mesh.rootNamespace,
    ),
  );
  const verdict = authorize(
    candidates,
    { namespace: service.namespace, labels: service.labels },
    cluster.mesh.rootNamespace,
    shake.identity,
    request,
  );
  return {
    hops: [
      shake.hop,
      {
        hop: 'authorization',
        cluster: cluster.name,
        ok: verdict.allowed,
        detail: verdict.reason,
        source: SOURCES.authorization,
      },
    ],
    delivered: verdict.allowed,
    notes: verdict.notes,
  };
}
