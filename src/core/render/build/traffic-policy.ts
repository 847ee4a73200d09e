/** A service's traffic management, as the DestinationRule fields of a cluster's Istio version. */
import type { TrafficManagementSpec } from '../../model/traffic-management.js';
import type { IstioProfile } from '../profile.js';

type Policy = Record<string, unknown>;

function simpleMode(mode: string, profile: IstioProfile): string {
  return mode === 'LEAST_CONN' || mode === 'LEAST_REQUEST' ? profile.leastRequestName : mode;
}

function consistentHash(tm: TrafficManagementSpec, profile: IstioProfile): Policy {
  const hash: Policy = {};
  if (tm.loadBalancerMode === 'httpCookie') {
    hash.httpCookie = {
      name: tm.httpCookie,
      ...(tm.httpCookiePath ? { path: tm.httpCookiePath } : {}),
      ...(tm.httpCookieTtl ? { ttl: tm.httpCookieTtl } : {}),
    };
  } else if (tm.loadBalancerMode === 'httpHeaderName') hash.httpHeaderName = tm.httpHeaderName;
  else if (tm.loadBalancerMode === 'httpQueryParameterName') hash.httpQueryParameterName = tm.httpQueryParameterName;
  else hash.useSourceIp = true;
  if (tm.minimumRingSize !== undefined) {
    if (profile.ringHashNested) hash.ringHash = { minimumRingSize: tm.minimumRingSize };
    else hash.minimumRingSize = tm.minimumRingSize;
  }
  return hash;
}

function loadBalancer(tm: TrafficManagementSpec, profile: IstioProfile): Policy | undefined {
  if (tm.loadBalancingType === 'consistentHash') return { consistentHash: consistentHash(tm, profile) };
  if (tm.loadBalancerMode) return { simple: simpleMode(tm.loadBalancerMode, profile) };
  return undefined;
}

function connectionPool(tm: TrafficManagementSpec): Policy | undefined {
  const http: Policy = {};
  if (tm.concurrentHttp2Requests !== undefined) http.http2MaxRequests = tm.concurrentHttp2Requests;
  if (tm.httpRequestPerConnection !== undefined) http.maxRequestsPerConnection = tm.httpRequestPerConnection;
  const pool: Policy = {};
  if (tm.maxConnections !== undefined) pool.tcp = { maxConnections: tm.maxConnections };
  if (Object.keys(http).length > 0) pool.http = http;
  return Object.keys(pool).length > 0 ? pool : undefined;
}

function outlierDetection(tm: TrafficManagementSpec): Policy | undefined {
  const detection: Policy = {};
  // consecutive5xxErrors is in every supported CRD (1.5+); 1.7 and later ignore consecutiveErrors (cluster.go@1.7.0).
  if (tm.consecutiveErrors !== undefined) detection.consecutive5xxErrors = tm.consecutiveErrors;
  if (tm.intervalSweep !== undefined) detection.interval = tm.intervalSweep;
  if (tm.baseEjectionTime !== undefined) detection.baseEjectionTime = tm.baseEjectionTime;
  if (tm.maxEjectionPercent !== undefined) detection.maxEjectionPercent = tm.maxEjectionPercent;
  return Object.keys(detection).length > 0 ? detection : undefined;
}

/** Load balancing, connection pool and outlier detection; undefined parts are left out. */
export function trafficPolicy(tm: TrafficManagementSpec | undefined, profile: IstioProfile): Policy {
  if (!tm) return {};
  const policy: Policy = {};
  const lb = loadBalancer(tm, profile);
  const pool = connectionPool(tm);
  const outlier = outlierDetection(tm);
  if (lb) policy.loadBalancer = lb;
  if (pool) policy.connectionPool = pool;
  if (outlier) policy.outlierDetection = outlier;
  return policy;
}
