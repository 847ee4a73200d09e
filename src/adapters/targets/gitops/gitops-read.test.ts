/** The GitOps target's `read`: what a reconcile pass sees of a cluster's folder, without a session or a commit. */
import { afterEach, describe, expect, it } from 'vitest';
import { createGitOpsTarget } from './index.js';
import {
  ALLOW_TEMP,
  applyAll,
  change,
  clusterFor,
  commitCount,
  git,
  peerAuthentication,
  serviceEntry,
  status,
  TempDirs,
  workTree,
  writeFileIn,
} from './test-support/git-fixtures.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const OURS = { 'app.kubernetes.io/managed-by': 'meshbridge' };

describe('GitOps target: read', () => {
  it('lists the folder’s objects of the kinds asked for, in any version of them, and commits nothing', async () => {
    const repo = await workTree(dirs);
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    const cluster = clusterFor(repo);
    expect(await target.read(cluster, [{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' }], OURS)).toEqual(
      [],
    );
    await target.session(
      cluster,
      change('instantiate', 1),
      applyAll(serviceEntry('ns1', 'foo'), peerAuthentication('istio-system')),
    );
    // A file someone else wrote in the folder is not meshbridge's: the label selector leaves it out.
    await writeFileIn(
      repo,
      'edge/cluster01/theirs.yaml',
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: theirs\n  namespace: ns1\n',
    );
    git(repo, 'add', 'edge/cluster01/theirs.yaml');
    git(repo, 'commit', '-q', '-m', 'theirs');
    const commits = commitCount(repo);
    const serviceEntries = await target.read(
      cluster,
      [{ apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry' }],
      OURS,
    );
    expect(
      serviceEntries.map((object) => `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`),
    ).toEqual(['ServiceEntry/ns1/foo']);
    expect(serviceEntries[0]?.spec).toEqual(serviceEntry('ns1', 'foo').spec);
    const unselected = await target.read(cluster, [{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' }], {});
    expect(unselected.map((object) => object.metadata.name).sort()).toEqual(['foo', 'theirs']);
    const both = await target.read(
      cluster,
      [
        { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' },
        { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' },
      ],
      OURS,
    );
    expect(both.map((object) => object.kind).sort()).toEqual(['PeerAuthentication', 'ServiceEntry']);
    expect(commitCount(repo)).toBe(commits);
    expect(status(repo)).toBe('');
  });
});
