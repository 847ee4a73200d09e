/**
 * `meshbridge approve | instantiate | update | terminate | rollback | deploy | status |
 * diff | revisions` in-process against a real HTTP server whose Kubernetes target
 * deploys to two fake API servers (one per cluster of examples/seed-two-clouds.yaml).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { GroupStatus } from '../../core/deploy/status.js';
import { cli, type CliRun, type LiveServer } from '../../test-support/cli.js';
import { startSeededServer } from '../../test-support/seeded-server.js';
import type { FakeKube, KubeObject } from '../../test-support/fake-kube/index.js';

const GROUP = 'demo/blue-app/v1/lc01-group';
const GROUP_PATH = '/v2/projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc01-group';
const PRODUCTPAGE_INBOUND =
  '/v2/projects/demo/composite-apps/blue-app/v1/traffic-intent-set/inbound-intents/productpage-inbound';
const CLUSTERS = ['cluster01', 'cluster02'] as const;

let server: LiveServer;
let fakes: Record<(typeof CLUSTERS)[number], FakeKube>;

beforeEach(async () => {
  const seeded = await startSeededServer('seed-two-clouds.yaml');
  server = seeded.server;
  const fleet = seeded.fleet;
  fakes = { cluster01: fleet.get('edge/cluster01') as FakeKube, cluster02: fleet.get('edge/cluster02') as FakeKube };
});

afterEach(async () => {
  await server.close();
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
});

/** `meshbridge <args> --server <the test server>` */
const run = (...args: string[]) => cli([...args, '--server', server.url]);

const managed = (fake: FakeKube) =>
  fake.objects().filter((object) => object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'meshbridge');
const idOf = (object: { kind: string; namespace?: string; name: string }) =>
  `${object.kind}/${object.namespace ?? ''}/${object.name}`;
const liveIds = (fake: FakeKube) =>
  managed(fake)
    .map((object: KubeObject) => idOf({ ...object, ...object.metadata }))
    .sort();
const writes = (fake: FakeKube) => fake.calls.filter((call) => !['GET', 'HEAD'].includes(call.method));

async function status(): Promise<GroupStatus> {
  return (await server.fetchJson(`${GROUP_PATH}/status`)).body as GroupStatus;
}

function ok(result: CliRun): CliRun {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

async function deployed(): Promise<void> {
  ok(await run('approve', GROUP));
  ok(await run('instantiate', GROUP, '--wait'));
}

/** Changes who may call productpage: lc01-group's AuthorizationPolicy on cluster01 changes. */
async function changeIntent(path = '/assets*'): Promise<void> {
  const current = await server.fetchJson(PRODUCTPAGE_INBOUND);
  const body = current.body as { metadata: unknown; spec: Record<string, unknown> };
  const spec = { ...body.spec, serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: path } } };
  const response = await server.fetchJson(PRODUCTPAGE_INBOUND, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: body.metadata, spec }),
  });
  expect(response.status).toBeLessThan(300);
}

const policyPaths = () =>
  JSON.stringify(
    managed(fakes.cluster01)
      .filter((object) => object.kind === 'AuthorizationPolicy')
      .map((object) => object.spec),
  );

describe('the group argument', () => {
  test('the long form, with or without /v2/, and the short form name the same group', async () => {
    for (const form of [GROUP, GROUP_PATH, GROUP_PATH.slice(1), GROUP_PATH.replace('/v2/', '')]) {
      const result = ok(await run('status', form, '-o', 'json'));
      expect(JSON.parse(result.stdout).group, form).toBe(GROUP_PATH.replace('/v2/', ''));
    }
  });

  test('a wrong form is exit 2 with the forms it takes, and nothing is sent', async () => {
    for (const form of [
      'demo/blue-app/lc01-group',
      'projects/demo/composite-apps/blue-app',
      'demo/blue-app/v1/lc 01',
    ]) {
      const result = await run('approve', form);
      expect(result.code, form).toBe(2);
      expect(result.stderr).toMatch(
        /^error: ".*" is not a deployment intent group.*<project>\/<app>\/<version>\/<group>/,
      );
    }
    expect((await status()).approved).toBe(false);
  });

  test('usage mistakes commander finds are exit 2 too; --help is 0', async () => {
    expect((await run('instantiate')).code).toBe(2);
    expect((await run('instantiate', GROUP, '--wait', '--timeout', 'soon')).code).toBe(2);
    expect((await run('status', GROUP, '-o', 'xml')).code).toBe(2);
    const help = await run('deploy', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
    expect(help.stdout).toContain('Exit status');
  });

  test('a group that does not exist is the server’s 404: exit 1', async () => {
    const result = await run('status', 'demo/blue-app/v1/no-such-group');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^404 /);
  });
});

