/**
 * A served database's server compiles every kind's validator before it listens, so no client's
 * first write of a kind holds the event loop while ajv compiles (issue 9); offline rendering, on a
 * throwaway in-memory server, does not pay for it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startServer } from './compose.js';
import { KINDS } from './core/model/registry.js';
import { isCompiled } from './core/validation/check.js';

const compiledKinds = () => KINDS.filter((kind) => isCompiled(kind.schema)).length;

test('an in-memory server leaves validators to their first use; a served one compiles them all first', async () => {
  const offline = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: ':memory:',
    inMemory: true,
    logLevel: 'silent',
  });
  await offline.close();
  expect(compiledKinds()).toBe(0);
  const dataDir = await mkdtemp(join(tmpdir(), 'meshbridge-validators-'));
  try {
    const served = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' });
    await served.close();
    expect(compiledKinds()).toBe(KINDS.length);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
