/**
 * The Kubernetes objects the renderer produces. `validate.ts` checks every one of them before
 * it is served.
 */
import type {
  DestinationRuleSpec,
  GatewaySpec,
  NetworkingApiVersion,
  ServiceEntrySpec,
  VirtualServiceSpec,
} from './networking-types.js';
import type { NetworkPolicySpec } from './network-policy.js';
import type { AuthorizationPolicySpec, PeerAuthenticationSpec, SecurityApiVersion } from './security-types.js';

export type * from './networking-types.js';
export type * from './security-types.js';

export interface ObjectMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any object: what the validator accepts. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMetadata;
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

export interface ServiceEntry extends K8sObject {
  apiVersion: NetworkingApiVersion;
  kind: 'ServiceEntry';
  spec: ServiceEntrySpec;
}

export interface DestinationRule extends K8sObject {
  apiVersion: NetworkingApiVersion;
  kind: 'DestinationRule';
  spec: DestinationRuleSpec;
}

export interface VirtualService extends K8sObject {
  apiVersion: NetworkingApiVersion;
  kind: 'VirtualService';
  spec: VirtualServiceSpec;
}

export interface Gateway extends K8sObject {
  apiVersion: NetworkingApiVersion;
  kind: 'Gateway';
  spec: GatewaySpec;
}

export interface AuthorizationPolicy extends K8sObject {
  apiVersion: SecurityApiVersion;
  kind: 'AuthorizationPolicy';
  spec: AuthorizationPolicySpec;
}

export interface PeerAuthentication extends K8sObject {
  apiVersion: SecurityApiVersion;
  kind: 'PeerAuthentication';
  spec: PeerAuthenticationSpec;
}

/** Kubernetes' own (networking.k8s.io/v1), rendered for EMCO's network-policy controller's work. */
export interface NetworkPolicy extends K8sObject {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  spec: NetworkPolicySpec;
}

/** Values in `data` are base64; `stringData` is plain text. `kubernetes.io/tls` needs `tls.crt` and `tls.key`. */
export interface Secret extends K8sObject {
  apiVersion: 'v1';
  kind: 'Secret';
  spec?: never;
  type?: 'Opaque' | 'kubernetes.io/tls' | (string & {});
  immutable?: boolean;
}

export interface ConfigMap extends K8sObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  spec?: never;
  stringData?: never;
  type?: never;
  /** Base64 values. */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/**
 * The spec type of each Istio kind: what the renderer builds (a field the CRD schema lacks is a compile error,
 * and fields.test.ts checks these types against the schemas) and what the data-plane model reads.
 */
export interface SpecOfKind {
  ServiceEntry: ServiceEntrySpec;
  DestinationRule: DestinationRuleSpec;
  VirtualService: VirtualServiceSpec;
  Gateway: GatewaySpec;
  AuthorizationPolicy: AuthorizationPolicySpec;
  PeerAuthentication: PeerAuthenticationSpec;
  /** Not Istio's: Kubernetes' own, built by the same builders (its fields: network-policy.test.ts). */
  NetworkPolicy: NetworkPolicySpec;
}

export type IstioObject =
  ServiceEntry | DestinationRule | VirtualService | Gateway | AuthorizationPolicy | PeerAuthentication;

export type KnownObject = IstioObject | Secret | ConfigMap | NetworkPolicy;