describe('approve, instantiate --wait', () => {
  test('plain lines per cluster, a summary, exit 0, and every object applied in the fakes', async () => {
    const approved = ok(await run('approve', GROUP));
    expect(approved.stdout).toBe(`approved: ${GROUP} is Approved`);

    const result = ok(await run('instantiate', GROUP, '--wait'));
    const after = await status();
    expect(after.state).toBe('Instantiated');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('instantiate of revision 1 started (Instantiating)');
    for (const cluster of after.clusters) {
      expect(lines).toContain(`${cluster.cluster} applied (${cluster.objects.length} objects)`);
      const fake = fakes[cluster.cluster.replace('edge/', '') as 'cluster01'];
      expect(liveIds(fake)).toEqual(cluster.objects.map(idOf).sort());
      expect(cluster.objects.length).toBeGreaterThan(0);
    }
    expect(lines.at(-1)).toBe(
      `instantiate of revision 1 succeeded: 2 clusters, ${after.summary.objects} objects applied`,
    );
    expect(result.stdout).not.toContain('\r');
  });

  test('in a terminal: a progress bar redrawn with \\r, then the summary', async () => {
    ok(await run('approve', GROUP));
    const result = await cli(['instantiate', GROUP, '--wait', '--server', server.url], {}, { tty: true });
    expect(result.code).toBe(0);
    const objects = (await status()).summary.objects;
    expect(result.terminal).toMatch(/^\r\[[#-]{20}\] \d\/2 clusters {2}\d+\/\d+ objects applied/);
    expect(result.terminal).toContain(
      `\r[####################] 2/2 clusters  ${objects}/${objects} objects applied\x1b[K\n`,
    );
    expect(result.stdout).toContain('instantiate of revision 1 succeeded');
    expect(result.stdout).not.toMatch(/applied \(\d+ objects\)/);
  });

  test('without --wait it answers at once and says how to follow', async () => {
    ok(await run('approve', GROUP));
    const result = ok(await run('instantiate', GROUP));
    expect(result.stdout).toBe(
      `instantiate of revision 1 started (Instantiating)\nfollow it with: meshbridge status ${GROUP} --wait`,
    );
    const followed = ok(await run('status', GROUP, '--wait'));
    expect(followed.stdout).toContain('state: Instantiated, approved; revision 1 (latest 1)');
  });

  test('instantiate before approve is the server’s 409 with its message: exit 1, nothing deployed', async () => {
    const result = await run('instantiate', GROUP, '--wait');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('409 cannot instantiate: the group is not approved; approve it first');
    expect(writes(fakes.cluster01)).toEqual([]);
    expect(writes(fakes.cluster02)).toEqual([]);
  });

  test('a cluster that fails: its line names the reason, the summary says failed, exit 1', async () => {
    fakes.cluster02.fault({ method: 'PATCH', status: 500, message: 'etcd is unhappy' });
    ok(await run('approve', GROUP));
    const result = await run('instantiate', GROUP, '--wait');
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^edge\/cluster01 applied \(\d+ objects\)$/));
    const failed = lines.find((line) => line.startsWith('edge/cluster02 '));
    expect(failed).toMatch(/^edge\/cluster02 failed: .*server-error: .*etcd is unhappy/);
    expect(result.stdout).toMatch(
      /instantiate of revision 1 failed: 1 of 2 clusters failed, \d+\/\d+ objects applied, \d+ failed$/m,
    );
    expect(result.stdout).toContain(`meshbridge status ${GROUP} shows every failed object and why`);

    const shown = await run('status', GROUP);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toMatch(/^edge\/cluster02\s+kubernetes\s+failed\s+.*etcd is unhappy/m);
    expect(shown.stdout).toMatch(/^CLUSTER\s+OBJECT\s+STATE\s+DRIFT\s+ERROR$/m);
    expect(shown.stdout).toMatch(/^edge\/cluster02\s+\S+ \S+\s+failed\s+-\s+server-error: .*etcd is unhappy/m);
  });

  test('--timeout: gives up waiting with exit 1; the operation goes on and status --wait follows it', async () => {
    fakes.cluster02.fault({ delayMs: 1500, times: 1 });
    ok(await run('approve', GROUP));
    const result = await run('instantiate', GROUP, '--wait', '--timeout', '0.2');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `timed out after 0.2s: instantiate of revision 1 is still running on the server; meshbridge status ${GROUP} --wait follows it`,
    );
    const followed = await run('status', GROUP, '--wait');
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/^edge\/cluster02 applied \(\d+ objects\)$/m);
    expect(followed.stdout).toContain('instantiate of revision 1 succeeded');
    expect(followed.stdout).toContain('state: Instantiated, approved');
  });

  test('an unreachable cluster: failed: unreachable: ... ECONNREFUSED', async () => {
    await fakes.cluster02.down();
    ok(await run('approve', GROUP));
    const result = await run('instantiate', GROUP, '--wait');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^edge\/cluster02 failed: unreachable: .*unreachable \(connection refused\)$/m);
    expect(result.stdout).toMatch(
      /instantiate of revision 1 failed: 1 of 2 clusters failed, \d+\/\d+ objects applied$/m,
    );
    await fakes.cluster02.up();
  });
});

