/**
 * The map over random valid fleets (test-support/fleet.ts): every declared caller → service
 * pair appears exactly once per cluster it should reach, every edge joins listed nodes,
 * ids are unique and the same in a second build, and a reader of some projects sees
 * nothing of the others.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { arbitraryFleetOptions } from '../../test-support/fleet-changes.js';
import { generateFleet } from '../../test-support/fleet.js';
import { mapOf } from '../../test-support/fleet-map.js';
import { principalOf } from '../render/build/authorization.js';
import { clusterLabel } from '../render/mesh.js';
import { planRender } from '../render/render.js';
import { filterMap } from './filter.js';

/** What the intents declare, computed here from the model alone: intent, client, caller, serving cluster. */
function declaredPairs(snapshot: ReturnType<typeof generateFleet>): Set<string> {
  const pairs = new Set<string>();
  for (const service of planRender(snapshot).model.services) {
    for (const client of service.clients) {
      if (client.spec.type === 'external') continue;
      for (const placement of client.placements) {
        const local = service.servers.filter((server) => server.cluster.key === placement.cluster.key);
        for (const server of local.length > 0 ? local : service.servers)
          pairs.add(
            JSON.stringify([
              service.key,
              client.key,
              clusterLabel(placement.cluster),
              principalOf(placement),
              clusterLabel(server.cluster),
            ]),
          );
      }
    }
  }
  return pairs;
}

test('every declared call is one edge per cluster it should reach; edges join listed nodes; ids are stable', () => {
  let seen = { edges: 0, routed: 0, refused: 0 };
  fc.assert(
    fc.property(arbitraryFleetOptions, (options) => {
      const snapshot = generateFleet(options);
      const { view } = mapOf(snapshot);
      const callers = new Map(view.callers.map((caller) => [caller.id, caller]));
      const services = new Map(view.services.map((service) => [service.id, service]));
      expect(new Set(view.edges.map((edge) => edge.id)).size).toBe(view.edges.length);
      for (const edge of view.edges) {
        expect(callers.has(edge.from), `${edge.id} from`).toBe(true);
        expect(services.has(edge.to), `${edge.id} to`).toBe(true);
        expect(edge.verdict === 'delivered').toBe(edge.hop === null);
      }
      const declared = view.edges.filter((edge) => edge.client !== null);
      const found = declared.map((edge) => {
        const caller = callers.get(edge.from);
        return JSON.stringify([
          edge.intent,
          edge.client,
          caller?.cluster,
          caller?.principal,
          services.get(edge.to)?.cluster,
        ]);
      });
      expect(found.length).toBe(new Set(found).size);
      expect(new Set(found)).toEqual(declaredPairs(snapshot));
      expect(JSON.stringify(mapOf(structuredClone(snapshot)).view)).toBe(JSON.stringify(view));
      const project = view.services[0]?.project;
      if (project !== undefined) {
        const own = filterMap(view, {}, new Set([project]));
        expect([...own.services, ...own.callers].every((item) => item.project === project)).toBe(true);
      }
      seen = {
        edges: seen.edges + view.edges.length,
        routed: seen.routed + view.edges.filter((edge) => edge.share !== null).length,
        refused: seen.refused + view.edges.filter((edge) => edge.verdict === 'refused').length,
      };
    }),
    { numRuns: 40 },
  );
  // The runs exercised what they claim to: declared edges, weighted destinations.
  expect(seen.edges).toBeGreaterThan(100);
  expect(seen.routed).toBeGreaterThan(0);
});
