/**
 * A second app over a harness's store, with a logger of the test's choosing, so a
 * test can read every log line the API writes for its requests.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../compose.js';
import type { Store } from '../service/store.js';
import type { ApiHarness, ApiResponse } from './api.js';

/** Sends one request to `app` in-process, as `ApiHarness.request` does. */
export async function injectRequest(
  app: FastifyInstance,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await app.inject({
    method: method as 'GET',
    url,
    ...(payload === undefined ? {} : { payload }),
    headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });
  let json: unknown = {};
  try {
    json = response.body === '' ? {} : JSON.parse(response.body);
  } catch {
    json = response.body;
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, json };
}

export interface LoggedApi extends ApiHarness {
  /** Every line logged so far. */
  lines: string[];
}

/**
 * An app on `base.store` logging at `level` into memory. Closing it leaves the store
 * open: `base.close()` still owns it.
 */
export async function loggedApi(base: ApiHarness, level = 'trace'): Promise<LoggedApi> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const shared: Store = Object.create(base.store, { close: { value: async () => {} } });
  const app = await buildApp(shared, { level, stream });
  return {
    app,
    store: base.store,
    lines,
    request: (method, url, body, headers) => injectRequest(app, method, url, body, headers),
    close: () => app.close(),
  };
}
