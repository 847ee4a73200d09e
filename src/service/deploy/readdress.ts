/**
 * A rollback restores an earlier revision's objects, but not its virtual addresses:
 * since then an address may have been freed and given to another service in the
 * same cluster. Each restored client ServiceEntry gets the address the ledger holds
 * for its host now (claiming one if needed), so addresses stay unique per cluster.
 */
import { heldAddress } from '../../core/deploy/entries.js';
import type { RenderedObject } from '../../core/render/objects.js';
import { addressKey, type AddressClaim } from '../address-ledger.js';

export async function readdressed(
  clusters: Record<string, RenderedObject[]>,
  sync: (claims: AddressClaim[]) => Promise<Map<string, string>>,
): Promise<Record<string, RenderedObject[]>> {
  const claims: AddressClaim[] = [];
  for (const [cluster, objects] of Object.entries(clusters)) {
    for (const object of objects) {
      const holds = heldAddress(object);
      if (holds) claims.push({ cluster, host: holds.host, owner: 'rollback' });
    }
  }
  if (claims.length === 0) return clusters;
  const addresses = await sync(claims);
  const result: Record<string, RenderedObject[]> = {};
  for (const [cluster, objects] of Object.entries(clusters)) {
    result[cluster] = objects.map((object) => {
      const holds = heldAddress(object);
      const address = holds ? addresses.get(addressKey(cluster, holds.host)) : undefined;
      if (!holds || address === undefined || address === holds.address) return object;
      return { ...object, spec: { ...object.spec, addresses: [address] } };
    });
  }
  return result;
}
