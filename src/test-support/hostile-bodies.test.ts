/**
 * The bodies of bench/stall.ts are what they say: the ones "at the limits" pass every size check,
 * so the benchmark makes the server do all its work on them (a body refused early costs little).
 */
import { expect, test } from 'vitest';
import { countMarks, KUBECONFIG_MARKS } from '../core/model/kubeconfig.js';
import { clusterKind } from '../core/model/infrastructure.js';
import { prepareBody } from '../core/model/prepare.js';
import { scanJsonShape } from '../core/validation/json-shape.js';
import { LIMITS } from '../core/validation/limits.js';
import { hostileBodies } from './hostile-bodies.js';

const bodies = hostileBodies();
const named = (what: string) => bodies.find((body) => body.what === what)!;

test('the bodies past a limit are refused by the scan of their text; the others pass it', () => {
  const passing = bodies.filter((body) => scanJsonShape(body.body).length === 0).map((body) => body.what);
  expect(passing).toEqual([
    'a document at every limit',
    'a kubeconfig of 3,000 users',
    'a kubeconfig as intricate as allowed',
  ]);
});

test('the kubeconfig as intricate as allowed is at both of its limits, and stored', () => {
  const raw = JSON.parse(named('a kubeconfig as intricate as allowed').body);
  const text = raw.spec.kubeconfig as string;
  expect(countMarks(text)).toBeLessThanOrEqual(KUBECONFIG_MARKS);
  expect(countMarks(text)).toBeGreaterThan(KUBECONFIG_MARKS - 10);
  expect(text.length).toBeLessThanOrEqual(LIMITS.stringLength);
  expect(text.length).toBeGreaterThan(LIMITS.stringLength - 1000);
  const context = { parentKey: 'cluster-providers/edge', params: { clusterProvider: 'edge' } };
  expect(prepareBody(clusterKind, raw, context).spec).toHaveProperty('kubeconfig', text);
});
