/** The pure parts of the lifecycle commands: group paths, the status table, the progress views and the diff. */
import { describe, expect, test } from 'vitest';
import type { ClusterStatus, GroupStatus, ObjectStatus } from '../../core/deploy/status.js';
import { colorPatch, formatDiff } from './diff-view.js';
import { parseGroup, UsageError } from './group-path.js';
import { BarProgress, PlainProgress } from './progress.js';
import { clusterLine, formatStatus, progressBar, statusOk } from './status-view.js';

const STARTED = '2026-11-22T10:00:00.000Z';
const LATER = '2026-11-22T10:00:01.500Z';
const EARLIER = '2026-11-21T09:00:00.000Z';

function object(name: string, state: ObjectStatus['state'], extra: Partial<ObjectStatus> = {}): ObjectStatus {
  return { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'ns1', name, state, ...extra };
}

function cluster(name: string, objects: ObjectStatus[], extra: Partial<ClusterStatus> = {}): ClusterStatus {
  const counts = { pending: 0, applied: 0, failed: 0, removing: 0 };
  for (const item of objects) counts[item.state]++;
  const state = objects.some((item) => item.state === 'failed')
    ? 'failed'
    : objects.every((item) => item.state === 'applied')
      ? objects.length === 0
        ? 'removed'
        : 'applied'
      : 'pending';
  return { cluster: name, target: 'kubernetes', state, revision: 1, lastTried: LATER, counts, objects, ...extra };
}

function group(clusters: ClusterStatus[], extra: Partial<GroupStatus> = {}): GroupStatus {
  const summary = {
    clusters: clusters.length,
    clustersFailed: 0,
    objects: 0,
    pending: 0,
    applied: 0,
    failed: 0,
    removing: 0,
  };
  for (const item of clusters) {
    if (item.state === 'failed') summary.clustersFailed++;
    summary.objects += item.objects.length;
    for (const key of ['pending', 'applied', 'failed', 'removing'] as const) summary[key] += item.counts[key];
  }
  return {
    group: 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig',
    state: 'Instantiating',
    approved: true,
    revision: 1,
    latestRevision: 1,
    operation: { action: 'instantiate', revision: 1, startedAt: STARTED, status: 'running' },
    summary,
    clusters,
    ...extra,
  };
}

const applied = (count: number, prefix = 'o') =>
  Array.from({ length: count }, (_, index) => object(`${prefix}${index}`, 'applied'));
const pending = (count: number, prefix = 'p') =>
  Array.from({ length: count }, (_, index) => object(`${prefix}${index}`, 'pending'));

describe('group paths', () => {
  const long = 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';
  const path = `/v2/${long}`;

  test.each([long, `/v2/${long}`, `v2/${long}`, `/${long}/`, 'p/ca/v1/dig', ' p/ca/v1/dig/ '])('%s', (input) => {
    expect(parseGroup(input)).toEqual({
      project: 'p',
      compositeApp: 'ca',
      version: 'v1',
      group: 'dig',
      path,
      short: 'p/ca/v1/dig',
    });
  });

  test.each([
    '',
    'p/ca/dig',
    'p/ca/v1/dig/extra',
    'projects/p/composite-apps/ca',
    'projects/p/apps/ca/v1/deployment-intent-groups/dig',
    `${long}/status`,
    'p//v1/dig',
    'p/c a/v1/dig',
    'p/ca/v1/dig?x=1',
  ])('%j is refused with the forms it takes', (input) => {
    expect(() => parseGroup(input)).toThrow(UsageError);
    expect(() => parseGroup(input)).toThrow(/deployment-intent-groups\/<group>.*<project>\/<app>\/<version>\/<group>/);
  });
});

