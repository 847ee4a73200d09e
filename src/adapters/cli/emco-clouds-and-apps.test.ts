/**
 * What EMCO's own example files for logical clouds (user permissions, instantiate, terminate) and apps (composite
 * profiles, app profiles with their files) leave on the server. That every document of every example is created
 * or accepted, then unchanged, is `src/emco-examples-apply.test.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cli, resultRows, startLiveServer, type LiveServer } from '../../test-support/cli.js';

const ROOT = fileURLToPath(new URL('../../../examples/emco-dtc/', import.meta.url));

/** The files of ORDER up to and including apps.yaml: what comes after is traffic intents and the group's deploy. */
async function filesUpToApps(example: string): Promise<string[]> {
  const order = (await readFile(join(ROOT, example, 'ORDER'), 'utf8')).split(/\s+/).filter(Boolean);
  return order.slice(0, order.indexOf('apps.yaml') + 1);
}

describe.each(['istio_traffic', 'external_access', 'xstream'])('EMCO example %s: clouds and apps', (example) => {
  let server: LiveServer;
  beforeEach(async () => {
    server = await startLiveServer({ reconcileSeconds: 0 });
  });
  afterEach(async () => server?.close());

  const apply = async (file: string) => {
    const folder = join(ROOT, example);
    const run = await cli([
      'apply',
      '-f',
      join(folder, file),
      '-v',
      join(folder, 'values.yaml'),
      '--server',
      server.url,
    ]);
    return { ...run, rows: resultRows(run.stdout) };
  };

  test('the cloud is instantiated, and each app profile keeps its uploaded file', async () => {
    for (const file of await filesUpToApps(example)) expect((await apply(file)).code, file).toBe(0);
    const values = parseYaml(await readFile(join(ROOT, example, 'values.yaml'), 'utf8')) as Record<string, string>;
    const profile = values.CompositeProfile ?? 'collection-composite-profile'; // istio_traffic spells it out
    const project = `/v2/projects/${values.ProjectName}`;
    const status = await server.fetchJson(`${project}/logical-clouds/${values.LogicalCloud}/status`);
    expect(status.body).toMatchObject({ state: 'Instantiated', clusters: [expect.anything(), expect.anything()] });

    const profiles = await server.fetchJson(
      `${project}/composite-apps/${values.CompositeApp}/v1/composite-profiles/${profile}/profiles`,
    );
    expect(profiles.status).toBe(200);
    expect((profiles.body as unknown[]).length).toBe(2);
    const [first] = profiles.body as { metadata: { name: string } }[];
    const download = await fetch(
      `${server.url}${project}/composite-apps/${values.CompositeApp}/v1/composite-profiles/${profile}/profiles/${first?.metadata.name}/file`,
    );
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // the gzip header of the uploaded tar.gz
  });
});

test('istio_traffic: its group names the composite profile and override values and is accepted; terminatelc twice', async () => {
  const server = await startLiveServer({ reconcileSeconds: 0 });
  try {
    const folder = join(ROOT, 'istio_traffic');
    const apply = async (file: string) =>
      cli(['apply', '-f', join(folder, file), '-v', join(folder, 'values.yaml'), '--server', server.url]);
    for (const file of await filesUpToApps('istio_traffic')) expect((await apply(file)).code, file).toBe(0);
    const intents = await apply('intents.yaml');
    expect(resultRows(intents.stdout)[0]).toMatchObject({
      result: 'created',
      name: 'collection-deployment-intent-group',
    });
    const group = await server.fetchJson(
      '/v2/projects/proj1/composite-apps/collection-composite-app/v1/deployment-intent-groups/collection-deployment-intent-group',
    );
    expect(group.body.spec).toMatchObject({
      compositeProfile: 'collection-composite-profile',
      overrideValues: [
        { app: 'http-server', values: { 'image.repository': 'registry.example/my-custom-httptest-server' } },
        { app: 'http-client', values: { 'image.repository': 'registry.example/my-custom-httptest-client' } },
      ],
    });

    const first = await apply('terminatelc.yaml');
    expect(first.code).toBe(0);
    expect(resultRows(first.stdout).map((row) => row.result)).toEqual(['accepted']);
    const second = await cli([
      'apply',
      '-f',
      join(folder, 'terminatelc.yaml'),
      '-v',
      join(folder, 'values.yaml'),
      '--server',
      server.url,
      '-o',
      'json',
    ]);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual([
      expect.objectContaining({ result: 'unchanged', detail: 'the logical cloud is Terminated' }),
    ]);
  } finally {
    await server.close();
  }
});
