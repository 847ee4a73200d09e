/**
 * What every deploy target must do, as one vitest suite, driven the way the deploy service
 * drives it (`runCluster`: list, plan, apply and remove object by object) and checked through
 * the target's own `read`. Target test files call `describeTargetContract` with a function that
 * opens a fresh world: the target, two clusters each on its own API server or repository, and
 * the means to put someone else's object on a cluster and to make a cluster refuse writes.
 *
 * The rule under every test: an object the records call `applied` is on the cluster as it was
 * applied, and an object whose write the cluster refused is `failed`, never `applied`.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { matchesLive } from '../../core/deploy/compare.js';
import { prepareClusterRecord } from '../../core/deploy/entries.js';
import { groupRefOf } from '../../core/deploy/keys.js';
import { hashObject } from '../../core/deploy/object-hash.js';
import { MANAGED_BY_SELECTOR } from '../../core/deploy/ownership.js';
import type { ClusterRecord } from '../../core/deploy/records.js';
import { objectId, ownerLabels, type RenderedObject } from '../../core/render/objects.js';
import { runCluster } from '../../service/deploy/cluster-run.js';
import type { ChangeContext, DeployTarget, LiveObject, TargetCluster } from '../../service/deploy/target.js';

export interface ContractWorld {
  target: DeployTarget;
  /** Two clusters, each on its own API server or repository. */
  clusters: readonly [TargetCluster, TargetCluster];
  /** Puts `object` on the cluster as someone else would (not through the target). */
  putForeign(cluster: TargetCluster, object: RenderedObject): Promise<void>;
  /** Whether the cluster still holds `object` as `putForeign` put it. */
  holdsForeign(cluster: TargetCluster, object: RenderedObject): Promise<boolean>;
  /**
   * From now on the cluster refuses every write (apply or delete) of `object` after accepting the
   * others (an API server), or every write of the session (a git remote refusing the push);
   * `false` ends it.
   */
  refuse(cluster: TargetCluster, object: RenderedObject, on: boolean): Promise<void>;
  close(): Promise<void>;
}

const GROUP = 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';
const OWNER = {
  project: 'p',
  compositeApp: 'ca',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'dig',
  intentKind: 'routing' as const,
  intent: 'orders',
};
const SERVICE_ENTRY = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' };
const RUN = {
  policy: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 },
  now: () => new Date().toISOString(),
};