describe('progress bar', () => {
  test('clusters done out of all, objects applied out of all', () => {
    const status = group([
      cluster('edge/c1', applied(4)),
      cluster('edge/c2', applied(4)),
      cluster('edge/c3', applied(4)),
      cluster('edge/c4', pending(4)),
      cluster('edge/c5', pending(4)),
    ]);
    expect(progressBar(status, 3, 5)).toBe('[############--------] 3/5 clusters  12/20 objects applied');
    expect(progressBar(status, 3, 5, 10)).toBe('[######----] 3/5 clusters  12/20 objects applied');
  });

  test('failed objects are counted; nothing to do is a full bar once done', () => {
    const failing = group([cluster('edge/c1', [object('a', 'applied'), object('b', 'failed', { error: 'boom' })])]);
    expect(progressBar(failing, 1, 1, 10)).toBe('[##########] 1/1 clusters  1/2 objects applied, 1 failed');
    const empty = group([], { operation: { action: 'update', revision: 2, startedAt: STARTED, status: 'succeeded' } });
    expect(progressBar(empty, 0, 0, 10)).toBe('[##########] 0/0 clusters  0/0 objects applied');
  });

  test('terminate counts what is left to remove', () => {
    const status = group([cluster('edge/c1', [object('a', 'removing'), object('b', 'removing')])], {
      operation: { action: 'terminate', revision: 1, startedAt: STARTED, status: 'running' },
    });
    expect(progressBar(status, 0, 2, 10)).toBe('[----------] 0/2 clusters  2 objects left to remove');
  });
});

describe('progress views', () => {
  const frames = () => {
    const written: string[] = [];
    return { written, terminal: { isTTY: true, write: (text: string) => void written.push(text) } };
  };

  test('a terminal gets one line redrawn with \\r, failures above it, and a newline at the end', () => {
    const { written, terminal } = frames();
    const view = new BarProgress(terminal);
    const c2Pending = cluster('edge/c2', pending(2));
    view.update(group([cluster('edge/c1', pending(2)), c2Pending]));
    view.update(group([cluster('edge/c1', applied(2)), c2Pending]));
    const failed = cluster('edge/c2', [object('x', 'failed', { error: 'boom', reason: 'server-error' })], {
      error: 'edge/c2: apply ServiceEntry/ns1/x: boom',
      reason: 'server-error',
    });
    view.finish(
      group([cluster('edge/c1', applied(2)), failed], {
        operation: { action: 'instantiate', revision: 1, startedAt: STARTED, status: 'failed', finishedAt: LATER },
      }),
    );
    expect(written).toEqual([
      '\r[--------------------] 0/2 clusters  0/4 objects applied\x1b[K',
      '\r[##########----------] 1/2 clusters  2/4 objects applied\x1b[K',
      '\r\x1b[Kedge/c2 failed: server-error: edge/c2: apply ServiceEntry/ns1/x: boom\n' +
        '\r[####################] 2/2 clusters  2/3 objects applied, 1 failed\x1b[K',
      '\n',
    ]);
  });

  test('plain lines: one per cluster as it settles, none for clusters settled before the operation', () => {
    const lines: string[] = [];
    const view = new PlainProgress((line) => lines.push(line), ['edge/old']);
    const stale = cluster('edge/c0', applied(1), { lastTried: EARLIER });
    view.update(group([stale, cluster('edge/c1', pending(2)), cluster('edge/old', pending(1))]));
    view.update(group([stale, cluster('edge/c1', applied(2)), cluster('edge/old', pending(1))]));
    view.update(group([stale, cluster('edge/c1', applied(2)), cluster('edge/old', pending(1))]));
    view.finish(
      group([cluster('edge/c0', applied(1)), cluster('edge/c1', applied(2))], {
        operation: { action: 'update', revision: 2, startedAt: STARTED, status: 'succeeded', finishedAt: LATER },
      }),
    );
    expect(lines).toEqual(['edge/c1 applied (2 objects)', 'edge/c0 applied (1 object)', 'edge/old removed']);
  });

  test('a failed cluster names the reason, or the first failed object', () => {
    const unreachable = cluster('edge/c2', pending(3), {
      state: 'failed',
      error: 'connect ECONNREFUSED 127.0.0.1:1234',
      reason: 'unreachable',
    });
    expect(clusterLine(unreachable)).toBe('edge/c2 failed: unreachable: connect ECONNREFUSED 127.0.0.1:1234');
    const objects = cluster('edge/c3', [
      object('a', 'failed', { error: 'denied', reason: 'forbidden' }),
      object('b', 'failed', { error: 'denied', reason: 'forbidden' }),
    ]);
    expect(clusterLine(objects)).toBe('edge/c3 failed: ServiceEntry ns1/a: forbidden: denied (and 1 more)');
  });
});

