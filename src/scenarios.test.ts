/**
 * meshbridge's own mixed-version scenario (scenarios/mixed-versions.yaml) and the seed
 * examples, end to end through the API: what meshbridge must never own is absent, a
 * service's key never leaves its namespace, and every declared call is delivered by the
 * data-plane model. The scenario's full output is a golden file too.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { readDocuments } from './adapters/cli/emcoctl-file.js';
import { sqliteApi, type ApiHarness } from './test-support/api.js';
import { examplePath } from './test-support/examples.js';

const SCENARIO = fileURLToPath(new URL('../scenarios/mixed-versions.yaml', import.meta.url));
const GOLDEN = new URL('./core/render/golden/mixed-versions.yaml', import.meta.url);

interface Resource {
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface View {
  clusters: { clusterProvider: string; cluster: string; resources: Resource[] }[];
  diagnostics: { severity: string; code: string; cluster?: string; message: string }[];
}

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function applied(file: string): Promise<ApiHarness> {
  const harness = await sqliteApi();
  api = harness;
  for (const document of await readDocuments(file)) {
    const response = await harness.request('POST', `/v2/${document.anchor}`, document.body);
    expect(response.status, `${document.anchor}: ${response.body}`).toBe(201);
  }
  return harness;
}

/** What meshbridge must never render, and where a service's key may go. */
function ownershipProblems(view: View): string[] {
  const problems: string[] = [];
  for (const { cluster, resources } of view.clusters) {
    for (const object of resources) {
      const id = `${cluster} ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
      if (object.kind === 'PeerAuthentication' && !object.spec?.selector) problems.push(`${id}: not workload-scoped`);
      if (object.kind === 'ConfigMap' && object.metadata.name === 'coredns') problems.push(`${id}: CoreDNS's own`);
      const credential = (object.spec?.trafficPolicy as { tls?: { credentialName?: string } } | undefined)?.tls
        ?.credentialName;
      const presented = resources.find(
        (other) =>
          other.kind === 'Secret' &&
          other.metadata.name === credential &&
          other.metadata.namespace === object.metadata.namespace,
      );
      if (presented?.data?.['tls.key'] !== undefined)
        problems.push(`${id}: callers would present ${presented.metadata.name}, a private key`);
    }
  }
  return problems;
}

