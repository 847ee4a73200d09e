/**
 * Replicas: two real `meshbridge serve` processes on one PostgreSQL database deploy
 * seed-replication into one fake Kubernetes API server per cluster (slowed down, so
 * the deploy takes seconds). Instantiate sent to both at once is accepted by exactly
 * one (202) and refused by the other (409); the one that accepted it is SIGKILLed
 * mid-deploy, and the other, still running, takes the abandoned operation over once
 * its lease expires and finishes it: every object in place as rendered, none applied
 * twice with different bodies. On SQLite a second server on the same data folder is
 * refused at start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { exampleDocumentsFor, groupPaths } from './test-support/deploy.js';
import {
  call,
  inPlace,
  notApplied,
  patches,
  repeatedApplies,
  someApplyAnswered,
  until,
  wantedOf,
  type RenderView,
  type StatusView,
} from './test-support/deploy-process.js';
import type { FakeKube } from './test-support/fake-kube/index.js';
import { describePostgres, freshPostgresDatabase, type FreshDatabase } from './test-support/postgres.js';
import { kill, killAll, startServer, type ServerProcess } from './test-support/server-process.js';

const FILE = 'seed-replication.yaml';
const PATCH_DELAY_MS = 600;
/** The replicas' lease: renewed every second, so a dead replica's work is taken over within about 4 s. */
const LEASE_TTL_SECONDS = 3;
const REPLICA_ARGS = ['--lease-ttl', String(LEASE_TTL_SECONDS), '--reconcile-interval', '0'];
const TAKEOVER_DEADLINE_MS = 60_000;
/** Start-up and scheduling delays of a shared machine, on top of the lease's own bound. */
const TAKEOVER_SLACK_MS = 20_000;

const fleet = new Map<string, FakeKube>();
const folders: string[] = [];
let database: FreshDatabase | undefined;

afterEach(async () => {
  await killAll();
  await Promise.all([...fleet.values()].map((fake) => fake.close()));
  fleet.clear();
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  await database?.drop();
  database = undefined;
});

async function folder(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'meshbridge-replica-'));
  folders.push(made);
  return made;
}

