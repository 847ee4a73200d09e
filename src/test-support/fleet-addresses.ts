/** Virtual addresses for generated fleets, allocated as the ledger does (lowest free per cluster), without a database. */
import { addressKey, type AddressClaimOf } from '../core/render/render.js';

// ---------------------------------------------------------------------------
// Virtual addresses without a database

const FIRST_ADDRESS = (240 << 24) >>> 0;
const LAST_ADDRESS = ((240 << 24) | (239 << 16) | (255 << 8) | 254) >>> 0;

function toIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function fromIp(ip: string): number {
  return ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/**
 * What the ledger does, in memory: every claim keeps the address it holds in
 * `previous`; a new claim gets the lowest free address of its cluster from
 * 240.0.0.1, claims served in (cluster, host) order; unclaimed addresses are freed.
 */
export function allocateAddresses(
  claims: readonly Pick<AddressClaimOf, 'cluster' | 'host'>[],
  previous: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const hosts = new Map<string, Set<string>>();
  for (const claim of claims) hosts.set(claim.cluster, (hosts.get(claim.cluster) ?? new Set()).add(claim.host));
  const result = new Map<string, string>();
  for (const cluster of [...hosts.keys()].sort()) {
    const wanted = [...(hosts.get(cluster) as Set<string>)].sort();
    const used = new Set<number>();
    for (const host of wanted) {
      const held = previous.get(addressKey(cluster, host));
      if (held !== undefined) {
        used.add(fromIp(held));
        result.set(addressKey(cluster, host), held);
      }
    }
    let next = FIRST_ADDRESS + 1;
    for (const host of wanted) {
      if (result.has(addressKey(cluster, host))) continue;
      while (used.has(next)) next += 1;
      if (next > LAST_ADDRESS) throw new Error(`the virtual address range of ${cluster} is exhausted`);
      used.add(next);
      result.set(addressKey(cluster, host), toIp(next));
    }
  }
  return result;
}
