/**
 * The Service's own name in federated callers' clusters (build/local-name.ts), over random
 * valid fleets: from Istio 1.8, where no other app has a Service of that name there, the
 * caller's cluster has a ServiceEntry for `<svc>.<ns>.svc.cluster.local` with the same
 * gateways as the cross-cluster name and a DestinationRule with the same mesh TLS; where
 * one has, or another remote service claims the same name, none, and a warning; before 1.8, none.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { allocateAddresses, generateFleet } from '../../test-support/fleet.js';
import { arbitraryFleetOptions } from '../../test-support/fleet-changes.js';
import { federatedSides } from './build/service.js';
import { clusterLabel, meshOf } from './mesh.js';
import type { RenderedObject } from './objects.js';
import { addressClaims, planRender, Renderer, type RenderResult } from './render.js';
import { localHost, usesApplicationTls, wholeService } from './services.js';
import { validateRendered } from './validate.js';

interface Entry {
  hosts: string[];
  addresses: string[];
  endpoints: { address: string; ports: Record<string, number> }[];
}

function objectsIn(result: RenderResult, clusterKey: string, kind: string): RenderedObject[] {
  const found = result.clusters.find((candidate) => candidate.cluster.key === clusterKey);
  return (found?.resources ?? []).filter((object) => object.kind === kind);
}

const specOf = (entry: RenderedObject | undefined) => entry?.spec as unknown as Entry | undefined;

const gatewaysOf = (entry: RenderedObject | undefined) =>
  (specOf(entry)?.endpoints ?? []).map((point) => `${point.address}:${Object.values(point.ports)}`);

const tlsOf = (rule: RenderedObject | undefined) => JSON.stringify(rule?.spec?.trafficPolicy ?? null);

test("federated callers' clusters get the Service's own name where it is free, from Istio 1.8", () => {
  let seen = { rendered: 0, legacy: 0 };
  fc.assert(
    fc.property(arbitraryFleetOptions, (options) => {
      const snapshot = generateFleet(options);
      const plan = planRender(snapshot);
      const result = new Renderer(validateRendered).render(snapshot, allocateAddresses(addressClaims(snapshot)), plan);
      const problems: string[] = [];
      for (const service of plan.model.services.filter((candidate) => !usesApplicationTls(candidate))) {
        for (const side of federatedSides(wholeService(service))) {
          const own = localHost(service.spec.serviceName, service.namespace);
          const where = `${service.key} in ${clusterLabel(side.cluster)}`;
          const entries = objectsIn(result, side.cluster.key, 'ServiceEntry');
          const byOwn = entries.filter((entry) => specOf(entry)?.hosts.includes(own));
          const byAlias = entries.find((entry) => specOf(entry)?.hosts.includes(side.host));
          const taken = [...(service.nameTakenIn ?? []), ...(service.nameSharedIn ?? [])].includes(side.cluster.key);
          if (!meshOf(side.cluster).profile.dnsProxy || taken) {
            seen = { ...seen, legacy: seen.legacy + 1 };
            if (byOwn.length > 0) problems.push(`${where}: a ServiceEntry for ${own} though it may not have one`);
            const warned = result.diagnostics.some(
              (diagnostic) =>
                ['LocalNameTaken', 'LocalNameAmbiguous'].includes(diagnostic.code) &&
                diagnostic.resource === service.key,
            );
            if (taken && meshOf(side.cluster).profile.dnsProxy && !warned) problems.push(`${where}: no warning`);
            continue;
          }
          seen = { ...seen, rendered: seen.rendered + 1 };
          if (byOwn.length !== 1) {
            problems.push(`${where}: ${byOwn.length} ServiceEntries for ${own}`);
            continue;
          }
          if (JSON.stringify(gatewaysOf(byOwn[0]).sort()) !== JSON.stringify(gatewaysOf(byAlias).sort()))
            problems.push(`${where}: ${own} does not go to the gateways ${side.host} goes to`);
          const rules = objectsIn(result, side.cluster.key, 'DestinationRule');
          const ownRule = rules.find((rule) => rule.spec?.host === own);
          const aliasRule = rules.find((rule) => rule.spec?.host === side.host);
          // One port: the same policy; several: the same TLS per port, keyed by the Service's ports instead.
          if (service.ports.length <= 1 && tlsOf(ownRule) !== tlsOf(aliasRule))
            problems.push(`${where}: the DestinationRule for ${own} differs from the one for ${side.host}`);
        }
      }
      expect(problems).toEqual([]);
    }),
    { numRuns: 120 },
  );
  // Both branches occur, so the property checks something either way.
  expect(seen.rendered).toBeGreaterThan(0);
  expect(seen.legacy).toBeGreaterThan(0);
});