describePostgres('replicas on PostgreSQL', () => {
  test(
    'instantiate on two replicas at once: one 202, one 409; the winner SIGKILLed mid-deploy, the other finishes it',
    { timeout: 240_000 },
    async () => {
      database = await freshPostgresDatabase();
      const documents = await exampleDocumentsFor(FILE, { fleet });
      for (const fake of fleet.values()) fake.fault({ method: 'PATCH', delayMs: PATCH_DELAY_MS });
      const replicas = await Promise.all([
        startServer(await folder(), database.url, { args: REPLICA_ARGS }),
        startServer(await folder(), database.url, { args: REPLICA_ARGS }),
      ]);
      const [first, second] = replicas as [ServerProcess, ServerProcess];
      for (const [index, document] of documents.entries()) {
        // Writes through either replica land in the one database.
        const response = await call(replicas[index % 2]!, 'POST', `/v2/${document.anchor}`, document.body);
        expect(response.status, `POST /v2/${document.anchor}: ${response.text}`).toBe(201);
      }
      const [group] = (await groupPaths(FILE)) as [string];
      const rendered = (await call(first, 'GET', `${group}/render`)).json as RenderView;
      const wanted = wantedOf(rendered, fleet);
      expect((await call(second, 'POST', `${group}/approve`)).status).toBe(202);

      const answers = await Promise.all(replicas.map((replica) => call(replica, 'POST', `${group}/instantiate`)));
      expect(answers.map((answer) => answer.status).sort(), answers.map((answer) => answer.text).join('\n')).toEqual([
        202, 409,
      ]);
      const refused = answers.find((answer) => answer.status === 409);
      expect(refused?.json).toMatchObject({
        error: 'Conflict',
        message: expect.stringMatching(/^cannot instantiate: /),
      });
      const winner = answers[0]?.status === 202 ? first : second;
      const survivor = winner === first ? second : first;

      // Any lifecycle request on either replica is refused while the operation runs.
      for (const replica of replicas) {
        const again = await call(replica, 'POST', `${group}/terminate`);
        expect(again.status, again.text).toBe(409);
        expect(again.text).toContain('instantiate of revision 1 is still running');
      }

      await until('a fake has answered a server-side apply', 30_000, () => someApplyAnswered(fleet));
      const before = (await call(survivor, 'GET', `${group}/status?changes=false`)).json as StatusView;
      expect(before.operation).toMatchObject({ action: 'instantiate', status: 'running' });
      await kill(winner);
      expect(winner.child.signalCode).toBe('SIGKILL');
      const killedAt = Date.now();
      const presentAtKill = wanted.filter(inPlace);
      expect(presentAtKill.length, 'objects in their clusters at the kill').toBeLessThan(wanted.length);
      const patchesAtKill = new Map([...fleet.values()].map((fake) => [fake, patches(fake).length]));
      for (const fake of fleet.values()) fake.clearFaults();

      let status: StatusView | undefined;
      await until('the survivor has finished the operation', TAKEOVER_DEADLINE_MS, async () => {
        status = (await call(survivor, 'GET', `${group}/status?changes=false`)).json as StatusView;
        return status.operation?.status !== 'running';
      });
      const finished = status as StatusView;
      const finishedAfterMs = Date.now() - killedAt;
      expect(finished.state, JSON.stringify(finished, null, 2)).toBe('Instantiated');
      expect(finished.operation).toMatchObject({ action: 'instantiate', status: 'succeeded' });
      expect(notApplied(finished)).toEqual([]);
      expect(finished.summary.applied).toBe(wanted.length);
      expect(wanted.filter((entry) => !inPlace(entry)).map((entry) => entry.object.metadata.name)).toEqual([]);
      const afterKill = [...fleet.values()].reduce(
        (sum, fake) => sum + patches(fake).length - (patchesAtKill.get(fake) ?? 0),
        0,
      );
      expect(afterKill, 'server-side applies by the survivor').toBeGreaterThan(0);
      expect(repeatedApplies(fleet).conflicting).toEqual([]);
      // The lease expires within its TTL and abandoned leases are looked for every third of it: the survivor's
      // first call to a cluster comes within that, give or take a loaded machine's delays.
      const firstCallAfterKill = Math.min(
        ...[...fleet.values()].flatMap((fake) =>
          fake.calls.filter((recorded) => recorded.at >= killedAt).map((recorded) => recorded.at),
        ),
      );
      const takenOverAfterMs = firstCallAfterKill - killedAt;
      expect(takenOverAfterMs).toBeLessThan((LEASE_TTL_SECONDS + LEASE_TTL_SECONDS / 3) * 1000 + TAKEOVER_SLACK_MS);

      // Done, the group takes requests again on either replica.
      const terminate = await call(survivor, 'POST', `${group}/terminate`);
      expect(terminate.status, terminate.text).toBe(202);
      process.stderr.write(
        `replicas: ${wanted.length} objects on ${fleet.size} clusters; ${presentAtKill.length} in place at the kill; ` +
          `the survivor called the clusters ${takenOverAfterMs} ms after it and finished ${finishedAfterMs} ms after it with ${afterKill} more applies\n`,
      );
    },
  );
});

test(
  'a second meshbridge serve on the same SQLite data folder is refused at start, naming the first',
  { timeout: 120_000 },
  async () => {
    const dataDir = await folder();
    const firstServer = await startServer(dataDir, undefined);
    const refused = startServer(dataDir, undefined);
    await expect(refused).rejects.toThrow(/exited before it was ready \(1\)/);
    await expect(refused).rejects.toThrow(
      new RegExp(`another meshbridge serve is using the data folder .*pid ${firstServer.child.pid}`),
    );
    expect((await call(firstServer, 'GET', '/readyz')).status).toBe(200);
    // Once the first is gone, even by SIGKILL, the folder is free again.
    await kill(firstServer);
    const next = await startServer(dataDir, undefined);
    expect((await call(next, 'GET', '/readyz')).status).toBe(200);
  },
);
