/** An edge's verdict, read from a `check route` trace: delivered, or refused at a hop and why. */
import type { DestinationTrace } from '../dataplane/trace.js';
import type { RouteCheck } from '../render/check-route.js';

export interface Verdict {
  verdict: 'delivered' | 'refused';
  reason: string | null;
  hop: string | null;
  hopCluster: string | null;
}

export function destinationVerdict(destination: DestinationTrace): Verdict {
  if (destination.delivered) return { verdict: 'delivered', reason: destination.reason, hop: null, hopCluster: null };
  const refusing = destination.hops.find((hop) => !hop.ok);
  return {
    verdict: 'refused',
    reason: destination.reason,
    hop: destination.refusedAt ?? refusing?.hop ?? null,
    hopCluster: refusing?.cluster ?? null,
  };
}

/** Why a call reaches no destination in `cluster`: DNS, no route, a refusal before any cluster, or it goes elsewhere. */
export function notReached(check: RouteCheck, cluster: string): Verdict {
  if (!check.dns.ok) return { verdict: 'refused', reason: check.dns.detail, hop: 'dns', hopCluster: check.dns.cluster };
  if (check.destinations.length === 0)
    return { verdict: 'refused', reason: check.route, hop: 'route', hopCluster: check.caller.cluster };
  const early = check.destinations.find((destination) => destination.servingCluster === null);
  if (early) return destinationVerdict(early);
  const elsewhere = [...new Set(check.destinations.map((destination) => destination.servingCluster))].join(', ');
  return {
    verdict: 'refused',
    reason: `the caller's sidecar sends this call to ${elsewhere}, not to ${cluster}`,
    hop: 'endpoint',
    hopCluster: check.caller.cluster,
  };
}
