/** What the benchmarks share: the synthetic fleet's size flags and the median they print. */

/** `--clusters --services --edges --seed` of `src/test-support/fleet.ts`'s generated fleet, as `parseArgs` options. */
export const FLEET_SIZE_OPTIONS = {
  clusters: { type: 'string', default: '100' },
  services: { type: 'string', default: '2000' },
  edges: { type: 'string', default: '10000' },
  seed: { type: 'string', default: '1' },
} as const;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
