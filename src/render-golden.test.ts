/**
 * Golden tests: the full rendered output of the example scenarios, in YAML, for
 * each Istio profile. A change to the output shows up as a diff to review here;
 * `UPDATE_GOLDEN=1 npx vitest run src/render-golden.test.ts` rewrites the files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, test } from 'vitest';
import { sqliteApi, type ApiHarness } from './test-support/api.js';
import { exampleDocuments } from './test-support/examples.js';

const goldenPath = (name: string) => new URL(`./core/render/golden/${name}.yaml`, import.meta.url);

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Applies an example, optionally with every cluster on another Istio version. */
async function applyExample(file: string, istioVersion?: string): Promise<ApiHarness> {
  const harness = await sqliteApi();
  api = harness;
  for (const document of await exampleDocuments(file)) {
    const body = structuredClone(document.body) as { spec?: { mesh?: Record<string, unknown> } };
    if (istioVersion && body.spec?.mesh) body.spec.mesh.istioVersion = istioVersion;
    if (istioVersion === '1.7' && body.spec?.mesh) body.spec.mesh.istioCoreDnsAddress = '10.43.57.78';
    const response = await harness.request('POST', `/v2/${document.anchor}`, body);
    expect(response.status, `${document.anchor}: ${response.body}`).toBe(201);
  }
  return harness;
}

function compareWithGolden(name: string, actual: string): void {
  const path = goldenPath(name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(existsSync(path), `${path.pathname} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const cases = [
  { name: 'seed-two-clouds', file: 'seed-two-clouds.yaml' },
  { name: 'seed-two-clouds-istio-1.12', file: 'seed-two-clouds.yaml', istioVersion: '1.12' },
  { name: 'seed-replication', file: 'seed-replication.yaml' },
  { name: 'seed-replication-istio-1.7', file: 'seed-replication.yaml', istioVersion: '1.7' },
];

describe('golden output', () => {
  test.each(cases)('$name', async ({ name, file, istioVersion }) => {
    const harness = await applyExample(file, istioVersion);
    const response = await harness.request('GET', '/v2/render?format=yaml');
    expect(response.status).toBe(200);
    compareWithGolden(name, response.body as string);
    const documents = parseAllDocuments(response.body as string);
    expect((Array.isArray(documents) ? documents : [documents]).every((document) => document.errors.length === 0)).toBe(
      true,
    );
  });
});
