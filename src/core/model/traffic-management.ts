/**
 * Load balancing and circuit breaking of an inbound service (seed 000's
 * `traffic-management-info`). Combinations that Istio would reject, or silently
 * ignore, are refused here, when the intent is written.
 */
import { Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { Duration, Obj, StringEnum } from '../validation/schema.js';
import { meshDurationProblem } from './formats.js';

export const SIMPLE_MODES = ['LEAST_REQUEST', 'LEAST_CONN', 'ROUND_ROBIN', 'RANDOM', 'PASSTHROUGH'] as const;
export const HASH_MODES = [
  'httpHeaderName',
  'httpCookie',
  'useSourceIp',
  'httpQueryParameterName',
  'minimumRingSize',
] as const;

const count = () => Type.Integer({ minimum: 0, maximum: 2147483647 });

export const TrafficManagement = Obj(
  {
    loadBalancingType: Type.Optional(
      StringEnum(['simple', 'consistentHash'], {
        valueAliases: { ConsistenHash: 'consistentHash', hash: 'consistentHash' },
      }),
    ),
    loadBalancerMode: Type.Optional(StringEnum([...SIMPLE_MODES, ...HASH_MODES])),
    httpCookie: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    httpCookiePath: Type.Optional(Type.String({ minLength: 1 })),
    httpCookieTtl: Type.Optional(Duration()),
    httpHeaderName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    httpQueryParameterName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    minimumRingSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 8388608 })),
    maxConnections: Type.Optional(count()),
    concurrentHttp2Requests: Type.Optional(count()),
    httpRequestPerConnection: Type.Optional(count()),
    consecutiveErrors: Type.Optional(count()),
    baseEjectionTime: Type.Optional(Duration()),
    intervalSweep: Type.Optional(Duration()),
    maxEjectionPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  {
    aliases: {
      loadbalancerType: 'loadBalancingType',
      lbType: 'loadBalancingType',
      httpRequestsPerConnection: 'httpRequestPerConnection',
      maxRequestsPerConnection: 'httpRequestPerConnection',
      http2MaxRequests: 'concurrentHttp2Requests',
      consecutive5xxErrors: 'consecutiveErrors',
      interval: 'intervalSweep',
    },
  },
);

export interface TrafficManagementSpec {
  loadBalancingType?: 'simple' | 'consistentHash';
  loadBalancerMode?: (typeof SIMPLE_MODES)[number] | (typeof HASH_MODES)[number];
  httpCookie?: string;
  httpCookiePath?: string;
  httpCookieTtl?: string;
  httpHeaderName?: string;
  httpQueryParameterName?: string;
  minimumRingSize?: number;
  maxConnections?: number;
  concurrentHttp2Requests?: number;
  httpRequestPerConnection?: number;
  consecutiveErrors?: number;
  baseEjectionTime?: string;
  intervalSweep?: string;
  maxEjectionPercent?: number;
}

const HASH_KEY_FIELDS = ['httpCookie', 'httpHeaderName', 'httpQueryParameterName'] as const;
const COOKIE_DETAILS = ['httpCookiePath', 'httpCookieTtl'] as const;
const HTTP_ONLY = ['concurrentHttp2Requests', 'httpRequestPerConnection'] as const;

function isHashMode(mode: string): boolean {
  return (HASH_MODES as readonly string[]).includes(mode);
}

/** The load-balancing type follows from the mode when only the mode is given. */
export function completeTrafficManagement(spec: TrafficManagementSpec): TrafficManagementSpec {
  if (spec.loadBalancingType || !spec.loadBalancerMode) return spec;
  return { loadBalancingType: isHashMode(spec.loadBalancerMode) ? 'consistentHash' : 'simple', ...spec };
}

const base = 'spec.trafficManagement';

function checkMode(spec: TrafficManagementSpec, issues: Issue[]): void {
  checkModeFitsType(spec, issues);
  checkModeFields(spec, issues);
}

function checkModeFitsType(spec: TrafficManagementSpec, issues: Issue[]): void {
  const { loadBalancingType: type, loadBalancerMode: mode } = spec;
  if (type === 'consistentHash' && !mode) {
    issues.push({
      path: `${base}.loadBalancerMode`,
      message: `is required with consistentHash: one of ${HASH_MODES.join(', ')}`,
    });
  }
  if (type && mode && (type === 'consistentHash') !== isHashMode(mode)) {
    const allowed = type === 'consistentHash' ? HASH_MODES : SIMPLE_MODES;
    issues.push({
      path: `${base}.loadBalancerMode`,
      message: `${mode} is not a ${type} mode; use one of ${allowed.join(', ')}`,
    });
  }
}

function checkRingSize(spec: TrafficManagementSpec, issues: Issue[]): void {
  const mode = spec.loadBalancerMode;
  // Seed 000 lists minimumRingSize among the hash modes, but it sizes the ring; it says nothing to hash on.
  if (mode === 'minimumRingSize') {
    issues.push({
      path: `${base}.loadBalancerMode`,
      message:
        'minimumRingSize sizes the hash ring but says nothing to hash on: choose httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName, and set minimumRingSize beside it',
    });
  }
  if (spec.minimumRingSize !== undefined && !(mode && isHashMode(mode))) {
    issues.push({ path: `${base}.minimumRingSize`, message: 'applies only to consistentHash load balancing' });
  }
}

/** Each hashing mode has its own field: it is required with that mode and refused with any other. */
function checkModeFields(spec: TrafficManagementSpec, issues: Issue[]): void {
  const mode = spec.loadBalancerMode;
  if (
    mode &&
    isHashMode(mode) &&
    mode !== 'useSourceIp' &&
    mode !== 'minimumRingSize' &&
    spec[mode as (typeof HASH_KEY_FIELDS)[number]] === undefined
  ) {
    issues.push({ path: `${base}.${mode}`, message: `is required when loadBalancerMode is ${mode}` });
  }
  for (const field of HASH_KEY_FIELDS) {
    if (spec[field] !== undefined && field !== mode) {
      issues.push({
        path: `${base}.${field}`,
        message: `applies only when loadBalancerMode is ${field} (it is ${mode ?? 'not set'})`,
      });
    }
  }
  checkRingSize(spec, issues);
  for (const field of COOKIE_DETAILS) {
    if (spec[field] !== undefined && mode !== 'httpCookie') {
      issues.push({ path: `${base}.${field}`, message: 'applies only when loadBalancerMode is httpCookie' });
    }
  }
}

export function checkTrafficManagement(spec: TrafficManagementSpec, protocol: string): Issue[] {
  const issues: Issue[] = [];
  checkMode(spec, issues);
  for (const field of ['baseEjectionTime', 'intervalSweep'] as const) {
    const problem = spec[field] === undefined ? undefined : meshDurationProblem(spec[field]);
    if (problem) issues.push({ path: `${base}.${field}`, message: problem });
  }
  const isTcp =
    protocol === 'TCP' || protocol === 'TLS' || protocol === 'MONGO' || protocol === 'MYSQL' || protocol === 'REDIS';
  if (isTcp) {
    for (const field of HTTP_ONLY) {
      if (spec[field] !== undefined)
        issues.push({ path: `${base}.${field}`, message: `is an HTTP setting; the service's protocol is ${protocol}` });
    }
    const mode = spec.loadBalancerMode;
    if (mode && isHashMode(mode) && mode !== 'useSourceIp') {
      issues.push({
        path: `${base}.loadBalancerMode`,
        message: `${mode} hashes HTTP requests; a ${protocol} service can only hash on useSourceIp`,
      });
    }
  }
  return issues;
}
