/** The map of a snapshot, rendered purely (addresses as the ledger would give them), for tests and benchmarks. */
import { fleetWorld } from '../core/dataplane/world.js';
import { buildMap, type FleetMap } from '../core/map/build.js';
import { planRender, Renderer } from '../core/render/render.js';
import type { Snapshot } from '../core/render/snapshot.js';
import { validateRendered } from '../core/render/validate.js';
import { allocateAddresses } from './fleet-addresses.js';

export function mapOf(snapshot: Snapshot, renderer = new Renderer(validateRendered)): FleetMap {
  const plan = planRender(snapshot);
  const result = renderer.render(snapshot, allocateAddresses(plan.claims), plan);
  return buildMap({
    snapshot,
    model: plan.model,
    world: fleetWorld(snapshot, result, plan),
    diagnostics: result.diagnostics,
  });
}
