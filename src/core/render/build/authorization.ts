/**
 * The AuthorizationPolicy of a service: ALLOW exactly the declared callers, each
 * with exactly its declared operations. EMCO's policy had no `from` and let any
 * caller in; with no callers declared, this one lets none in.
 */
import type { AccessMap } from '../../model/access.js';
import { meshOf } from '../mesh.js';
import type { ClientModel, ServiceModel } from '../services.js';
import type { Placement } from '../topology.js';

type Operation = { methods?: string[]; paths?: string[] };
type Source = { principals?: string[]; namespaces?: string[]; ipBlocks?: string[] };
export interface AuthorizationRule {
  from: { source: Source }[];
  to?: { operation: Operation }[];
}

export function principalOf(placement: Placement): string {
  return `${meshOf(placement.cluster).trustDomain}/ns/${placement.namespace}/sa/${placement.serviceAccount}`;
}

/** method → paths, merged from several access maps and access points. */
type OperationSet = Map<string, Set<string>>;

function addAccess(into: OperationSet, operations: Record<string, string[]> | undefined): void {
  for (const [method, paths] of Object.entries(operations ?? {})) {
    const set = into.get(method) ?? new Set<string>();
    for (const path of paths) set.add(path);
    into.set(method, set);
  }
}

/** `*` as a method means any method: the operation then names only paths. */
function toOperations(set: OperationSet): { operation: Operation }[] {
  return [...set.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([method, paths]) => {
      const sortedPaths = [...paths].sort();
      const wildcardPath = sortedPaths.includes('*');
      const operation: Operation = {};
      if (method !== '*') operation.methods = [method];
      if (!wildcardPath) operation.paths = sortedPaths;
      return { operation };
    });
}

function clientPrincipals(client: ClientModel): string[] {
  if (client.spec.type !== 'istio') return [];
  return [...new Set(client.placements.map(principalOf))].sort();
}

interface Caller {
  sources: Source[];
  operations: OperationSet;
}

function callerOf(client: ClientModel, inboundAccess: AccessMap): Caller {
  const principals = clientPrincipals(client);
  const operations: OperationSet = new Map();
  for (const principal of principals) addAccess(operations, inboundAccess[principal]);
  for (const [principal, access] of Object.entries(client.spec.serviceAccountAccess)) {
    if (principals.includes(principal) || principals.length === 0) addAccess(operations, access);
  }
  for (const point of client.accessPoints)
    addAccess(operations, Object.fromEntries(point.methods.map((method) => [method, point.urls])));
  const sources: Source[] = [];
  if (principals.length > 0) sources.push({ principals });
  if (client.spec.namespaces.length > 0) sources.push({ namespaces: [...client.spec.namespaces].sort() });
  if (client.spec.cidrs.length > 0) sources.push({ ipBlocks: [...client.spec.cidrs].sort() });
  return { sources, operations };
}

/** Principals named in an access map that no client stands for: callers given verbatim. */
function verbatimCallers(access: AccessMap, known: Set<string>): Caller[] {
  return Object.entries(access)
    .filter(([principal]) => !known.has(principal))
    .map(([principal, operations]) => {
      const set: OperationSet = new Map();
      addAccess(set, operations);
      return { sources: [{ principals: [principal] }], operations: set };
    });
}

/** Callers with the same operations share one rule; rules are ordered so output is stable. */
export function authorizationRules(service: ServiceModel): AuthorizationRule[] {
  const access = service.spec.serviceAccountAccess;
  const callers = service.clients
    .map((client) => callerOf(client, access))
    .filter((caller) => caller.sources.length > 0);
  const known = new Set(service.clients.flatMap(clientPrincipals));
  callers.push(...verbatimCallers(access, known));
  for (const client of service.clients) {
    const own = new Set(clientPrincipals(client));
    if (own.size > 0) callers.push(...verbatimCallers(client.spec.serviceAccountAccess, own));
  }
  if (service.spec.namespaces.length > 0)
    callers.push({ sources: [{ namespaces: [...service.spec.namespaces].sort() }], operations: new Map() });

  const byOperations = new Map<string, { sources: Source[]; to: { operation: Operation }[] }>();
  for (const caller of callers) {
    const to = toOperations(caller.operations);
    const key = JSON.stringify(to);
    const rule = byOperations.get(key) ?? { sources: [], to };
    rule.sources.push(...caller.sources);
    byOperations.set(key, rule);
  }
  return [...byOperations.values()]
    .map(({ sources, to }) => ({
      from: mergeSources(sources).map((source) => ({ source })),
      ...(to.length > 0 ? { to } : {}),
    }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Principals of several callers with the same operations go in one source. */
function mergeSources(sources: Source[]): Source[] {
  const principals = new Set<string>();
  const rest: Source[] = [];
  for (const source of sources) {
    if (source.principals && !source.namespaces && !source.ipBlocks)
      source.principals.forEach((principal) => principals.add(principal));
    else rest.push(source);
  }
  const merged = principals.size > 0 ? [{ principals: [...principals].sort() }] : [];
  const unique = new Map([...merged, ...rest].map((source) => [JSON.stringify(source), source]));
  return [...unique.values()];
}