describe('status table', () => {
  const done = {
    action: 'instantiate' as const,
    revision: 1,
    startedAt: STARTED,
    status: 'succeeded' as const,
    finishedAt: LATER,
  };

  test('group lines, a row per cluster, the objects that need a look (drift marked)', () => {
    const status = group(
      [
        cluster(
          'edge/c1',
          [object('a', 'applied', { drift: { kind: 'changed', detectedAt: LATER } }), object('b', 'applied')],
          { drift: { objects: 1, lastDetectedAt: LATER } },
        ),
        cluster('edge/c2', [object('x', 'failed', { error: 'injected', reason: 'server-error' })], {
          error: 'boom',
          reason: 'server-error',
        }),
      ],
      { state: 'InstantiateFailed', operation: { ...done, status: 'failed' }, changed: true },
    );
    const text = formatStatus(status, 'p/ca/v1/dig');
    expect(text).toContain('group: p/ca/v1/dig');
    expect(text).toContain('state: InstantiateFailed, approved; revision 1 (latest 1)');
    expect(text).toContain('operation: instantiate of revision 1 failed (finished 2026-11-22T10:00:01Z)');
    expect(text).toContain('changed: yes — run meshbridge update p/ca/v1/dig');
    expect(text).toContain('clusters: 2 (1 failed); objects: 3 (2 applied, 0 pending, 1 failed, 0 removing)');
    const lines = text.split('\n');
    expect(lines.find((line) => line.startsWith('CLUSTER'))).toMatch(
      /^CLUSTER\s+TARGET\s+STATE\s+APPLIED\s+PENDING\s+FAILED\s+REMOVING\s+DRIFTED\s+LAST TRIED\s+ERROR$/,
    );
    expect(lines.find((line) => line.startsWith('edge/c1 '))).toMatch(
      /^edge\/c1\s+kubernetes\s+applied\s+2\s+0\s+0\s+0\s+1 \(2026-11-22T10:00:01Z\)\s+2026-11-22T10:00:01Z$/,
    );
    expect(lines.find((line) => line.startsWith('edge/c2 '))).toMatch(
      /failed\s+0\s+0\s+1\s+0\s+-\s+\S+\s+server-error: boom$/,
    );
    expect(lines.find((line) => line.includes('ServiceEntry ns1/a'))).toMatch(
      /applied\s+changed by hand 2026-11-22T10:00:01Z/,
    );
    expect(lines.find((line) => line.includes('ServiceEntry ns1/x'))).toMatch(/failed\s+-\s+server-error: injected$/);
    expect(lines.some((line) => line.includes('ServiceEntry ns1/b'))).toBe(false);
    expect(statusOk(status)).toBe(false);
  });

  test('all applied is ok; a never-deployed group is ok; a running operation is not', () => {
    const fine = group([cluster('edge/c1', applied(2))], { state: 'Instantiated', operation: done, changed: false });
    expect(formatStatus(fine, 'p/ca/v1/dig')).toContain('changed: no');
    expect(statusOk(fine)).toBe(true);
    const fresh = group([], { state: 'Created', approved: false, revision: 0, latestRevision: 0 });
    delete fresh.operation;
    expect(formatStatus(fresh, 'p/ca/v1/dig')).toContain('operation: none yet');
    expect(statusOk(fresh)).toBe(true);
    expect(statusOk(group([cluster('edge/c1', applied(2))]))).toBe(false);
  });
});

describe('diff', () => {
  const patch = '--- a/x.yaml\n+++ b/x.yaml\n@@ -1,2 +1,2 @@\n same\n-old\n+new\n';
  const diff = {
    revision: 1,
    clusters: [{ cluster: 'edge/c1', create: [], change: ['ServiceEntry/ns1/x'], delete: [], patch }],
  };

  test('a line per cluster, then the patch; coloured only when asked', () => {
    expect(formatDiff(diff, false)).toBe(`edge/c1: 0 to create, 1 to change, 0 to delete\n\n${patch.trimEnd()}`);
    const colored = formatDiff(diff, true);
    expect(colored).toContain('\x1b[32m+new\x1b[0m');
    expect(colored).toContain('\x1b[31m-old\x1b[0m');
    expect(colored).toContain('\x1b[36m@@ -1,2 +1,2 @@\x1b[0m');
    expect(colored).toContain('\x1b[1m+++ b/x.yaml\x1b[0m');
    expect(colorPatch(' same')).toBe(' same');
  });

  test('no change says so', () => {
    expect(formatDiff({ revision: 3, clusters: [] }, true)).toBe(
      'no changes: the clusters have what the intents render (revision 3)',
    );
  });
});
