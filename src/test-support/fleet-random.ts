/** Deterministic randomness and canonical bodies for generated fleets. */
import type { KindName } from '../core/model/kind.js';
import { prepareBody } from '../core/model/prepare.js';
import { kindOf, paramsFromKey } from '../core/model/registry.js';
import type { SnapshotRecord } from '../core/render/snapshot.js';

// ---------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, and the same sequence on every platform. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** `count` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(this.int(pool.length), 1)[0] as T);
    return out;
  }
}

// ---------------------------------------------------------------------------
// Canonical records

/** A record whose body went the way a written body goes: normalized, completed, checked. */
export function canonicalRecord(kindName: KindName, key: string, raw: unknown): SnapshotRecord {
  const kind = kindOf(kindName);
  const at = key.lastIndexOf(`/${kind.segment}/`);
  const parentKey = at < 0 ? null : key.slice(0, at);
  return { key, body: prepareBody(kind, raw, { parentKey, params: paramsFromKey(kind, key) }) };
}

export const PEM_CERTIFICATE =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZmFrZWNlcnQ=\n-----END CERTIFICATE-----\n';
export const PEM_PRIVATE_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGZmFrZWtleQ==\n-----END PRIVATE KEY-----\n';

export const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC']);
const SIMPLE_MODES = ['LEAST_REQUEST', 'LEAST_CONN', 'ROUND_ROBIN', 'RANDOM', 'PASSTHROUGH'] as const;
const HTTP_HASH_MODES = ['httpCookie', 'httpHeaderName', 'useSourceIp', 'httpQueryParameterName'] as const;
const HASH_FIELD: Record<string, string> = {
  httpCookie: 'user',
  httpHeaderName: 'x-session',
  httpQueryParameterName: 'session',
};

function loadBalancing(rng: Random, http: boolean, tm: Record<string, unknown>): void {
  const choice = rng.int(3);
  if (choice === 1) {
    // Seed 000 omits loadBalancingType and lets the mode say it.
    if (rng.chance(0.5)) tm.loadBalancingType = 'simple';
    tm.loadBalancerMode = rng.pick(SIMPLE_MODES);
  } else if (choice === 2) {
    const mode = http ? rng.pick(HTTP_HASH_MODES) : 'useSourceIp';
    tm.loadBalancingType = 'consistentHash';
    tm.loadBalancerMode = mode;
    if (HASH_FIELD[mode]) tm[mode] = `${HASH_FIELD[mode]}${rng.int(10)}`;
    if (mode === 'httpCookie' && rng.chance(0.3)) tm.httpCookieTtl = rng.pick(['10s', '1h']);
    if (mode === 'httpCookie' && rng.chance(0.3)) tm.httpCookiePath = '/';
    if (rng.chance(0.3)) tm.minimumRingSize = rng.pick([1024, 4096]);
  }
}

/** A traffic management body valid for the protocol (HTTP-only settings only on HTTP ones), or undefined. */
export function randomTrafficManagement(rng: Random, protocol: string): Record<string, unknown> | undefined {
  const http = HTTP_PROTOCOLS.has(protocol);
  const tm: Record<string, unknown> = {};
  loadBalancing(rng, http, tm);
  if (rng.chance(0.5)) {
    tm.maxConnections = rng.between(1, 1000);
    if (http) tm.concurrentHttp2Requests = rng.between(1, 2000);
    if (http && rng.chance(0.5)) tm.httpRequestPerConnection = rng.between(1, 200);
  }
  if (rng.chance(0.5)) {
    tm.consecutiveErrors = rng.between(1, 10);
    tm.intervalSweep = rng.pick(['5m', '30s', '1.5s']);
    // A bare number is minutes, as seed 000 writes it.
    tm.baseEjectionTime = rng.pick<string | number>([15, '30s', '2m']);
    if (rng.chance(0.3)) tm.maxEjectionPercent = rng.between(0, 100);
  }
  return Object.keys(tm).length > 0 ? tm : undefined;
}
