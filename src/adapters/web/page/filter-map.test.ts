import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeRows } from './edge-table.js';
import { filterChoices, filterMap, NO_FILTERS } from './filter-map.js';
import type { MapFilters } from './map-data.js';
import { fleetMap, twoCloudsMap } from './test-support/map-fixture.js';

describe('filterMap', () => {
  it('keeps everything without filters', () => {
    const map = twoCloudsMap();
    expect(filterMap(map, NO_FILTERS)).toBe(map);
  });

  it('narrows to a service, keeping its callers and the clusters they are in', () => {
    const shown = filterMap(twoCloudsMap(), { ...NO_FILTERS, service: 'productpage' });
    expect(shown.edges.map((edge) => edge.id).sort()).toEqual(['e2', 'e3']);
    expect(shown.callers.map((caller) => caller.app).sort()).toEqual(['bookinfo-user', 'sleep']);
    expect(shown.clusters.map((cluster) => cluster.key).sort()).toEqual(['edge/cluster01', 'edge/cluster02']);
  });

  it('narrows to a cluster: the edges with either end there', () => {
    const shown = filterMap(twoCloudsMap(), { ...NO_FILTERS, cluster: 'edge/cluster02' });
    expect(shown.edges.map((edge) => edge.id).sort()).toEqual(['e1', 'e3']);
  });

  it('keeps, for any filters, only edges whose ends are kept and a subset of the map', () => {
    const map = fleetMap(12, 80);
    const choices = filterChoices(map);
    const pick = (values: string[]) => fc.constantFrom('', ...values);
    const filters = fc.record<MapFilters>({
      project: pick(choices.project),
      compositeApp: pick(choices.compositeApp),
      group: pick(choices.group),
      cluster: pick(choices.cluster),
      service: pick(choices.service),
    });
    fc.assert(
      fc.property(filters, (chosen) => {
        const shown = filterMap(map, chosen);
        const services = new Map(shown.services.map((service) => [service.id, service]));
        const callers = new Map(shown.callers.map((caller) => [caller.id, caller]));
        const clusters = new Set(shown.clusters.map((cluster) => cluster.key));
        for (const edge of shown.edges) {
          const service = services.get(edge.to);
          const caller = callers.get(edge.from);
          expect(service).toBeDefined();
          expect(caller).toBeDefined();
          expect(clusters.has(service!.cluster) && clusters.has(caller!.cluster)).toBe(true);
          if (chosen.project) expect(service!.project).toBe(chosen.project);
          if (chosen.service) expect(service!.name).toBe(chosen.service);
          if (chosen.cluster) expect([service!.cluster, caller!.cluster]).toContain(chosen.cluster);
        }
        // Nothing the filters admit is dropped.
        const admitted = map.edges.filter((edge) => {
          const service = map.services.find((one) => one.id === edge.to)!;
          const caller = map.callers.find((one) => one.id === edge.from)!;
          return (
            (chosen.project === '' || service.project === chosen.project) &&
            (chosen.compositeApp === '' || service.compositeApp === chosen.compositeApp) &&
            (chosen.group === '' || service.group === chosen.group) &&
            (chosen.service === '' || service.name === chosen.service) &&
            (chosen.cluster === '' || [service.cluster, caller.cluster].includes(chosen.cluster))
          );
        });
        expect(shown.edges.map((edge) => edge.id).sort()).toEqual(admitted.map((edge) => edge.id).sort());
      }),
      { numRuns: 200 },
    );
  });
});

describe('edgeRows', () => {
  it('lists every edge once, refused first, with hop and reason', () => {
    const rows = edgeRows(twoCloudsMap());
    expect(rows.map((row) => row.id)).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      id: 'e3',
      verdict: 'refused',
      caller: 'bookinfo-user (edge/cluster02, namespace01)',
      why: 'AuthorizationPolicy productpage (edge/cluster01): no rule allows bookinfo-user',
    });
  });
});
