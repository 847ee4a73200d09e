import { describe, expect, test } from 'vitest';
import { parsePrometheusText } from '../../test-support/prometheus-text.js';
import { createPrometheusMetrics } from './prometheus.js';

describe('Prometheus metrics', () => {
  test('every report moves its metric, and the text is well-formed Prometheus', async () => {
    const metrics = createPrometheusMetrics();
    metrics.operationStarted('instantiate');
    metrics.operationFinished('instantiate', 'succeeded', 1.5);
    metrics.operationStarted('reconcile');
    metrics.operationFinished('reconcile', 'failed', 0.2);
    metrics.callRetried('edge/c1', 'apply', 'unreachable');
    metrics.callRetried('edge/c1', 'apply', 'unreachable');
    metrics.callFailed('edge/c1', 'list', 'forbidden');
    metrics.objectDrifted('edge/c2', 'deleted');
    metrics.reconcilePass(3, 7);
    metrics.rendered('fleet', 0.02);
    metrics.leaseHeld('projects/p/composite-apps/a/v1/deployment-intent-groups/g', true);
    metrics.watchQueue(() => ({ running: 2, waiting: 5 }));
    const text = parsePrometheusText(await metrics.text());
    expect(text.value('meshbridge_operations_started_total', { kind: 'instantiate' })).toBe(1);
    expect(text.value('meshbridge_operations_finished_total', { kind: 'reconcile', outcome: 'failed' })).toBe(1);
    expect(text.value('meshbridge_operation_duration_seconds_sum', { kind: 'instantiate' })).toBe(1.5);
    expect(text.value('meshbridge_operation_duration_seconds_bucket', { kind: 'instantiate', le: '1' })).toBe(0);
    expect(text.value('meshbridge_operation_duration_seconds_bucket', { kind: 'instantiate', le: '2.5' })).toBe(1);
    expect(text.value('meshbridge_cluster_call_retries_total', { cluster: 'edge/c1', call: 'apply' })).toBe(2);
    expect(text.value('meshbridge_cluster_call_failures_total', { cluster: 'edge/c1', reason: 'forbidden' })).toBe(1);
    expect(text.value('meshbridge_drifted_objects_total', { cluster: 'edge/c2', drift: 'deleted' })).toBe(1);
    expect(text.value('meshbridge_reconcile_pass_duration_seconds_count')).toBe(1);
    expect(text.value('meshbridge_reconcile_last_pass_groups')).toBe(7);
    expect(text.value('meshbridge_reconcile_last_pass_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(text.value('meshbridge_render_duration_seconds_count', { scope: 'fleet' })).toBe(1);
    expect(text.value('meshbridge_lease_held')).toBe(1);
    expect(text.value('meshbridge_operations_running')).toBe(2);
    expect(text.value('meshbridge_operations_waiting')).toBe(5);
    expect(text.types.get('meshbridge_operation_duration_seconds')).toBe('histogram');
    expect(text.types.get('meshbridge_operations_waiting')).toBe('gauge');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  test('a lease given up leaves no series', async () => {
    const metrics = createPrometheusMetrics();
    metrics.leaseHeld('g1', true);
    metrics.leaseHeld('g2', true);
    metrics.leaseHeld('g1', false);
    const leases = parsePrometheusText(await metrics.text()).samples.filter(
      (sample) => sample.name === 'meshbridge_lease_held',
    );
    expect(leases).toEqual([{ name: 'meshbridge_lease_held', labels: { group: 'g2' }, value: 1 }]);
  });

  test('two instances keep their figures apart; process metrics only where asked for', async () => {
    const first = createPrometheusMetrics();
    const second = createPrometheusMetrics({ processMetrics: true });
    first.operationStarted('update');
    expect(parsePrometheusText(await first.text()).value('meshbridge_operations_started_total')).toBe(1);
    const other = parsePrometheusText(await second.text());
    expect(other.value('meshbridge_operations_started_total')).toBe(0);
    expect(other.types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(parsePrometheusText(await first.text()).types.has('process_cpu_user_seconds_total')).toBe(false);
  });

  test('the reader refuses what is not the exposition format', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na 1\n')).not.toThrow();
    for (const bad of [
      'a 1',
      '# TYPE a counter\na{b="c} 1',
      '# TYPE a counter\na{b=c} 1',
      '# TYPE a counter\na one',
      '# TYPE a counter\n# TYPE a gauge',
      '# TYPE a countr',
      '# TYPE a counter\na  1',
    ])
      expect(() => parsePrometheusText(bad), bad).toThrow();
    expect(parsePrometheusText('# TYPE a gauge\na{b="x\\"y\\\\z"} +Inf').samples).toEqual([
      { name: 'a', labels: { b: 'x"y\\z' }, value: Infinity },
    ]);
  });
});
