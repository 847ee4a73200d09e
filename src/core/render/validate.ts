/**
 * Every rendered object is checked against Istio's schemas, its known fields and its
 * webhook rules before it is served; one that fails is a renderer bug, so rendering
 * stops loudly (InvalidRenderError) instead of serving it.
 */
import { assertValidObjects } from '../istio/validate.js';
import type { K8sObject } from '../istio/objects.js';
import type { RenderedObject } from './objects.js';
import { parseVersion, profileFor } from './profile.js';
import { istioVersionOf } from './services.js';
import type { ClusterFacts } from './snapshot.js';

export function validateRendered(objects: RenderedObject[], cluster: ClusterFacts): void {
  const profile = profileFor(istioVersionOf(cluster));
  assertValidObjects(objects as unknown as K8sObject[], {
    weightsMustSum100: profile.weightsMustSum100,
    istioMinor: parseVersion(profile.version)[1],
  });
}