describe('status', () => {
  test('the table, and -o json with the raw status', async () => {
    await deployed();
    const result = ok(await run('status', GROUP));
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `group: ${GROUP}`,
      'state: Instantiated, approved; revision 1 (latest 1)',
      expect.stringMatching(/^operation: instantiate of revision 1 succeeded \(finished \d{4}-\d\d-\d\dT[\d:]+Z\)$/),
      'changed: no',
      expect.stringMatching(/^clusters: 2; objects: (\d+) \(\1 applied, 0 pending, 0 failed, 0 removing\)$/),
    ]);
    for (const cluster of CLUSTERS) {
      expect(result.stdout).toMatch(
        new RegExp(`^edge/${cluster}\\s+kubernetes\\s+applied\\s+\\d+\\s+0\\s+0\\s+0\\s+-\\s+\\S+Z$`, 'm'),
      );
    }
    expect(result.stdout).not.toContain('OBJECT');

    const json = ok(await run('status', GROUP, '-o', 'json'));
    expect(JSON.parse(json.stdout)).toEqual(await status());
    const yaml = ok(await run('status', GROUP, '-o', 'yaml'));
    expect(yaml.stdout).toContain('state: Instantiated');
  });

  test('intents that no longer render cleanly: status still shows what is deployed; diff is the 409', async () => {
    await deployed();
    const current = await server.fetchJson(PRODUCTPAGE_INBOUND);
    const body = current.body as { metadata: unknown; spec: Record<string, unknown> };
    const management = { ...(body.spec.management as object), tlsType: 'DISABLE' };
    const put = await server.fetchJson(PRODUCTPAGE_INBOUND, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: body.metadata, spec: { ...body.spec, mutualTLS: 'DISABLE', management } }),
    });
    expect(put.status).toBe(200);

    const shown = await run('status', GROUP);
    expect(shown.code).toBe(0);
    expect(shown.stderr).not.toContain('409');
    expect(shown.stdout).toContain('state: Instantiated, approved; revision 1 (latest 1)');
    expect(shown.stdout).not.toContain('changed:');

    const diff = await run('diff', GROUP);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toMatch(
      /^409 the intents do not render cleanly.*\n {2}\S+productpage-inbound: productpage has tlsType DISABLE/,
    );
  });

  test('--refresh repairs a hand edit and marks the object drifted', async () => {
    await deployed();
    const [policy] = managed(fakes.cluster01).filter((object) => object.kind === 'AuthorizationPolicy');
    if (!policy) throw new Error('no AuthorizationPolicy on cluster01');
    const ref = {
      apiVersion: policy.apiVersion,
      kind: policy.kind,
      namespace: policy.metadata.namespace,
      name: policy.metadata.name,
    };
    fakes.cluster01.edit(ref, (object) => {
      (object.spec as Record<string, unknown>).action = 'DENY';
    });
    const result = ok(await run('status', GROUP, '--refresh'));
    expect(result.stdout).toMatch(
      new RegExp(
        `^edge/cluster01\\s+AuthorizationPolicy ${policy.metadata.namespace}/${policy.metadata.name}\\s+applied\\s+changed by hand`,
        'm',
      ),
    );
    expect(fakes.cluster01.get(ref)?.spec).toEqual(policy.spec);
  });
});

