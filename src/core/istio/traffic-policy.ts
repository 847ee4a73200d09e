/** DestinationRule `trafficPolicy` rules of Istio's webhook (`validateTrafficPolicy` and friends). */
import { durationError, nonNegativeError, percentError, portError } from './checks.js';
import { type Issues, isFilled, isSet, list, type Path } from './issues.js';
import type {
  ClientTLSSettings,
  ConnectionPoolSettings,
  ConsistentHashLB,
  LoadBalancerSettings,
  OutlierDetection,
  PortTrafficPolicy,
  TrafficPolicy,
} from './objects.js';
import { checkLocality } from './locality.js';

export interface PolicyContext {
  /** The rule has a workloadSelector: `credentialName` may then apply to sidecars. */
  hasWorkloadSelector: boolean;
}

const portPolicyFields = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const;
const policyFields = [...portPolicyFields, 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget'] as const;

export function checkTrafficPolicy(
  issues: Issues,
  path: Path,
  policy: TrafficPolicy | undefined,
  context: PolicyContext,
): void {
  if (!isSet(policy) || policy === undefined) return;
  if (!policyFields.some((field) => isSet(policy[field]))) {
    issues.add(path, 'a trafficPolicy must set at least one field');
    return;
  }
  if (isSet(policy.tunnel) && isSet(policy.proxyProtocol)) {
    issues.add([...path, 'proxyProtocol'], 'tunnel and proxyProtocol must not be set together');
  }
  checkPortPolicy(issues, path, policy, context);
  list(policy.portLevelSettings).forEach((settings, i) => {
    const at = [...path, 'portLevelSettings', i];
    if (!portPolicyFields.some((field) => isSet(settings[field]))) {
      issues.add(at, 'a port traffic policy must set at least one field');
    }
    if (!isSet(settings.port)) issues.add([...at, 'port'], 'is required');
    else issues.check([...at, 'port', 'number'], portError(settings.port?.number));
    checkPortPolicy(issues, at, settings, context);
  });
  if (policy.tunnel) issues.check([...path, 'tunnel', 'targetPort'], portError(policy.tunnel.targetPort));
  if (policy.retryBudget) issues.check([...path, 'retryBudget', 'percent'], percentError(policy.retryBudget.percent));
}

function checkPortPolicy(issues: Issues, path: Path, policy: PortTrafficPolicy, context: PolicyContext): void {
  checkLoadBalancer(issues, [...path, 'loadBalancer'], policy.loadBalancer);
  checkConnectionPool(issues, [...path, 'connectionPool'], policy.connectionPool);
  checkOutlierDetection(issues, [...path, 'outlierDetection'], policy.outlierDetection);
  checkClientTls(issues, [...path, 'tls'], policy.tls, context);
}

function checkLoadBalancer(issues: Issues, path: Path, lb: LoadBalancerSettings | undefined): void {
  if (!lb) return;
  if (isSet(lb.simple) && isSet(lb.consistentHash)) {
    issues.add(path, 'set either simple or consistentHash, not both');
  }
  if (lb.consistentHash) checkConsistentHash(issues, [...path, 'consistentHash'], lb.consistentHash);
  if (lb.localityLbSetting) checkLocality(issues, [...path, 'localityLbSetting'], lb.localityLbSetting);
  if (lb.warmup) {
    issues.check([...path, 'warmup', 'duration'], durationError(lb.warmup.duration));
    issues.check([...path, 'warmup', 'minimumPercent'], percentError(lb.warmup.minimumPercent));
  }
  issues.check([...path, 'warmupDurationSecs'], durationError(lb.warmupDurationSecs));
}

const hashKeys = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const;

function checkConsistentHash(issues: Issues, path: Path, hash: ConsistentHashLB): void {
  const keys = hashKeys.filter((key) => isSet(hash[key]));
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'none' : keys.join(', ');
    issues.add(path, `set exactly one hash key of ${hashKeys.join(', ')} (found ${found})`);
  }
  if (typeof hash.httpCookie === 'object' && hash.httpCookie !== null) {
    if (!isFilled(hash.httpCookie.name)) issues.add([...path, 'httpCookie', 'name'], 'name required for httpCookie');
    issues.check([...path, 'httpCookie', 'ttl'], durationError(hash.httpCookie.ttl, false));
  }
  if (isSet(hash.ringHash) && isSet(hash.maglev))
    issues.add([...path, 'maglev'], 'set either ringHash or maglev, not both');
  if (isSet(hash.minimumRingSize) && (isSet(hash.ringHash) || isSet(hash.maglev))) {
    issues.add(
      [...path, 'minimumRingSize'],
      'the deprecated minimumRingSize cannot be combined with ringHash or maglev',
    );
  }
  const size = hash.maglev?.tableSize;
  if (typeof size === 'number' && (!isPrime(size) || size >= 5000011)) {
    issues.add([...path, 'maglev', 'tableSize'], `table size ${size} must be a prime number below 5000011`);
  }
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

function checkConnectionPool(issues: Issues, path: Path, pool: ConnectionPoolSettings | undefined): void {
  if (!isSet(pool) || pool === undefined) return;
  if (!isSet(pool.http) && !isSet(pool.tcp)) {
    issues.add(path, 'a connectionPool must set at least one field');
    return;
  }
  const http = pool.http ?? {};
  for (const field of [
    'http1MaxPendingRequests',
    'http2MaxRequests',
    'maxRequestsPerConnection',
    'maxRetries',
    'maxConcurrentStreams',
  ] as const) {
    issues.check([...path, 'http', field], nonNegativeError(http[field]));
  }
  issues.check([...path, 'http', 'idleTimeout'], durationError(http.idleTimeout));
  if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
    issues.add(
      [...path, 'http', 'useClientProtocol'],
      'useClientProtocol must not be true when h2UpgradePolicy is UPGRADE',
    );
  }
  const tcp = pool.tcp ?? {};
  issues.check([...path, 'tcp', 'maxConnections'], nonNegativeError(tcp.maxConnections));
  issues.check([...path, 'tcp', 'connectTimeout'], durationError(tcp.connectTimeout));
  issues.check([...path, 'tcp', 'maxConnectionDuration'], durationError(tcp.maxConnectionDuration));
  issues.check([...path, 'tcp', 'idleTimeout'], durationError(tcp.idleTimeout, false));
  issues.check([...path, 'tcp', 'tcpKeepalive', 'time'], durationError(tcp.tcpKeepalive?.time));
  issues.check([...path, 'tcp', 'tcpKeepalive', 'interval'], durationError(tcp.tcpKeepalive?.interval));
  issues.check([...path, 'tcp', 'tcpKeepalive', 'probes'], nonNegativeError(tcp.tcpKeepalive?.probes));
}

