/**
 * A bare HTTP call to a fake (no client library), for tests that look at the wire:
 * status codes, Status bodies, headers, discovery documents.
 */
import { DEFAULT_TOKEN } from './server.js';
import type { FakeKube } from './types.js';

export interface RawOptions {
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  contentType?: string;
  /** The bearer token; `null` sends no Authorization header. Default: the fake's default token. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for a plain-text answer (health checks). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function rawRequest(fake: FakeKube, method: string, path: string, options: RawOptions = {}) {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? DEFAULT_TOKEN}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${fake.url}${path}`, { method, headers, body });
  const text = await response.text();
  const json: unknown = response.headers.get('content-type')?.startsWith('application/json')
    ? JSON.parse(text)
    : undefined;
  const result: RawResponse = { status: response.status, headers: response.headers, json, text };
  return result;
}
