/**
 * Spec shapes of the networking.istio.io kinds the renderer emits (v1, v1beta1 and v1alpha3 serve
 * byte-identical schemas). Field names and enums follow the Istio 1.29 CRDs, so a typo is a
 * compile error; `fields.ts` holds the same names for the run-time unknown-field check.
 */

export type NetworkingApiVersion =
  'networking.istio.io/v1' | 'networking.istio.io/v1beta1' | 'networking.istio.io/v1alpha3';

export type StringMap = Record<string, string>;

// ---- ServiceEntry ----------------------------------------------------------------------------

export interface ServicePort {
  number: number;
  name: string;
  /** HTTP, HTTPS, GRPC, GRPC-WEB, HTTP2, MONGO, REDIS, MYSQL, TCP, TLS, UDP, HTTP_PROXY (any case); unset = sniffing. */
  protocol?: string;
  targetPort?: number;
}

export interface WorkloadEntrySpec {
  address?: string;
  /** Service port name → endpoint port. */
  ports?: Record<string, number>;
  labels?: StringMap;
  network?: string;
  locality?: string;
  weight?: number;
  serviceAccount?: string;
}

export type ServiceEntryLocation = 'MESH_EXTERNAL' | 'MESH_INTERNAL';
export type ServiceEntryResolution = 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN' | 'DYNAMIC_DNS';

export interface ServiceEntrySpec {
  hosts: string[];
  addresses?: string[];
  ports?: ServicePort[];
  location?: ServiceEntryLocation;
  resolution?: ServiceEntryResolution;
  endpoints?: WorkloadEntrySpec[];
  workloadSelector?: { labels?: StringMap };
  exportTo?: string[];
  subjectAltNames?: string[];
}

// ---- DestinationRule -------------------------------------------------------------------------

export type SimpleLB = 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';

export interface HttpCookie {
  name: string;
  path?: string;
  /** Go duration; no minimum. */
  ttl?: string;
  attributes?: { name: string; value?: string }[];
}

export interface ConsistentHashLB {
  httpHeaderName?: string;
  httpCookie?: HttpCookie;
  useSourceIp?: boolean;
  httpQueryParameterName?: string;
  ringHash?: { minimumRingSize?: number };
  maglev?: { tableSize?: number };
  /** Deprecated: use ringHash.minimumRingSize. */
  minimumRingSize?: number;
}

export interface LocalityLbSetting {
  enabled?: boolean;
  distribute?: { from?: string; to?: Record<string, number> }[];
  failover?: { from?: string; to?: string }[];
  failoverPriority?: string[];
}

export interface LoadBalancerSettings {
  simple?: SimpleLB;
  consistentHash?: ConsistentHashLB;
  localityLbSetting?: LocalityLbSetting;
  warmup?: { duration: string; minimumPercent?: number; aggression?: number };
  /** Deprecated: use warmup. */
  warmupDurationSecs?: string;
}

export interface ConnectionPoolSettings {
  tcp?: {
    maxConnections?: number;
    connectTimeout?: string;
    tcpKeepalive?: { probes?: number; time?: string; interval?: string };
    maxConnectionDuration?: string;
    idleTimeout?: string;
  };
  http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
    idleTimeout?: string;
    h2UpgradePolicy?: 'DEFAULT' | 'DO_NOT_UPGRADE' | 'UPGRADE';
    useClientProtocol?: boolean;
    maxConcurrentStreams?: number;
  };
}

export interface OutlierDetection {
  /** Deprecated: use consecutive5xxErrors. */
  consecutiveErrors?: number;
  splitExternalLocalOriginErrors?: boolean;
  consecutiveLocalOriginFailures?: number;
  consecutiveGatewayErrors?: number;
  consecutive5xxErrors?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
}

export type ClientTLSMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

export interface ClientTLSSettings {
  mode?: ClientTLSMode;
  clientCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  credentialName?: string;
  subjectAltNames?: string[];
  sni?: string;
  insecureSkipVerify?: boolean;
  caCrl?: string;
}

export interface PortTrafficPolicy {
  port?: { number?: number };
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetection;
  tls?: ClientTLSSettings;
}

