/**
 * A second app over a harness's store, with a logger of the test's choosing, so a
 * test can read every log line the API writes for its requests.
 */
import { Writable } from 'node:stream';
import { buildApp } from '../compose.js';
import type { Store } from '../service/store.js';
import { injectRequest, type ApiHarness } from './api.js';

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
  const app = await buildApp({ ...base.database, store: shared }, { level, stream });
  return {
    app,
    store: base.store,
    database: base.database,
    lines,
    request: (method, url, body, headers) => injectRequest(app, method, url, body, headers),
    close: () => app.close(),
  };
}
