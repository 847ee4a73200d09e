/**
 * The indexed lookups (cluster-index.ts) give what the linear scans they replaced gave, on
 * random clusters: ServiceEntries, DestinationRules and other objects with exact, `*.suffix`,
 * `*` and empty hosts, `exportTo` lists and several namespaces. The scans are kept here as the
 * oracle (a DestinationRule's choice among the candidates is outbound.ts's own, shared).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hostMatches, qualifyHost } from '../render/check-route-match.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';
import { clusterByName, objectsForHost, objectsOfKind } from './cluster-index.js';
import { exportedTo } from './exports.js';
import { chooseRule, destinationRuleFor } from './outbound.js';
import { testCluster, testObject, TEST_CALLER } from './test-support/world.js';
import { entryFor } from './trace.js';
import { serviceIn, type ClusterWorld } from './world.js';

const NAMESPACES = ['ns1', 'ns2', 'istio-system'];
const hosts = fc.constantFrom(
  'a.ns1.svc.cluster.local',
  'b.ns2.svc.cluster.local',
  'a',
  'b',
  '*.svc.cluster.local',
  '*.ns1.svc.cluster.local',
  '*',
  '*a',
  'x.global',
  '',
);
const namespace = fc.constantFrom(...NAMESPACES);
const exportTo = fc.option(fc.subarray(['.', '*', 'ns1', 'ns2']), { nil: undefined });
const selector = fc.option(fc.constant({ matchLabels: { app: 'sleep' } }), { nil: undefined });

const object = fc
  .record({
    kind: fc.constantFrom('ServiceEntry', 'DestinationRule', 'VirtualService', 'ConfigMap'),
    namespace: fc.option(namespace, { nil: undefined }),
    name: fc.constantFrom('one', 'two', 'three'),
    hosts: fc.array(hosts, { maxLength: 3 }),
    exportTo,
    selector,
  })
  .map(({ kind, namespace, name, hosts, exportTo, selector }): RenderedObject => {
    const made = testObject(kind, namespace ?? '', name, {
      ...(kind === 'DestinationRule'
        ? { host: hosts[0], ...(selector ? { workloadSelector: selector } : {}) }
        : { hosts }),
      ...(exportTo ? { exportTo } : {}),
    });
    if (namespace === undefined) delete made.metadata.namespace;
    return made;
  });

const cluster = fc
  .record({
    objects: fc.array(object, { maxLength: 25 }),
    version: fc.constantFrom('1.6', '1.12', '1.24'),
    services: fc.array(fc.record({ name: fc.constantFrom('a', 'b'), namespace, port: fc.constantFrom(80, 81) }), {
      maxLength: 6,
    }),
  })
  .map(({ objects, version, services }) =>
    testCluster({ name: 'p/c1', resources: objects, services, mesh: { istioVersion: version } }),
  );

/** trace.ts entryFor before the index. */
function scannedEntry(cluster: ClusterWorld, namespace: string, host: string) {
  return cluster.resources
    .filter(
      (object) =>
        exportedTo(object, namespace, cluster.mesh.profile) &&
        (specOfKind(object, 'ServiceEntry')?.hosts ?? []).some((pattern) => hostMatches(pattern, host)),
    )
    .sort((a, b) => Number(b.metadata.namespace === namespace) - Number(a.metadata.namespace === namespace))[0];
}

/** outbound.ts destinationRuleFor before the index: the candidates found by a scan, then chosen as Istio chooses. */
function scannedRule(
  cluster: ClusterWorld,
  caller: typeof TEST_CALLER,
  host: string,
  hostNamespace: string | undefined,
): RenderedObject | undefined {
  const profile = cluster.mesh.profile;
  const matching = cluster.resources.filter(
    (object) =>
      hostMatches(qualifyHost(specOfKind(object, 'DestinationRule')?.host ?? '', object.metadata.namespace), host) &&
      exportedTo(object, caller.namespace, profile),
  );
  return chooseRule(cluster, caller, hostNamespace, matching);
}

const lookedUp = fc.constantFrom(
  'a.ns1.svc.cluster.local',
  'b.ns2.svc.cluster.local',
  'a',
  'x.global',
  '*a',
  'c.ns1.svc.cluster.local',
  '',
);

describe('indexed lookups equal the scans they replace', () => {
  test('the ServiceEntry a namespace sees for a host', () => {
    fc.assert(
      fc.property(cluster, namespace, lookedUp, (world, caller, host) => {
        expect(entryFor(world, caller, host)).toBe(scannedEntry(world, caller, host));
        // Asked again, from the memo.
        expect(entryFor(world, caller, host)).toBe(scannedEntry(world, caller, host));
      }),
    );
  });

  test('the DestinationRule a caller gets for a host', () => {
    fc.assert(
      fc.property(cluster, namespace, lookedUp, fc.option(namespace, { nil: undefined }), (world, ns, host, own) => {
        const caller = { ...TEST_CALLER, namespace: ns };
        expect(destinationRuleFor(world, caller, host, own)).toBe(scannedRule(world, caller, host, own));
        expect(destinationRuleFor(world, caller, host, own)).toBe(scannedRule(world, caller, host, own));
      }),
    );
  });

  test('objects of a kind, and those that may match a host, in rendered order', () => {
    const rawHosts = (object: RenderedObject) => (object.spec?.hosts as string[] | undefined) ?? [];
    fc.assert(
      fc.property(cluster, lookedUp, (world, host) => {
        for (const kind of ['ServiceEntry', 'DestinationRule', 'VirtualService', 'ConfigMap', 'Gateway'])
          expect(objectsOfKind(world, kind)).toEqual(world.resources.filter((object) => object.kind === kind));
        const matching = (list: readonly RenderedObject[]) =>
          list.filter((object) => rawHosts(object).some((pattern) => hostMatches(pattern, host)));
        expect(matching(objectsForHost(world, 'VirtualService', rawHosts, host))).toEqual(
          matching(world.resources.filter((object) => object.kind === 'VirtualService')),
        );
        const ruleHost = (object: RenderedObject) => [
          qualifyHost(specOfKind(object, 'DestinationRule')?.host ?? '', object.metadata.namespace),
        ];
        const rules = (list: readonly RenderedObject[]) =>
          list.filter((object) => ruleHost(object).some((pattern) => hostMatches(pattern, host)));
        expect(rules(objectsForHost(world, 'DestinationRule', ruleHost, host))).toEqual(
          rules(world.resources.filter((object) => object.kind === 'DestinationRule')),
        );
      }),
    );
  });

  test('a Service by host and port, and a cluster by name: the first of the list', () => {
    fc.assert(
      fc.property(
        cluster,
        lookedUp,
        fc.option(fc.constantFrom(80, 81, 82), { nil: undefined }),
        (world, host, port) => {
          expect(serviceIn(world, host, port)).toBe(
            world.services.find(
              (service) =>
                `${service.name}.${service.namespace}.svc.cluster.local` === host &&
                (port === undefined || service.port === port),
            ),
          );
          const twin = { ...world };
          const fleet = { clusters: [world, twin, testCluster({ name: 'p/c2' })] };
          expect(clusterByName(fleet, 'p/c1')).toBe(world);
          expect(clusterByName(fleet, 'p/c2')).toBe(fleet.clusters[2]);
          expect(clusterByName(fleet, 'p/c3')).toBeUndefined();
        },
      ),
    );
  });
});
