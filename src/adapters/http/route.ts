/**
 * A route as data: method, URL pattern, OpenAPI schema and what it does, from the
 * request's parts to the answer. Fastify serves these (`serveRoutes`); the in-process
 * API (`in-process.ts`, offline rendering) runs the same ones without a server, so
 * both answer a request alike: one piece for the mapping from paths to services.
 * Nothing here loads Fastify (its types only).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { readDocument, type RequestDocument } from './body.js';

export interface RouteInput {
  /** Path parameters, decoded. */
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  ifMatch: string | undefined;
  /** The request's document; throws the body's errors (empty, not JSON, too large) when asked for. */
  document(): Promise<RequestDocument>;
}

export interface Answer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** JSON-able, a string (YAML) or a Buffer (a file); none for 204. */
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify's pattern: `/v2/projects/:project`. */
  url: string;
  schema: FastifySchema;
  run(input: RouteInput): Promise<Answer>;
}

function ifMatchOf(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  return Array.isArray(header) ? header.join(',') : header;
}

export function sendAnswer(reply: FastifyReply, answer: Answer) {
  reply.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  return reply.send(answer.body);
}

export function serveRoutes(app: FastifyInstance, routes: readonly Route[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      schema: route.schema,
      handler: async (request, reply) =>
        sendAnswer(
          reply,
          await route.run({
            params: request.params as Record<string, string>,
            query: request.query as Record<string, string | undefined>,
            ifMatch: ifMatchOf(request),
            document: () => readDocument(request),
          }),
        ),
    });
  }
}
