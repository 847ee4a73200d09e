/** `meshbridge apply` of an EMCO file with a document for a controller meshbridge is not: the server's words reach the user. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, resultRows, startLiveServer, type LiveServer } from '../../test-support/cli.js';

let server: LiveServer;
let dir: string;
beforeAll(async () => {
  server = await startLiveServer();
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-not-served-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const DIG = 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';
const FILE = `version: emco/v2
resourceContext:
  anchor: projects
metadata:
  name: p
---
version: emco/v2
resourceContext:
  anchor: ${DIG}/network-controller-intent
metadata:
  name: ovn
spec: {}
`;

test('a document for an EMCO controller meshbridge is not fails with the component and what to do; the rest applies', async () => {
  const file = join(dir, 'emco.yaml');
  await writeFile(file, FILE);
  const run = await cli(['apply', '-f', file, '--server', server.url]);
  expect(run.code).toBe(1);
  expect(resultRows(run.stdout).map((row) => row.result)).toEqual(['created', 'failed']);
  expect(run.stderr).toContain(
    `document 2 (ovn): 404 POST /v2/${DIG}/network-controller-intent is a path of EMCO's ovnaction controller ` +
      '(network-controller-intent: OVN interfaces of workloads), which is not part of meshbridge; ' +
      'meshbridge renders traffic only: remove this document or apply it to EMCO',
  );
  expect(run.stderr).toContain(`  /v2/${DIG}/network-controller-intent: EMCO's ovnaction serves GET, POST on /v2/`);
});