describe.each([
  ['scenarios/mixed-versions.yaml', SCENARIO],
  ['examples/seed-two-clouds.yaml', examplePath('seed-two-clouds.yaml')],
  ['examples/seed-replication.yaml', examplePath('seed-replication.yaml')],
])('%s', (_name, file) => {
  test('renders no mesh-wide PeerAuthentication, no kube-system/coredns, no key outside its namespace', async () => {
    const harness = await applied(file);
    const view = (await harness.request('GET', '/v2/render')).json as View;
    expect(view.clusters.length).toBeGreaterThan(1);
    expect(ownershipProblems(view)).toEqual([]);
    expect(view.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  });
});

describe('the mixed-version scenario', () => {
  test("the ledger's key is a Secret in its own namespace of its own cluster, and nowhere else", async () => {
    const harness = await applied(SCENARIO);
    const view = (await harness.request('GET', '/v2/render')).json as View;
    const keys = view.clusters.flatMap(({ cluster, resources }) =>
      resources
        .filter((object) => object.kind === 'Secret' && object.data?.['tls.key'] !== undefined)
        .map((object) => [cluster, object.metadata.namespace, object.metadata.name]),
    );
    expect(keys).toEqual([['west-new', 'shop', 'ledger-tls']]);
  });

  test('renders as its golden file', async () => {
    const harness = await applied(SCENARIO);
    const response = await harness.request('GET', '/v2/render?format=yaml');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, response.body as string);
    expect(existsSync(GOLDEN)).toBe(true);
    expect(response.body).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  /** `from@cluster → to METHOD PATH => serving cluster`, one call of the scenario's header. */
  function call(line: string, ip?: string) {
    const match = /^(\S+)@(\S+) → (\S+) (\S+) (\S+) => (\S+)$/.exec(line);
    if (!match) throw new Error(`bad call ${line}`);
    const [from, cluster, to, method, path, serving] = match.slice(1) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return { name: line, query: { from, cluster, to, method, path, ...(ip ? { sourceIp: ip } : {}) }, serving };
  }
  const calls = [
    call('checkout@fleet/west-old → payments.shop.svc.cluster.local POST /charges => fleet/west-new'),
    call('batch@fleet/edge-83 → payments.shop.shop-cloud GET /reports/2026 => fleet/west-new'),
    call('legacy-client@fleet/legacy → payments.shop.global GET /health => fleet/west-new'),
    call('scraper@fleet/west-new → payments.shop.svc.cluster.local GET /metrics => fleet/west-new', '10.244.7.5'),
    call('payments@fleet/west-new → ledger.shop.svc.cluster.local GET / => fleet/west-new'),
    call('checkout@fleet/west-old → inventory.shop.shop-cloud GET /items => fleet/legacy'),
  ];

  test.each(calls)('$name', async ({ query, serving }) => {
    const harness = await applied(SCENARIO);
    const response = await harness.request('GET', `/v2/check-route?${new URLSearchParams(query).toString()}`);
    expect(response.status, response.body as string).toBe(200);
    const answer = response.json as { ok: boolean; destinations: { servingCluster: string; reason: string }[] };
    expect(answer.destinations.map((destination) => destination.servingCluster)).toEqual([serving]);
    expect(answer.ok, answer.destinations.map((destination) => destination.reason).join('; ')).toBe(true);
  });

  test('two intents for two ports of one Service render one host with both ports', async () => {
    const harness = await applied(SCENARIO);
    const view = (await harness.request('GET', '/v2/render')).json as View;
    const edge = view.clusters.find((entry) => entry.cluster === 'edge-83')?.resources ?? [];
    const entries = edge.filter((object) => object.kind === 'ServiceEntry');
    // The cross-cluster name carries the mesh-facing ports; the Service's own name, the Service's ports.
    expect(
      entries.map((entry) => [
        (entry.spec?.hosts as string[])[0],
        (entry.spec?.ports as { number: number }[]).map((port) => port.number),
      ]),
    ).toEqual([
      ['payments.shop.shop-cloud', [8080, 9901]],
      ['payments.shop.svc.cluster.local', [80, 9901]],
    ]);
    const rule = edge.find((object) => object.kind === 'DestinationRule');
    const settings = (rule?.spec?.trafficPolicy as { portLevelSettings: { tls: { sni: string } }[] }).portLevelSettings;
    expect(settings.map((setting) => setting.tls.sni)).toEqual([
      'outbound_.80_._.payments.shop.svc.cluster.local',
      'outbound_.9901_._.payments.shop.svc.cluster.local',
    ]);
    const west = view.clusters.find((entry) => entry.cluster === 'west-new')?.resources ?? [];
    const policies = west
      .filter((object) => object.kind === 'AuthorizationPolicy' && object.metadata.name.startsWith('payments-'))
      .map((object) => object.metadata.name);
    expect(policies).toEqual(['payments-80-callers', 'payments-9901-callers']);
  });

  test.each([
    ['batch@fleet/edge-83', '9901', 'GET', '/stats', true],
    ['checkout@fleet/west-old', '9901', 'GET', '/stats', false],
    ['batch@fleet/edge-83', '8080', 'GET', '/reports/1', true],
  ])('%s calls payments on port %s: %s %s delivered %s', async (who, port, method, path, delivered) => {
    const harness = await applied(SCENARIO);
    const [from, cluster] = who.split('@') as [string, string];
    const to = cluster === 'fleet/edge-83' ? 'payments.shop.shop-cloud' : 'payments.shop.svc.cluster.local';
    const query = new URLSearchParams({ from, cluster, to, method, path, port });
    const answer = (await harness.request('GET', `/v2/check-route?${query.toString()}`)).json as {
      ok: boolean;
      destinations: { refusedAt: string | null; reason: string }[];
    };
    expect(answer.ok, answer.destinations.map((destination) => destination.reason).join('; ')).toBe(delivered);
    if (!delivered) expect(answer.destinations[0]?.refusedAt).toBe('authorization');
  });

  test('an undeclared operation of a declared caller is refused by the policy', async () => {
    const harness = await applied(SCENARIO);
    const query = 'from=batch&cluster=fleet/edge-83&to=payments.shop.shop-cloud&method=POST&path=/charges';
    const answer = (await harness.request('GET', `/v2/check-route?${query}`)).json as {
      destinations: { refusedAt: string }[];
    };
    expect(answer.destinations[0]?.refusedAt).toBe('authorization');
  });
});
