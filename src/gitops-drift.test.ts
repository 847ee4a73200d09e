/**
 * Drift in a GitOps repository, end to end: someone edits (or deletes) a file meshbridge wrote;
 * the next reconcile pass reports it as drift on the object and on its cluster, and puts the file
 * back in a commit that says it is a repair, naming the commit that changed it.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { deployWorld, groupPaths, type DeployWorld } from './test-support/deploy.js';

let world: DeployWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));

/** git as a human runs it, with an identity of their own. */
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Jane Doe', '-c', 'user.email=jane@example.com', ...args], {
    cwd: dir,
    env: environment,
    encoding: 'utf8',
  });
}

async function lifecycle(target: DeployWorld, group: string, verb: string) {
  const response = await target.request('POST', `${group}/${verb}`);
  expect(response.status, JSON.stringify(response.json)).toBe(202);
  await target.settle();
}

interface Cluster {
  cluster: string;
  drift?: { objects: number; lastDetectedAt: string };
  objects: { kind: string; namespace?: string; name: string; drift?: { kind: string } }[];
}

test('a hand edit in the repository is reported as drift, per object and per cluster, and repaired in a commit that says so', async () => {
  world = await deployWorld('seed-two-clouds.yaml', { target: 'gitops' });
  const repository = world.repository as string;
  const [group] = (await groupPaths('seed-two-clouds.yaml')) as [string];
  await lifecycle(world, group, 'approve');
  await lifecycle(world, group, 'instantiate');

  const clone = join(dirname(repository), 'human');
  git(dirname(repository), 'clone', '-q', repository, clone);
  let found: { provider: string; name: string; file: string } | undefined;
  for (const provider of await readdir(join(clone, 'clusters'))) {
    for (const name of await readdir(join(clone, 'clusters', provider))) {
      const entries = await readdir(join(clone, 'clusters', provider, name));
      const file = entries.find((entry) => entry.startsWith('serviceentry-'));
      if (file !== undefined && found === undefined) found = { provider, name, file };
    }
  }
  if (found === undefined) throw new Error('no cluster folder holds a ServiceEntry');
  const { provider, name, file } = found;
  const folder = join(clone, 'clusters', provider, name);
  const path = join(folder, file);
  const written = await readFile(path, 'utf8');
  // A field meshbridge never wrote counts too: in git, only meshbridge writes these files.
  const edited = parse(written) as { spec: Record<string, unknown> };
  edited.spec.exportTo = ['*'];
  await writeFile(path, stringify(edited));
  git(clone, 'commit', '-q', '-am', 'export everywhere');
  git(clone, 'push', '-q', 'origin', 'main');

  const status = (await world.request('POST', `${group}/status?refresh`)).json as {
    state: string;
    revision: number;
    clusters: Cluster[];
  };
  expect(
    status.state,
    JSON.stringify(
      status.clusters.map((item) => item.objects.filter((o) => (o as { state?: string }).state !== 'applied')),
    ),
  ).toBe('Instantiated');
  const cluster = status.clusters.find((item) => item.cluster === `${provider}/${name}`) as Cluster;
  expect(cluster.drift).toMatchObject({ objects: 1 });
  const drifted = cluster.objects.filter((object) => object.drift !== undefined);
  expect(drifted).toHaveLength(1);
  expect(drifted[0]?.drift?.kind).toBe('changed');
  expect(status.clusters.filter((item) => item.drift !== undefined)).toHaveLength(1);

  git(clone, 'pull', '-q', 'origin', 'main');
  expect(await readFile(path, 'utf8')).toBe(written);
  const message = git(clone, 'log', '-1', '--format=%B').trim();
  const hand = git(clone, 'log', '-1', '--format=%h', 'HEAD~1').trim();
  expect(message.split('\n')[0]).toBe(
    `meshbridge: repair: restore 1 object in cluster ${provider}/${name} drifted from revision ${status.revision} of ` +
      group.replace(/^\/v2\//, ''),
  );
  expect(message).toContain(`changed: ${file}`);
  expect(message).toContain(
    `restored to revision ${status.revision}:\n  ${file}: changed by hand in ${hand} Jane Doe: export everywhere`,
  );

  // Nothing left to repair: the next pass commits nothing.
  const head = git(clone, 'rev-parse', 'HEAD').trim();
  await world.request('POST', `${group}/status?refresh`);
  expect(git(repository, 'rev-parse', 'main').trim()).toBe(head);
});
