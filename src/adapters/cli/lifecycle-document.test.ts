/**
 * Lifecycle documents in emcoctl files: `apply` POSTs them (202 → `accepted`), a second
 * run reports `unchanged` where the group is already there, `delete` skips them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cli, resultRows, type LiveServer } from '../../test-support/cli.js';
import { startSeededServer } from '../../test-support/seeded-server.js';
import type { FakeKube } from '../../test-support/fake-kube/index.js';
import { alreadyDone, lifecycleVerbOf } from './lifecycle-document.js';

const GROUP_ANCHOR = 'projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc01-group';
const lifecycle = (verb: string) => `version: emco/v2\nresourceContext:\n  anchor: ${GROUP_ANCHOR}/${verb}\n`;

describe('which documents are lifecycle documents', () => {
  test('an anchor ending in a verb, without metadata', () => {
    expect(lifecycleVerbOf({ anchor: `${GROUP_ANCHOR}/approve`, body: {} })).toBe('approve');
    expect(lifecycleVerbOf({ anchor: 'projects/p/logical-clouds/lc/instantiate', body: {} })).toBe('instantiate');
    expect(lifecycleVerbOf({ anchor: `${GROUP_ANCHOR}/rollback`, body: { revision: 1 } })).toBe('rollback');
    expect(lifecycleVerbOf({ anchor: 'projects', body: { metadata: { name: 'approve' } } })).toBeUndefined();
    expect(lifecycleVerbOf({ anchor: 'projects/p/approve', body: { metadata: { name: 'x' } } })).toBeUndefined();
    expect(lifecycleVerbOf({ anchor: `${GROUP_ANCHOR}/status`, body: {} })).toBeUndefined();
  });

  test('a verb is needless only where the group already is', () => {
    expect(alreadyDone('approve', { state: 'Approved', approved: true })).toBe(true);
    expect(alreadyDone('approve', { state: 'Created', approved: false })).toBe(false);
    expect(alreadyDone('instantiate', { state: 'Instantiated', approved: true })).toBe(true);
    expect(alreadyDone('instantiate', { state: 'Approved', approved: true })).toBe(false);
    expect(alreadyDone('instantiate', { state: 'Terminated', approved: true })).toBe(false);
    expect(alreadyDone('terminate', { state: 'Terminated' })).toBe(true);
    expect(alreadyDone('terminate', { state: 'Instantiated' })).toBe(false);
    expect(alreadyDone('update', { state: 'Instantiated' })).toBe(false);
  });
});

describe('apply -f with approve and instantiate documents', () => {
  let server: LiveServer;
  let fakes: FakeKube[];
  let dir: string;

  beforeEach(async () => {
    const seeded = await startSeededServer('seed-two-clouds.yaml');
    server = seeded.server;
    const fleet = seeded.fleet;
    fakes = [...fleet.values()];
    dir = await mkdtemp(join(tmpdir(), 'meshbridge-lifecycle-'));
  });

  afterEach(async () => {
    await server.close();
    await Promise.all(fakes.map((fake) => fake.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const fileOf = async (text: string) => {
    const path = join(dir, `file-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(path, text);
    return path;
  };
  const run = (...args: string[]) => cli([...args, '--server', server.url]);
  const state = async () =>
    (await server.fetchJson(`/v2/${GROUP_ANCHOR}/status?changes=false`)).body as { state: string };

  test('202 is accepted; a second run is unchanged, not failed', async () => {
    const file = await fileOf(`${lifecycle('approve')}---\n${lifecycle('instantiate')}`);
    const first = await run('apply', '-f', file);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(resultRows(first.stdout).map((row) => [row.result, row.name])).toEqual([
      ['accepted', 'lc01-group'],
      ['accepted', 'lc01-group'],
    ]);
    expect(first.stdout).toContain('2 accepted');
    expect(['Instantiating', 'Instantiated']).toContain((await state()).state);

    const second = await run('apply', '-f', file, '-o', 'json');
    expect(second.code).toBe(0);
    const results = JSON.parse(second.stdout) as { result: string; detail?: string }[];
    expect(results.map((result) => result.result)).toEqual(['unchanged', 'unchanged']);
    expect(results[1]?.detail).toMatch(/^the group is Instantiat/);
  });

  test('instantiate before approve fails with the server’s reason', async () => {
    const result = await run('apply', '-f', await fileOf(lifecycle('instantiate')));
    expect(result.code).toBe(1);
    expect(resultRows(result.stdout)[0]?.result).toBe('failed');
    expect(result.stderr).toContain('409 cannot instantiate: the group is not approved');
  });

  test('terminate of a group with nothing deployed is unchanged; delete -f skips lifecycle documents', async () => {
    const terminate = await run('apply', '-f', await fileOf(lifecycle('terminate')));
    expect(terminate.code).toBe(0);
    expect(resultRows(terminate.stdout)[0]?.result).toBe('unchanged');

    const deleted = await run('delete', '-f', await fileOf(lifecycle('approve')));
    expect(deleted.code).toBe(0);
    expect(resultRows(deleted.stdout)[0]?.result).toBe('skipped');
    expect((await state()).state).toBe('Created');
  });

  test('a verb the server does not know (stop) is failed, naming its answer', async () => {
    const result = await run('apply', '-f', await fileOf(lifecycle('stop')));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/document 1 \(lc01-group\): 404/);
  });
});