function checkOutlierDetection(issues: Issues, path: Path, outlier: OutlierDetection | undefined): void {
  if (!outlier) return;
  for (const field of [
    'consecutiveErrors',
    'consecutive5xxErrors',
    'consecutiveGatewayErrors',
    'consecutiveLocalOriginFailures',
  ] as const) {
    issues.check([...path, field], nonNegativeError(outlier[field]));
  }
  issues.check([...path, 'interval'], durationError(outlier.interval));
  issues.check([...path, 'baseEjectionTime'], durationError(outlier.baseEjectionTime));
  issues.check([...path, 'maxEjectionPercent'], percentError(outlier.maxEjectionPercent));
  issues.check([...path, 'minHealthPercent'], percentError(outlier.minHealthPercent));
  if ((outlier.consecutiveLocalOriginFailures ?? 0) > 0 && outlier.splitExternalLocalOriginErrors !== true) {
    issues.add([...path, 'consecutiveLocalOriginFailures'], 'needs splitExternalLocalOriginErrors: true');
  }
}

const fileFields = ['clientCertificate', 'privateKey', 'caCertificates', 'caCrl'] as const;
/**
 * Istio's webhook rejects none of these with ISTIO_MUTUAL (pkg/config/validation/agent/validation.go@1.24.0, ValidateTLS),
 * but sidecars ignore them there, so meshbridge refuses to emit them. `sni` and `subjectAltNames` are honoured with
 * ISTIO_MUTUAL in every release (cluster_tls.go@1.24.0; v1alpha3/cluster.go@1.5.0) and stay allowed.
 */
const istioMutualForbidden = [...fileFields, 'credentialName', 'insecureSkipVerify'] as const;

function checkClientTls(issues: Issues, path: Path, tls: ClientTLSSettings | undefined, context: PolicyContext): void {
  if (!tls) return;
  if (tls.mode === 'ISTIO_MUTUAL') {
    for (const field of istioMutualForbidden) {
      if (isFilled(tls[field])) {
        issues.add([...path, field], 'must be empty with mode ISTIO_MUTUAL (Istio provides the certificates)');
      }
    }
    return;
  }
  if (isFilled(tls.credentialName)) checkCredentialName(issues, path, tls, context);
  else if (tls.mode === 'MUTUAL') {
    if (!isFilled(tls.clientCertificate)) {
      issues.add([...path, 'clientCertificate'], 'client certificate required for mutual TLS');
    }
    if (!isFilled(tls.privateKey)) issues.add([...path, 'privateKey'], 'private key required for mutual TLS');
  }
  if (tls.insecureSkipVerify === true && (isFilled(tls.caCertificates) || isFilled(tls.subjectAltNames))) {
    issues.add([...path, 'insecureSkipVerify'], 'cannot be combined with caCertificates or subjectAltNames');
  }
}

/** A credential (Kubernetes Secret) replaces the file paths; at sidecars it needs a workloadSelector. */
function checkCredentialName(issues: Issues, path: Path, tls: ClientTLSSettings, context: PolicyContext): void {
  for (const field of fileFields) {
    if (isFilled(tls[field])) issues.add([...path, field], 'cannot be set together with credentialName');
  }
  if (!context.hasWorkloadSelector) {
    issues.add([...path, 'credentialName'], 'credentialName applies to sidecars only with spec.workloadSelector');
  }
}
