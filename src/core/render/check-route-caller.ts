/**
 * Who makes the call `check route` checks: where the `--from` app runs in the
 * given cluster (its placement: project, namespace, service account) and the
 * cluster's trust domain, which make its principal. The rendered objects do not
 * carry placements, so this reads the topology.
 */
import { ValidationError } from '../errors.js';
import { specOf } from '../model/kind.js';
import { clusterKey } from '../model/keys.js';
import { meshOf } from './mesh.js';
import type { Snapshot } from './snapshot.js';
import type { Placement, Topology } from './topology.js';

export interface CallerQuery {
  app: string;
  /** `provider/cluster` */
  cluster: string;
  project?: string;
  namespace?: string;
}

export interface CallerPlacement {
  app: string;
  project: string;
  deploymentIntentGroup: string;
  logicalCloud: string;
  namespace: string;
  serviceAccount: string;
  trustDomain: string;
  /** The app's pod labels as its client intents declare them (`appLabel`), else `app=<app>`. */
  labels: Record<string, string>;
  /** Whether its pods have a sidecar: not when its client intents say `type: k8s` or `external`. */
  sidecar: boolean;
}

const describe = (placement: Placement) =>
  `project ${placement.group.project} namespace ${placement.namespace} (service account ${placement.serviceAccount})`;

/** Whether the app's pods have a sidecar: every client intent of it in the project says `type: istio` (the default). */
export function callerHasSidecar(snapshot: Snapshot, project: string, app: string): boolean {
  return snapshot.clients
    .filter((client) => client.key.startsWith(`projects/${encodeURIComponent(project)}/`))
    .map((client) => specOf(client.body) as { app?: string; type?: string })
    .filter((spec) => spec.app === app)
    .every((spec) => (spec.type ?? 'istio') === 'istio');
}

/** The labels a client intent of the app declares (`appLabel: app=sleep`), in the caller's project. */
export function callerLabels(snapshot: Snapshot, project: string, app: string): Record<string, string> {
  for (const client of snapshot.clients) {
    if (!client.key.startsWith(`projects/${encodeURIComponent(project)}/`)) continue;
    const spec = specOf(client.body) as { app?: string; appLabel?: string };
    if (spec.app !== app || !spec.appLabel?.includes('=')) continue;
    const [key, ...value] = spec.appLabel.split('=');
    return { [key as string]: value.join('=') };
  }
  return { app };
}

function distinct(placements: Placement[]): Placement[] {
  const seen = new Map<string, Placement>();
  for (const placement of placements) {
    const key = JSON.stringify([placement.group.project, placement.namespace, placement.serviceAccount]);
    if (!seen.has(key)) seen.set(key, placement);
  }
  return [...seen.values()];
}

/** Throws a ValidationError (400) naming the candidates when the app does not run there, or runs in several places. */
export function findCaller(topology: Topology, query: CallerQuery): Placement {
  const [provider, name] = query.cluster.split('/') as [string, string];
  const key = clusterKey(provider, name);
  if (!topology.clusters.has(key))
    throw new ValidationError(`there is no cluster ${query.cluster}`, [
      { path: 'cluster', message: `there is no cluster ${query.cluster}` },
    ]);
  const everywhere = [...topology.groups.values()].flatMap((group) => topology.inGroup(group.key, query.app));
  const here = everywhere.filter((placement) => placement.cluster.key === key);
  const chosen = distinct(
    here.filter(
      (placement) =>
        (query.project === undefined || placement.group.project === query.project) &&
        (query.namespace === undefined || placement.namespace === query.namespace),
    ),
  );
  if (chosen.length === 1) return chosen[0] as Placement;
  if (chosen.length === 0) {
    const elsewhere = [
      ...new Set(everywhere.map((placement) => `${placement.cluster.provider}/${placement.cluster.name}`)),
    ];
    const narrowed = query.project !== undefined || query.namespace !== undefined;
    const message =
      here.length > 0 && narrowed
        ? `${query.app} runs in ${query.cluster} only as ${distinct(here).map(describe).join('; ')}`
        : `${query.app} is not placed in ${query.cluster}${elsewhere.length > 0 ? ` (it runs in ${elsewhere.join(', ')})` : ''}`;
    throw new ValidationError(message, [{ path: narrowed && here.length > 0 ? 'project' : 'from', message }]);
  }
  const projects = new Set(chosen.map((placement) => placement.group.project));
  const field = projects.size > 1 ? 'project' : 'namespace';
  const message = `${query.app} runs in ${query.cluster} in several places: ${chosen.map(describe).join('; ')}; say which with ${field}`;
  throw new ValidationError(message, [{ path: field, message }]);
}

export function callerPlacement(snapshot: Snapshot, topology: Topology, query: CallerQuery): CallerPlacement {
  const placement = findCaller(topology, query);
  return {
    app: query.app,
    project: placement.group.project,
    deploymentIntentGroup: placement.group.name,
    logicalCloud: placement.logicalCloud,
    namespace: placement.namespace,
    serviceAccount: placement.serviceAccount,
    trustDomain: meshOf(placement.cluster).trustDomain,
    labels: callerLabels(snapshot, placement.group.project, query.app),
    sidecar: callerHasSidecar(snapshot, placement.group.project, query.app),
  };
}