describe('diff, update, revisions, rollback', () => {
  test('a changed intent shows in diff and status; update --wait deploys it; rollback brings the old one back', async () => {
    await deployed();
    const before = policyPaths();
    expect(ok(await run('diff', GROUP)).stdout).toBe(
      'no changes: the clusters have what the intents render (revision 1)',
    );

    await changeIntent('/assets*');
    const diff = ok(await run('diff', GROUP));
    expect(diff.stdout).toMatch(/^edge\/cluster01: 0 to create, 1 to change, 0 to delete$/m);
    expect(diff.stdout).toMatch(/^--- a\/edge\/cluster01\/AuthorizationPolicy\/namespace01\/.*\.yaml/m);
    expect(diff.stdout).toMatch(/^-\s+- cluster\.local\/ns\/namespace01\/sa\/sleep$/m);
    expect(diff.stdout).toContain('0 to delete\n\n--- a/');
    expect(diff.stdout).toMatch(/^\+\s+- \/assets\*$/m);
    expect(diff.stdout).not.toContain('\x1b[');
    const json = JSON.parse(ok(await run('diff', GROUP, '-o', 'json')).stdout);
    expect(json.clusters.map((cluster: { cluster: string }) => cluster.cluster)).toEqual(['edge/cluster01']);
    const colored = await cli(['diff', GROUP, '--server', server.url], {}, { tty: true });
    expect(colored.stdout).toContain('\x1b[32m+');
    const noColor = await cli(['diff', GROUP, '--server', server.url], { NO_COLOR: '1' }, { tty: true });
    expect(noColor.stdout).not.toContain('\x1b[');
    expect(ok(await run('status', GROUP)).stdout).toContain(`changed: yes — run meshbridge update ${GROUP}`);
    expect(policyPaths()).toBe(before);

    const updated = ok(await run('update', GROUP, '--wait'));
    expect(updated.stdout).toMatch(/^update of revision 2 started \(Updating\)$/m);
    expect(updated.stdout).toMatch(/^edge\/cluster01 applied/m);
    expect(updated.stdout).toMatch(/update of revision 2 succeeded/);
    expect(policyPaths()).toContain('/assets*');
    expect(policyPaths()).not.toBe(before);

    const revisions = ok(await run('revisions', GROUP));
    expect(revisions.stdout.split('\n')).toEqual([
      expect.stringMatching(/^REVISION\s+ACTION\s+STATUS\s+CREATED\s+RESTORES\s+DEPLOYED$/),
      expect.stringMatching(/^1\s+instantiate\s+succeeded\s+\S+Z\s+-$/),
      expect.stringMatching(/^2\s+update\s+succeeded\s+\S+Z\s+-\s+\*$/),
    ]);

    const rolled = ok(await run('rollback', GROUP, '--revision', '1', '--wait'));
    expect(rolled.stdout).toMatch(/^rollback of revision 3 started \(Updating\)$/m);
    expect(rolled.stdout).toMatch(/rollback of revision 3 succeeded/);
    expect(policyPaths()).toBe(before);
    const listed = JSON.parse(ok(await run('revisions', GROUP, '-o', 'json')).stdout);
    expect(listed.at(-1)).toMatchObject({ revision: 3, action: 'rollback', restores: 1 });
  });

  test('rollback: the revision as an argument or --revision; missing or bad is exit 2; unknown is the 404', async () => {
    await deployed();
    expect((await run('rollback', GROUP)).code).toBe(2);
    for (const bad of [['x'], ['0'], ['1', '--revision', '2']]) {
      const result = await run('rollback', GROUP, ...bad);
      expect(result.code, bad.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
    }
    const unknown = await run('rollback', GROUP, '9');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('404 revision 9 of this group does not exist');
    const current = await run('rollback', GROUP, '1');
    expect(current.code).toBe(1);
    expect(current.stderr).toBe('409 revision 1 is already the deployed one');
  });
});

describe('terminate', () => {
  test('terminate --wait leaves the clusters as they were before the group was deployed', async () => {
    const before = { cluster01: fakes.cluster01.objects(), cluster02: fakes.cluster02.objects() };
    await deployed();
    expect(managed(fakes.cluster01).length).toBeGreaterThan(0);

    const result = ok(await run('terminate', GROUP, '--wait'));
    expect(result.stdout).toMatch(/^terminate of revision 1 started \(Terminating\)$/m);
    expect(result.stdout).toMatch(/^edge\/cluster01 removed$/m);
    expect(result.stdout).toMatch(/^edge\/cluster02 removed$/m);
    expect(result.stdout.split('\n').at(-1)).toBe('terminate of revision 1 succeeded: every cluster emptied');
    expect(fakes.cluster01.objects()).toEqual(before.cluster01);
    expect(fakes.cluster02.objects()).toEqual(before.cluster02);

    const shown = ok(await run('status', GROUP));
    expect(shown.stdout).toContain('state: Terminated, approved');
    const again = await run('terminate', GROUP);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^409 cannot terminate: the group is Terminated, nothing is deployed$/);
  });
});

