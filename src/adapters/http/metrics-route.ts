/**
 * `GET /metrics`: the server's metrics in the Prometheus text format. It needs a global read
 * grant when authentication is on (a `viewer` token for Prometheus): unlike the probes, its
 * labels name every cluster and every group of every project (docs/operations.md).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, success } from './openapi.js';

/** Where the text comes from (adapters/metrics implements it). */
export interface MetricsText {
  readonly contentType: string;
  text(): Promise<string>;
}

export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsText): void {
  const schema = {
    tags: ['monitoring'],
    operationId: 'getMetrics',
    summary: 'Operations, reconcile passes, renders, cluster failures, leases and queue depth, for Prometheus',
    response: {
      200: success('The Prometheus text format, version 0.0.4', undefined, {
        content: { 'text/plain': Type.String() },
      }),
      ...errorResponses(),
    },
  };
  // Scraped every few seconds: the request log would drown in it.
  app.get('/metrics', { schema, logLevel: 'warn' }, async (_request, reply) =>
    reply.header('content-type', metrics.contentType).send(await metrics.text()),
  );
}
