/**
 * What a cluster record says about its mesh, with Istio's defaults filled in: the
 * one place the renderer, the diagnostics and the data-plane model read them from.
 */
import { DEFAULT_GATEWAY_NAMESPACE } from '../model/gateway.js';
import type { MeshSpec } from '../model/infrastructure.js';
import { specOf } from '../model/kind.js';
import { profileFor, type IstioProfile } from './profile.js';
import type { ClusterFacts } from './snapshot.js';

export interface MeshFacts {
  profile: IstioProfile;
  trustDomain: string;
  trustDomainAliases: string[];
  rootNamespace: string;
  /** The mesh-wide mTLS mode the platform set (meshbridge never writes it). */
  mtlsMode: 'STRICT' | 'PERMISSIVE' | 'DISABLE';
  meshId: string | undefined;
  /** Istio's network name: clusters on one network reach each other's pods directly. */
  network: string | undefined;
  /** undefined: the cluster does not say; meshbridge assumes it and says so. */
  dnsCapture: boolean | undefined;
  gatewayNamespace: string;
  /** Whether the `*.local` AUTO_PASSTHROUGH Gateway is the platform's (true) or meshbridge's to render (false). */
  exposesServices: boolean;
  istioCoreDnsAddress: string | undefined;
  dnsStub: 'coredns-custom' | 'manual';
}

const factsOf = new WeakMap<ClusterFacts, MeshFacts>();

export function meshOf(cluster: ClusterFacts): MeshFacts {
  const known = factsOf.get(cluster);
  if (known) return known;
  const mesh = (specOf(cluster.body).mesh ?? {}) as MeshSpec;
  const profile = profileFor(mesh.istioVersion);
  const facts: MeshFacts = {
    profile,
    trustDomain: mesh.trustDomain ?? 'cluster.local',
    trustDomainAliases: mesh.trustDomainAliases ?? [],
    rootNamespace: mesh.rootNamespace ?? 'istio-system',
    mtlsMode: (mesh.mtlsMode ?? 'PERMISSIVE') as MeshFacts['mtlsMode'],
    meshId: mesh.meshId,
    network: mesh.network,
    dnsCapture: mesh.dnsCapture,
    gatewayNamespace: mesh.gateway?.namespace ?? DEFAULT_GATEWAY_NAMESPACE,
    // Istio 1.8's multi-network install applies expose-services.yaml; 1.7's applied only `*.global`.
    exposesServices: mesh.gateway?.exposesServices ?? !profile.usesGlobalSuffix,
    istioCoreDnsAddress: mesh.istioCoreDnsAddress,
    dnsStub: (mesh.dnsStub ?? 'manual') as MeshFacts['dnsStub'],
  };
  factsOf.set(cluster, facts);
  return facts;
}

/** Whether `caller` and `server` are one multi-primary mesh whose istiods discover each other's endpoints. */
export function sharesDiscovery(caller: ClusterFacts, server: ClusterFacts): boolean {
  const callerMesh = meshOf(caller).meshId;
  return callerMesh !== undefined && callerMesh === meshOf(server).meshId;
}

/** Whether a server cluster's sidecars accept a caller's certificate: its own trust domain or an alias. */
export function trustsDomain(server: ClusterFacts, trustDomain: string): boolean {
  const mesh = meshOf(server);
  return mesh.trustDomain === trustDomain || mesh.trustDomainAliases.includes(trustDomain);
}

export const clusterLabel = (cluster: ClusterFacts) => `${cluster.provider}/${cluster.name}`;