describe('deploy', () => {
  test('--dry-run prints the diff and touches nothing; then deploy instantiates, and later updates', async () => {
    ok(await run('approve', GROUP));
    const dry = ok(await run('deploy', GROUP, '--dry-run'));
    expect(dry.stdout).toMatch(new RegExp(`^dry run: would instantiate ${GROUP}; nothing was changed$`, 'm'));
    expect(dry.stdout).toMatch(/^edge\/cluster01: \d+ to create, 0 to change, 0 to delete$/m);
    expect(dry.stdout).toMatch(/^\+\+\+ b\/edge\/cluster02\//m);
    expect(writes(fakes.cluster01)).toEqual([]);
    expect(writes(fakes.cluster02)).toEqual([]);
    expect(await status()).toMatchObject({ state: 'Approved', revision: 0 });

    const first = ok(await run('deploy', GROUP, '--wait'));
    expect(first.stdout).toMatch(/instantiate of revision 1 succeeded/);

    await changeIntent('/assets*');
    const calls = fakes.cluster01.calls.length;
    const again = ok(await run('deploy', GROUP, '--dry-run', '-o', 'json'));
    expect(JSON.parse(again.stdout)).toMatchObject({
      action: 'update',
      revision: 1,
      clusters: [{ cluster: 'edge/cluster01' }],
    });
    expect(fakes.cluster01.calls.length).toBe(calls);

    const second = ok(await run('deploy', GROUP, '--wait'));
    expect(second.stdout).toMatch(/update of revision 2 succeeded/);
    expect(policyPaths()).toContain('/assets*');
  });

  test('after a failed instantiate: --dry-run shows what the failed cluster lacks, revisions say failed, deploy instantiates again', async () => {
    fakes.cluster02.fault({ method: 'PATCH', status: 500, message: 'etcd is unhappy' });
    ok(await run('approve', GROUP));
    expect((await run('instantiate', GROUP, '--wait')).code).toBe(1);

    const dry = ok(await run('deploy', GROUP, '--dry-run'));
    expect(dry.stdout).toMatch(new RegExp(`^dry run: would instantiate ${GROUP}; nothing was changed$`, 'm'));
    expect(dry.stdout).toMatch(/^edge\/cluster02: \d+ to create, 0 to change, 0 to delete$/m);
    expect(dry.stdout).not.toMatch(/^edge\/cluster01:/m);
    expect(dry.stdout).not.toContain('no changes');
    const revisions = ok(await run('revisions', GROUP));
    expect(revisions.stdout.split('\n')[1]).toMatch(/^1\s+instantiate\s+failed\s+\S+Z\s+-\s+\*$/);

    fakes.cluster02.clearFaults();
    const again = ok(await run('deploy', GROUP, '--wait'));
    expect(again.stdout).toMatch(/instantiate of revision 2 succeeded/);
    expect(ok(await run('diff', GROUP)).stdout).toBe(
      'no changes: the clusters have what the intents render (revision 2)',
    );
    const listed = JSON.parse(ok(await run('revisions', GROUP, '-o', 'json')).stdout);
    expect(listed.map((revision: { status?: string }) => revision.status)).toEqual(['failed', 'succeeded']);
  });

  test('deploy of a group not approved: the note in --dry-run, the 409 for real', async () => {
    const dry = ok(await run('deploy', GROUP, '--dry-run'));
    expect(dry.stdout).toContain(`note: the group is not approved yet: meshbridge approve ${GROUP} first`);
    const real = await run('deploy', GROUP);
    expect(real.code).toBe(1);
    expect(real.stderr).toBe('409 cannot instantiate: the group is not approved; approve it first');
  });
});