/** A ServiceEntry of the group (or, with `labels`, of someone else). */
export function entry(name: string, host = `${name}.example.com`, labels = ownerLabels(OWNER)): RenderedObject {
  return {
    ...SERVICE_ENTRY,
    metadata: { name, namespace: 'shop', labels },
    spec: { hosts: [host], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' },
  };
}

/** What one operation on one cluster did: its record and the writes it asked for. */
interface Outcome {
  record: ClusterRecord;
  writes: string[];
}

/** The target, with every apply and remove of its sessions written down. */
function counting(target: DeployTarget, writes: string[]): DeployTarget {
  return {
    ...target,
    name: target.name,
    ...(target.atomic === undefined ? {} : { atomic: target.atomic }),
    ...(target.exactMatch === undefined ? {} : { exactMatch: target.exactMatch }),
    read: (cluster, kinds, labels) => target.read(cluster, kinds, labels),
    session: (cluster, context, work) =>
      target.session(cluster, context, (session) =>
        work({
          list: (kinds, labels) => session.list(kinds, labels),
          get: (ref) => session.get(ref),
          apply: (object, reason) => {
            writes.push(`apply ${objectId(object)}`);
            return session.apply(object, reason);
          },
          remove: (ref) => {
            writes.push(`remove ${ref.kind}/${ref.namespace ?? ''}/${ref.name}`);
            return session.remove(ref);
          },
        }),
      ),
  };
}

async function deploy(
  world: ContractWorld,
  cluster: TargetCluster,
  revision: number,
  desired: RenderedObject[],
  previous?: ClusterRecord,
): Promise<Outcome> {
  const writes: string[] = [];
  const identity = { cluster: cluster.key, name: `${cluster.provider}/${cluster.name}`, target: world.target.name };
  const context: ChangeContext = { group: GROUP, revision, action: previous ? 'update' : 'instantiate' };
  const record = await runCluster(
    {
      group: groupRefOf(GROUP),
      cluster,
      target: counting(world.target, writes),
      context,
      desired,
      record: prepareClusterRecord(identity, revision, desired, previous),
      sharedElsewhere: new Set(),
    },
    RUN,
  );
  return { record, writes };
}

function live(world: ContractWorld, cluster: TargetCluster): Promise<LiveObject[]> {
  return world.target.read(cluster, [SERVICE_ENTRY], MANAGED_BY_SELECTOR);
}

function liveOf(objects: readonly LiveObject[], object: RenderedObject): LiveObject | undefined {
  return objects.find((item) => item.metadata.name === object.metadata.name);
}

/** The rule: `applied` means on the cluster as applied; what is not there is never `applied` as wanted. */
async function expectTruthful(
  world: ContractWorld,
  cluster: TargetCluster,
  outcome: Outcome,
  rendered: readonly RenderedObject[],
): Promise<void> {
  const objects = await live(world, cluster);
  for (const object of rendered) {
    const state = outcome.record.objects[objectId(object)];
    const there = liveOf(objects, object);
    const inPlace = there !== undefined && matchesLive(object, there);
    if (state?.state === 'applied') expect(inPlace, `${objectId(object)} is applied but not there`).toBe(true);
    if (!inPlace) expect(state?.applied, `${objectId(object)} is not there`).not.toBe(hashObject(object));
  }
}

const ids = (objects: readonly LiveObject[]) => objects.map((object) => object.metadata.name).sort();

export function describeTargetContract(name: string, open: () => Promise<ContractWorld>): void {
  describe(`deploy target contract: ${name}`, () => {
    let world: ContractWorld;
    let first: TargetCluster;
    let second: TargetCluster;
    beforeEach(async () => {
      world = await open();
      [first, second] = world.clusters;
    });
    afterEach(() => world.close());

    test('apply creates; read returns what was applied', async () => {
      const desired = [entry('a'), entry('b')];
      const outcome = await deploy(world, first, 1, desired);
      expect(outcome.record.state).toBe('applied');
      expect(outcome.writes.sort()).toEqual(desired.map((object) => `apply ${objectId(object)}`).sort());
      const objects = await live(world, first);
      expect(ids(objects)).toEqual(['a', 'b']);
      for (const object of desired) expect(matchesLive(object, liveOf(objects, object) as LiveObject)).toBe(true);
      expect(await live(world, second)).toEqual([]);
    });

    test('re-apply is unchanged: nothing is written', async () => {
      const desired = [entry('a'), entry('b')];
      const once = await deploy(world, first, 1, desired);
      const twice = await deploy(world, first, 1, desired, once.record);
      expect(twice.record.state).toBe('applied');
      expect(twice.writes).toEqual([]);
      expect(twice.record.objects).toEqual(
        Object.fromEntries(
          Object.entries(once.record.objects).map(([id, item]) => [id, { ...item, lastTried: expect.any(String) }]),
        ),
      );
    });

    test('a changed object is updated, and only it', async () => {
      const once = await deploy(world, first, 1, [entry('a'), entry('b')]);
      const changed = entry('a', 'elsewhere.example.com');
      const outcome = await deploy(world, first, 2, [changed, entry('b')], once.record);
      expect(outcome.writes).toEqual([`apply ${objectId(changed)}`]);
      expect(outcome.record.objects[objectId(changed)]).toMatchObject({
        state: 'applied',
        applied: hashObject(changed),
      });
      const objects = await live(world, first);
      expect(matchesLive(changed, liveOf(objects, changed) as LiveObject)).toBe(true);
      await expectTruthful(world, first, outcome, [changed, entry('b')]);
    });

    test("prune removes only the group's own objects", async () => {
      const once = await deploy(world, first, 1, [entry('a'), entry('b')]);
      const stranger = entry('stray', 'stray.example.com', { team: 'humans' });
      const otherGroup = entry(
        'theirs',
        'theirs.example.com',
        ownerLabels({ ...OWNER, deploymentIntentGroup: 'other' }),
      );
      await world.putForeign(first, stranger);
      await world.putForeign(first, otherGroup);
      const outcome = await deploy(world, first, 2, [entry('a')], once.record);
      expect(outcome.writes).toEqual([`remove ${objectId(entry('b'))}`]);
      expect(outcome.record.state).toBe('applied');
      expect(Object.keys(outcome.record.objects)).toEqual([objectId(entry('a'))]);
      expect(ids(await live(world, first))).toEqual(['a', 'theirs']);
      expect(await world.holdsForeign(first, stranger)).toBe(true);
      expect(await world.holdsForeign(first, otherGroup)).toBe(true);
    });

    test('a write the cluster refuses is failed, never applied; asked again once accepted, it is applied', async () => {
      const desired = [entry('a'), entry('b')];
      await world.refuse(first, entry('b'), true);
      const failed = await deploy(world, first, 1, desired);
      expect(failed.record.state).toBe('failed');
      const refused = failed.record.objects[objectId(entry('b'))];
      expect(refused).toMatchObject({ state: 'failed', reason: expect.any(String), error: expect.any(String) });
      expect(refused?.applied).toBeUndefined();
      await expectTruthful(world, first, failed, desired);

      await world.refuse(first, entry('b'), false);
      const again = await deploy(world, first, 2, desired, failed.record);
      expect(again.record.state).toBe('applied');
      await expectTruthful(world, first, again, desired);
      expect(ids(await live(world, first))).toEqual(['a', 'b']);
    });

    test('a refused update keeps what was applied before, as applied before', async () => {
      const before = [entry('a'), entry('b')];
      const once = await deploy(world, first, 1, before);
      const changed = [entry('a'), entry('b', 'moved.example.com')];
      await world.refuse(first, entry('b'), true);
      const outcome = await deploy(world, first, 2, changed, once.record);
      expect(outcome.record.state).toBe('failed');
      expect(outcome.record.objects[objectId(entry('b'))]).toMatchObject({
        state: 'failed',
        applied: hashObject(entry('b')),
        desired: hashObject(changed[1] as RenderedObject),
      });
      await expectTruthful(world, first, outcome, changed);
      const objects = await live(world, first);
      expect(matchesLive(entry('b'), liveOf(objects, entry('b')) as LiveObject)).toBe(true);
    });

    test('a refused removal leaves the object failed, as it was applied, until a removal succeeds', async () => {
      const once = await deploy(world, first, 1, [entry('a'), entry('b')]);
      await world.refuse(first, entry('b'), true);
      const outcome = await deploy(world, first, 2, [entry('a')], once.record);
      expect(outcome.record.state).toBe('failed');
      expect(outcome.record.objects[objectId(entry('b'))]).toMatchObject({
        state: 'failed',
        applied: hashObject(entry('b')),
      });
      expect(ids(await live(world, first))).toEqual(['a', 'b']);

      await world.refuse(first, entry('b'), false);
      const again = await deploy(world, first, 3, [entry('a')], outcome.record);
      expect(again.record.state).toBe('applied');
      expect(ids(await live(world, first))).toEqual(['a']);
    });

    test('one cluster failing is data in its record, not an exception for the other', async () => {
      const desired = [entry('a'), entry('b')];
      await world.refuse(second, entry('b'), true);
      const [ok, failed] = await Promise.all([deploy(world, first, 1, desired), deploy(world, second, 1, desired)]);
      expect(ok.record.state).toBe('applied');
      expect(failed.record.state).toBe('failed');
      expect(failed.record.objects[objectId(entry('b'))]?.state).toBe('failed');
      await expectTruthful(world, first, ok, desired);
      await expectTruthful(world, second, failed, desired);
      expect(ids(await live(world, first))).toEqual(['a', 'b']);
    });
  });
}