export interface TrafficPolicy extends Omit<PortTrafficPolicy, 'port'> {
  portLevelSettings?: PortTrafficPolicy[];
  tunnel?: { protocol?: string; targetHost: string; targetPort: number };
  proxyProtocol?: { version?: 'V1' | 'V2' };
  retryBudget?: { percent?: number; minRetryConcurrency?: number };
}

export interface Subset {
  name: string;
  labels?: StringMap;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
  exportTo?: string[];
  workloadSelector?: { matchLabels?: StringMap };
}

// ---- VirtualService --------------------------------------------------------------------------

/** Exactly one of the three. */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
}

export interface Headers {
  request?: { set?: StringMap; add?: StringMap; remove?: string[] };
  response?: { set?: StringMap; add?: StringMap; remove?: string[] };
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: StringMap;
  gateways?: string[];
  queryParams?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  withoutHeaders?: Record<string, StringMatch>;
  sourceNamespace?: string;
  statPrefix?: string;
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
  headers?: Headers;
}

export interface Percent {
  value?: number;
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  redirect?: {
    uri?: string;
    authority?: string;
    port?: number;
    derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
    scheme?: string;
    redirectCode?: number;
  };
  directResponse?: { status: number; body?: { string?: string; bytes?: string } };
  delegate?: { name?: string; namespace?: string };
  rewrite?: { uri?: string; authority?: string; uriRegexRewrite?: { match?: string; rewrite?: string } };
  timeout?: string;
  retries?: {
    attempts?: number;
    perTryTimeout?: string;
    retryOn?: string;
    retryRemoteLocalities?: boolean;
    retryIgnorePreviousHosts?: boolean;
    backoff?: string;
  };
  fault?: {
    delay?: { fixedDelay?: string; exponentialDelay?: string; percentage?: Percent; percent?: number };
    abort?: { httpStatus?: number; grpcStatus?: string; http2Error?: string; percentage?: Percent };
  };
  mirror?: Destination;
  mirrors?: { destination: Destination; percentage?: Percent }[];
  mirrorPercentage?: Percent;
  corsPolicy?: {
    allowOrigin?: string[];
    allowOrigins?: StringMatch[];
    allowMethods?: string[];
    allowHeaders?: string[];
    exposeHeaders?: string[];
    maxAge?: string;
    allowCredentials?: boolean;
    unmatchedPreflights?: 'UNSPECIFIED' | 'FORWARD' | 'IGNORE';
  };
  headers?: Headers;
}

export interface RouteDestination {
  destination: Destination;
  weight?: number;
}

export interface L4MatchAttributes {
  destinationSubnets?: string[];
  port?: number;
  sourceLabels?: StringMap;
  gateways?: string[];
  sourceNamespace?: string;
}

export interface TCPRoute {
  match?: (L4MatchAttributes & { sourceSubnet?: string })[];
  route?: RouteDestination[];
}

export interface TLSRoute {
  match: (L4MatchAttributes & { sniHosts: string[] })[];
  route?: RouteDestination[];
}

export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HTTPRoute[];
  tls?: TLSRoute[];
  tcp?: TCPRoute[];
  exportTo?: string[];
}

// ---- Gateway ---------------------------------------------------------------------------------

export type ServerTLSMode =
  'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';
export type TLSProtocol = 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';

export interface ServerTLSSettings {
  httpsRedirect?: boolean;
  mode?: ServerTLSMode;
  serverCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  caCrl?: string;
  credentialName?: string;
  credentialNames?: string[];
  caCertCredentialName?: string;
  tlsCertificates?: { serverCertificate?: string; privateKey?: string; caCertificates?: string }[];
  subjectAltNames?: string[];
  verifyCertificateSpki?: string[];
  verifyCertificateHash?: string[];
  minProtocolVersion?: TLSProtocol;
  maxProtocolVersion?: TLSProtocol;
  cipherSuites?: string[];
}

export interface Server {
  port: { number: number; protocol: string; name: string; /** Rejected by Istio. */ targetPort?: number };
  bind?: string;
  hosts: string[];
  tls?: ServerTLSSettings;
  defaultEndpoint?: string;
  name?: string;
}

export interface GatewaySpec {
  servers: Server[];
  selector?: StringMap;
}
