/**
 * The `Metrics` port on prom-client, in the Prometheus text format that `/metrics` serves.
 * Each server (each `buildServices`) has a registry of its own, never prom-client's global
 * one, so that several servers in one process (tests) keep their figures apart. Node's
 * process metrics (heap, event loop, CPU) are process-wide and go in one registry shared
 * by the process, made at the first scrape (each one samples the event loop for as long as
 * the process lives). docs/operations.md lists every metric.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterCall, Metrics, OperationKind, OperationOutcome, QueueDepth } from '../../service/metrics.js';

/** Operations run from milliseconds (nothing to do) to minutes (a thousand clusters). */
const OPERATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** Renders: milliseconds for a few clusters, seconds for a large fleet. */
const RENDER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsEndpoint {
  /** The `Content-Type` of `text()`: the Prometheus text format, version 0.0.4. */
  readonly contentType: string;
  text(): Promise<string>;
}

let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface PrometheusOptions {
  /** Node's process metrics too (serve: yes; tests that only count meshbridge's own: no). */
  processMetrics?: boolean;
}

export function createPrometheusMetrics(options: PrometheusOptions = {}): Metrics & MetricsEndpoint {
  const registry = new Registry();
  const registers = [registry];
  let queue: () => QueueDepth = () => ({ running: 0, waiting: 0 });

  const started = new Counter({
    name: 'meshbridge_operations_started_total',
    help: 'Deploy operations started, by what started them (a lifecycle verb, reconcile or refresh).',
    labelNames: ['kind'],
    registers,
  });
  const finished = new Counter({
    name: 'meshbridge_operations_finished_total',
    help: 'Deploy operations finished, by kind and outcome (succeeded, failed: some cluster failed, error: stopped).',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'meshbridge_operation_duration_seconds',
    help: 'How long deploy operations took, from start to the group settled, by kind and outcome.',
    labelNames: ['kind', 'outcome'],
    buckets: OPERATION_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'meshbridge_cluster_call_retries_total',
    help: 'Calls to a cluster that failed and were tried again, by cluster, call and reason.',
    labelNames: ['cluster', 'call', 'reason'],
    registers,
  });
  const failures = new Counter({
    name: 'meshbridge_cluster_call_failures_total',
    help: 'Calls to a cluster that failed for good (after their retries), by cluster, call and reason.',
    labelNames: ['cluster', 'call', 'reason'],
    registers,
  });
  const drifted = new Counter({
    name: 'meshbridge_drifted_objects_total',
    help: 'Objects found changed or deleted by someone else and applied again, by cluster and drift.',
    labelNames: ['cluster', 'drift'],
    registers,
  });
  const passes = new Histogram({
    name: 'meshbridge_reconcile_pass_duration_seconds',
    help: 'How long reconcile passes over every deployed group took.',
    buckets: OPERATION_BUCKETS,
    registers,
  });
  const passGroups = new Gauge({
    name: 'meshbridge_reconcile_last_pass_groups',
    help: 'Groups the last finished reconcile pass went over.',
    registers,
  });
  const lastPass = new Gauge({
    name: 'meshbridge_reconcile_last_pass_timestamp_seconds',
    help: 'When the last reconcile pass finished (Unix time).',
    registers,
  });
  const renders = new Histogram({
    name: 'meshbridge_render_duration_seconds',
    help: 'How long renders took (reading the model, addresses, rendering), by scope: fleet, group, cluster, world, map.',
    labelNames: ['scope'],
    buckets: RENDER_BUCKETS,
    registers,
  });
  const leases = new Gauge({
    name: 'meshbridge_lease_held',
    help: "1 for each group whose operations' lease this replica holds.",
    labelNames: ['group'],
    registers,
  });
  new Gauge({
    name: 'meshbridge_operations_running',
    help: 'Deploy operations running in this process.',
    registers,
    collect() {
      this.set(queue().running);
    },
  });
  new Gauge({
    name: 'meshbridge_operations_waiting',
    help: "Deploy operations waiting: lifecycle requests behind their group's, and groups the running reconcile pass has yet to reach.",
    registers,
    collect() {
      this.set(queue().waiting);
    },
  });

  return {
    contentType: registry.contentType,
    async text() {
      const own = await registry.metrics();
      return options.processMetrics ? `${own}\n${await processMetrics().metrics()}` : own;
    },
    operationStarted: (kind: OperationKind) => started.inc({ kind }),
    operationFinished(kind: OperationKind, outcome: OperationOutcome, seconds: number) {
      finished.inc({ kind, outcome });
      duration.observe({ kind, outcome }, seconds);
    },
    callRetried: (cluster: string, call: ClusterCall, reason: string) => retries.inc({ cluster, call, reason }),
    callFailed: (cluster: string, call: ClusterCall, reason: string) => failures.inc({ cluster, call, reason }),
    objectDrifted: (cluster: string, drift: 'changed' | 'deleted') => drifted.inc({ cluster, drift }),
    reconcilePass(seconds: number, groups: number) {
      passes.observe(seconds);
      passGroups.set(groups);
      lastPass.set(Date.now() / 1000);
    },
    rendered: (scope: string, seconds: number) => renders.observe({ scope }, seconds),
    leaseHeld(group: string, held: boolean) {
      // A lease given up leaves no series behind: `sum(meshbridge_lease_held)` counts the leases held.
      if (held) leases.set({ group }, 1);
      else leases.remove({ group });
    },
    watchQueue(read: () => QueueDepth) {
      queue = read;
    },
  };
}
