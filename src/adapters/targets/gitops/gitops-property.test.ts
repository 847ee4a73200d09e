import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ownerLabels, type RenderedObject } from '../../../core/render/objects.js';
import { refOf, type KindRef } from '../../../service/deploy/target.js';
import { identityOf } from './file-names.js';
import { createGitOpsTarget } from './index.js';
import {
  ALLOW_TEMP,
  change,
  clusterFor,
  filesIn,
  readFileIn,
  status,
  TempDirs,
  workTree,
} from './test-support/git-fixtures.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** Kinds whose lowercased names meet, in two API groups, one of them cluster-wide. */
const KINDS: (KindRef & { namespaced: boolean })[] = [
  { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespaced: true },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespaced: true },
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  { apiVersion: 'example.com/v1', kind: 'namespace', namespaced: false },
];
/** Names chosen so that `<namespace>-<name>` collides: `a` + `b-c` and `a-b` + `c`, `cluster` and no namespace. */
const NAMESPACES = ['a', 'a-b', 'b', 'cluster'];
const NAMES = ['c', 'b-c', 'a-b-c', 'x.y', 'b'];

const object = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...NAMES),
    value: fc.string({ maxLength: 8 }),
  })
  .map(({ kind, namespace, name, value }): RenderedObject => ({
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: { name, ...(kind.namespaced ? { namespace } : {}), labels: ownerLabels(undefined) },
    spec: { value },
  }));
const objects = fc.uniqueArray(object, { selector: (item) => identityOf(refOf(item)), maxLength: 14 });

const sorted = (items: RenderedObject[]) => items.map((item) => identityOf(refOf(item))).sort();

describe('GitOps target file names (property)', () => {
  it('gives every object a file of its own, and lists back exactly what was applied', async () => {
    const target = createGitOpsTarget({ workDir: await dirs.make(), allow: ALLOW_TEMP });
    await fc.assert(
      fc.asyncProperty(objects, fc.array(fc.nat(), { maxLength: 4 }), async (applied, removals) => {
        const repo = await workTree(dirs);
        const cluster = clusterFor(repo);
        await target.session(cluster, change(), async (session) => {
          for (const item of applied) await session.apply(item);
        });

        const files = (await filesIn(repo, 'edge/cluster01')).filter((file) => file !== 'kustomization.yaml');
        expect(files).toHaveLength(applied.length);
        const listed = await target.session(cluster, change(), (session) => session.list(KINDS, {}));
        expect(listed.map((item) => identityOf(refOf(item))).sort()).toEqual(sorted(applied));
        for (const item of listed) {
          const original = applied.find((candidate) => identityOf(refOf(candidate)) === identityOf(refOf(item)));
          expect(item.spec).toEqual(original?.spec);
        }

        const gone = [...new Set(removals.map((index) => index % Math.max(applied.length, 1)))]
          .map((index) => applied[index])
          .filter((item): item is RenderedObject => item !== undefined);
        await target.session(cluster, change('update', 2), async (session) => {
          for (const item of gone) expect(await session.remove(refOf(item))).toBe('deleted');
        });
        const kept = applied.filter((item) => !gone.includes(item));
        const after = await target.session(cluster, change(), (session) => session.list(KINDS, {}));
        expect(after.map((item) => identityOf(refOf(item))).sort()).toEqual(sorted(kept));
        const left = (await filesIn(repo, 'edge/cluster01')).filter((file) => file !== 'kustomization.yaml');
        expect(left).toHaveLength(kept.length);
        if (kept.length > 0) {
          const kustomization = parse(await readFileIn(repo, 'edge/cluster01/kustomization.yaml')) as {
            resources: string[];
          };
          expect(kustomization.resources).toEqual(left);
        }
        expect(status(repo)).toBe('');
      }),
      { numRuns: 25 },
    );
  });
});
