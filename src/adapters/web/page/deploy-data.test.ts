import { describe, expect, it } from 'vitest';
import { fromStatus, groupPath, groupsOf, pollDelay } from './deploy-data.js';

const key = { project: 'demo', compositeApp: 'blue app', version: 'v1', group: 'lc01-group' };

describe('the deploy view data', () => {
  it('shows a cluster with objects put back after a hand edit as drift, and a failure with its reason', () => {
    const group = fromStatus({ ...key, extra: 'ignored' } as typeof key, {
      state: 'Instantiated',
      operation: { action: 'instantiate', status: 'succeeded' },
      clusters: [
        { cluster: 'edge/cluster01', state: 'applied', drift: { objects: 1 } },
        { cluster: 'edge/cluster02', state: 'failed', error: 'connection refused' },
        { cluster: 'edge/cluster03', state: 'pending' },
      ],
    });
    expect(group).toEqual({
      ...key,
      state: 'Instantiated',
      operation: { kind: 'instantiate', state: 'succeeded' },
      clusters: [
        { cluster: 'edge/cluster01', state: 'drift', reason: null },
        { cluster: 'edge/cluster02', state: 'failed', reason: 'connection refused' },
        { cluster: 'edge/cluster03', state: 'pending', reason: null },
      ],
    });
    expect(pollDelay({ groups: [group] })).toBe(1_000);
    expect(pollDelay({ groups: [{ ...group, clusters: group.clusters.slice(0, 2) }] })).toBe(5_000);
  });

  it('lists each group of the map once and names its path, every part encoded', () => {
    expect(groupsOf([key, { ...key }, { ...key, group: 'lc02-group' }])).toEqual([
      key,
      { ...key, group: 'lc02-group' },
    ]);
    expect(groupPath(key)).toBe('/v2/projects/demo/composite-apps/blue%20app/v1/deployment-intent-groups/lc01-group');
  });
});
