/**
 * Would the serving sidecar let a call in? Istio's AuthorizationPolicy semantics,
 * evaluated offline on rendered objects: DENY policies first, then ALLOW (with
 * ALLOW policies selecting the workload, some rule must match; an ALLOW policy
 * with no rules admits no one; with none, everything is allowed). What cannot be
 * known offline (a caller IP that was not given, an unknown `when` key) never
 * matches, and the reason says so.
 */
import { inIpBlock, pathOnly, policyMatches } from './check-route-match.js';
import type { RenderedObject } from './objects.js';

/** Who calls, as the serving sidecar sees it. */
export interface PeerIdentity {
  /** `<trustDomain>/ns/<ns>/sa/<sa>`; `''` when the call carries no mesh certificate; undefined when unknown. */
  principal: string | undefined;
  /** Why the principal is empty or unknown, for reasons. */
  why?: string;
  ip?: string;
}

export interface RequestFacts {
  method: string;
  path: string;
  /** The Host header: the name the caller used. */
  host: string;
  port?: number;
}

export interface Workload {
  namespace: string;
  labels: Record<string, string>;
}

export interface AuthzVerdict {
  allowed: boolean;
  reason: string;
  notes: string[];
}

type Values = string[] | undefined;
type Tri = boolean | undefined;

interface Source {
  principals?: Values;
  notPrincipals?: Values;
  requestPrincipals?: Values;
  notRequestPrincipals?: Values;
  namespaces?: Values;
  notNamespaces?: Values;
  ipBlocks?: Values;
  notIpBlocks?: Values;
  remoteIpBlocks?: Values;
  notRemoteIpBlocks?: Values;
  serviceAccounts?: Values;
  notServiceAccounts?: Values;
  trustDomains?: Values;
  notTrustDomains?: Values;
}

interface Operation {
  hosts?: Values;
  notHosts?: Values;
  ports?: Values;
  notPorts?: Values;
  methods?: Values;
  notMethods?: Values;
  paths?: Values;
  notPaths?: Values;
}

interface Condition {
  key: string;
  values?: Values;
  notValues?: Values;
}

interface Rule {
  from?: { source: Source }[];
  to?: { operation: Operation }[];
  when?: Condition[];
}

interface PolicySpec {
  selector?: { matchLabels?: Record<string, string> };
  targetRef?: unknown;
  targetRefs?: unknown[];
  action?: string;
  rules?: Rule[];
}

const idOf = (object: RenderedObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const specOf = (object: RenderedObject) => (object.spec ?? {}) as PolicySpec;

/** AND of constraints: false wins, then unknown. */
function all(results: Tri[]): Tri {
  if (results.includes(false)) return false;
  return results.includes(undefined) ? undefined : true;
}

function constraint(values: Values, actual: string | undefined, test: (value: string, actual: string) => boolean): Tri {
  if (values === undefined) return true;
  if (actual === undefined) return undefined;
  return values.some((value) => test(value, actual));
}

const negate = (result: Tri): Tri => (result === undefined ? undefined : !result);
const notConstraint = (values: Values, actual: string | undefined, test: (value: string, actual: string) => boolean) =>
  values === undefined ? true : negate(constraint(values, actual, test));

/** The parts of a principal: trust domain, namespace, `ns/sa`. */
function principalParts(principal: string | undefined) {
  if (principal === undefined) return { trustDomain: undefined, namespace: undefined, account: undefined };
  const match = /^(.*)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  if (!match) return { trustDomain: '', namespace: '', account: '' };
  return { trustDomain: match[1], namespace: match[2], account: `${match[2]}/${match[3]}` };
}

function sourceMatches(source: Source, identity: PeerIdentity): Tri {
  const principal = identity.principal;
  const parts = principalParts(principal);
  const exact = (value: string, actual: string) => value === actual;
  const ip = (block: string, actual: string) => inIpBlock(block, actual);
  return all([
    constraint(source.principals, principal, (value, actual) => policyMatches(value, actual)),
    notConstraint(source.notPrincipals, principal, (value, actual) => policyMatches(value, actual)),
    constraint(source.requestPrincipals, '', (value, actual) => policyMatches(value, actual)),
    notConstraint(source.notRequestPrincipals, '', (value, actual) => policyMatches(value, actual)),
    constraint(source.namespaces, parts.namespace, (value, actual) => policyMatches(value, actual)),
    notConstraint(source.notNamespaces, parts.namespace, (value, actual) => policyMatches(value, actual)),
    constraint(source.serviceAccounts, parts.account, exact),
    notConstraint(source.notServiceAccounts, parts.account, exact),
    constraint(source.trustDomains, parts.trustDomain, (value, actual) => policyMatches(value, actual)),
    notConstraint(source.notTrustDomains, parts.trustDomain, (value, actual) => policyMatches(value, actual)),
    constraint(source.ipBlocks, identity.ip, ip),
    notConstraint(source.notIpBlocks, identity.ip, ip),
    constraint(source.remoteIpBlocks, identity.ip, ip),
    notConstraint(source.notRemoteIpBlocks, identity.ip, ip),
  ]);
}

function operationMatches(operation: Operation, request: RequestFacts): Tri {
  const text = (value: string, actual: string) => policyMatches(value, actual);
  const host = (value: string, actual: string) => policyMatches(value.toLowerCase(), actual.toLowerCase());
  const path = (value: string, actual: string) => policyMatches(value, actual, true);
  const port = request.port === undefined ? undefined : String(request.port);
  const exact = (value: string, actual: string) => value === actual;
  const bare = pathOnly(request.path);
  return all([
    constraint(operation.hosts, request.host, host),
    notConstraint(operation.notHosts, request.host, host),
    constraint(operation.ports, port, exact),
    notConstraint(operation.notPorts, port, exact),
    constraint(operation.methods, request.method, text),
    notConstraint(operation.notMethods, request.method, text),
    constraint(operation.paths, bare, path),
    notConstraint(operation.notPaths, bare, path),
  ]);
}

/** `when` keys known offline; request headers are taken as absent (the check sends none). */
function conditionMatches(condition: Condition, identity: PeerIdentity, request: RequestFacts): Tri {
  const parts = principalParts(identity.principal);
  const known: Record<string, string | undefined> = {
    'source.principal': identity.principal,
    'source.namespace': parts.namespace,
    'source.ip': identity.ip,
    'remote.ip': identity.ip,
    'destination.port': request.port === undefined ? undefined : String(request.port),
  };
  const isHeader = condition.key.startsWith('request.headers[') || condition.key.startsWith('request.auth.');
  if (!(condition.key in known) && !isHeader) return undefined;
  const actual = isHeader ? undefined : known[condition.key];
  const test = condition.key.endsWith('.ip')
    ? (value: string, real: string) => inIpBlock(value, real)
    : (value: string, real: string) => policyMatches(value, real);
  if (isHeader) return condition.values === undefined;
  return all([constraint(condition.values, actual, test), notConstraint(condition.notValues, actual, test)]);
}

interface RuleMatch {
  from: Tri;
  to: Tri;
  when: Tri;
  /** The first source and operation that matched, described only if the rule decides (whatMatched). */
  matchedSource: Source | undefined;
  matchedOperation: Operation | undefined;
}

function describeSource(source: Source, identity: PeerIdentity): string {
  const parts = principalParts(identity.principal);
  const principal = source.principals?.find((value) => policyMatches(value, identity.principal ?? ''));
  if (principal !== undefined) return `principal ${principal}`;
  const namespace = source.namespaces?.find((value) => policyMatches(value, parts.namespace ?? ''));
  if (namespace !== undefined) return `namespace ${namespace}`;
  if (source.serviceAccounts) return `service account ${parts.account}`;
  if (source.ipBlocks || source.remoteIpBlocks) return `ip ${identity.ip}`;
  return 'any source';
}

function describeMatchedOperation(operation: Operation, request: RequestFacts): string {
  const method = operation.methods?.find((value) => policyMatches(value, request.method)) ?? 'any method';
  const path = operation.paths?.find((value) => policyMatches(value, pathOnly(request.path), true)) ?? 'any path';
  return `${method} ${path}`;
}

function ruleMatch(rule: Rule, identity: PeerIdentity, request: RequestFacts): RuleMatch {
  const sources = (rule.from ?? []).map(({ source }) => ({ source, result: sourceMatches(source ?? {}, identity) }));
  const operations = (rule.to ?? []).map(({ operation }) => ({
    operation,
    result: operationMatches(operation ?? {}, request),
  }));
  const anyOf = (results: Tri[]): Tri =>
    results.length === 0 || results.includes(true) ? true : results.includes(undefined) ? undefined : false;
  const source = sources.find((entry) => entry.result === true)?.source;
  const operation = operations.find((entry) => entry.result === true)?.operation;
  return {
    from: anyOf(sources.map((entry) => entry.result)),
    to: anyOf(operations.map((entry) => entry.result)),
    when: all((rule.when ?? []).map((condition) => conditionMatches(condition, identity, request))),
    matchedSource: source,
    matchedOperation: operation,
  };
}

/** What matched, for the reason: `principal ..., GET /status*`; worked out only for the rule that decides. */
function whatMatched(match: RuleMatch, identity: PeerIdentity, request: RequestFacts): string {
  const source = match.matchedSource ? describeSource(match.matchedSource, identity) : 'any source';
  const operation = match.matchedOperation
    ? describeMatchedOperation(match.matchedOperation, request)
    : 'any operation';
  return `${source}, ${operation}`;
}

const matched = (match: RuleMatch): Tri => all([match.from, match.to, match.when]);

type MatchOf = (rule: Rule) => RuleMatch;

/** ruleMatch for one call, each rule worked out once: notes, DENY, ALLOW and the refusal all ask again. */
function matcher(identity: PeerIdentity, request: RequestFacts): MatchOf {
  const known = new Map<Rule, RuleMatch>();
  return (rule) => {
    let match = known.get(rule);
    if (!match) {
      match = ruleMatch(rule, identity, request);
      known.set(rule, match);
    }
    return match;
  };
}

function describeOperations(rule: Rule): string {
  return (rule.to ?? [])
    .map(({ operation }) => {
      const methods = operation?.methods?.join('|') ?? 'any method';
      const paths = operation?.paths?.join(', ') ?? 'any path';
      return `${methods} ${paths}`;
    })
    .join('; ');
}

function describeSources(rules: Rule[]): string {
  const names = rules.flatMap((rule) =>
    (rule.from ?? []).flatMap(({ source }) => [
      ...(source?.principals ?? []),
      ...(source?.namespaces ?? []).map((namespace) => `namespace ${namespace}`),
      ...(source?.ipBlocks ?? []).map((block) => `ip ${block}`),
    ]),
  );
  return [...new Set(names)].join(', ');
}

function who(identity: PeerIdentity): string {
  if (identity.principal) return identity.principal;
  return `a caller without a known mesh identity${identity.why ? ` (${identity.why})` : ''}`;
}

function refusalOf(policy: RenderedObject, identity: PeerIdentity, matchOf: MatchOf): string {
  const rules = specOf(policy).rules ?? [];
  if (rules.length === 0) return `${idOf(policy)} is an ALLOW policy with no rules: it admits no one`;
  const admitting = rules.filter((rule) => {
    const match = matchOf(rule);
    return match.from === true && match.when !== false;
  });
  if (admitting.length > 0)
    return `${idOf(policy)} admits ${who(identity)} only for ${admitting.map(describeOperations).join('; ')}`;
  const admitted = describeSources(rules);
  return `${idOf(policy)} does not admit ${who(identity)}${admitted ? ` (it admits ${admitted})` : ''}`;
}

function selects(policy: RenderedObject, workload: Workload, rootNamespace: string): boolean {
  if (policy.kind !== 'AuthorizationPolicy') return false;
  const namespace = policy.metadata.namespace;
  if (namespace !== workload.namespace && namespace !== rootNamespace) return false;
  const spec = specOf(policy);
  if (spec.targetRef !== undefined || spec.targetRefs !== undefined) return false;
  return Object.entries(spec.selector?.matchLabels ?? {}).every(([key, value]) => workload.labels[key] === value);
}

const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

/** Rules that could not be evaluated offline, as notes. */
function undecided(policy: RenderedObject, matchOf: MatchOf): string[] {
  return (specOf(policy).rules ?? []).flatMap((rule, index) =>
    matched(matchOf(rule)) === undefined
      ? [
          `${idOf(policy)} rule ${index + 1} depends on what a check cannot know (caller IP, ports or when conditions); taken as not matching`,
        ]
      : [],
  );
}

export function authorize(
  objects: readonly RenderedObject[],
  workload: Workload,
  rootNamespace: string,
  identity: PeerIdentity,
  request: RequestFacts,
): AuthzVerdict {
  const policies = objects.filter((object) => selects(object, workload, rootNamespace));
  const action = (policy: RenderedObject) => specOf(policy).action ?? 'ALLOW';
  const matchOf = matcher(identity, request);
  const notes = policies.flatMap((policy) => undecided(policy, matchOf));
  for (const policy of policies.filter((entry) => action(entry) === 'CUSTOM'))
    notes.push(`${idOf(policy)} delegates to an external authorizer (CUSTOM), which a check cannot evaluate`);
  for (const policy of policies.filter((entry) => action(entry) === 'DENY')) {
    const rules = specOf(policy).rules ?? [];
    const index = rules.findIndex((rule) => matched(matchOf(rule)) === true);
    if (index === -1) continue;
    const match = matchOf(rules[index] as Rule);
    return {
      allowed: false,
      reason: `refused by ${idOf(policy)} (DENY) rule ${index + 1}: ${whatMatched(match, identity, request)}`,
      notes,
    };
  }
  const allows = policies.filter((entry) => action(entry) === 'ALLOW');
  if (allows.length === 0)
    return {
      allowed: true,
      reason: `allowed: no ALLOW AuthorizationPolicy selects ${labelsText(workload.labels)} in ${workload.namespace}`,
      notes,
    };
  for (const policy of allows) {
    const rules = specOf(policy).rules ?? [];
    const index = rules.findIndex((rule) => matched(matchOf(rule)) === true);
    if (index === -1) continue;
    const match = matchOf(rules[index] as Rule);
    return {
      allowed: true,
      reason: `allowed by ${idOf(policy)} rule ${index + 1}: ${whatMatched(match, identity, request)}`,
      notes,
    };
  }
  return {
    allowed: false,
    reason: `refused: ${allows.map((policy) => refusalOf(policy, identity, matchOf)).join('; ')}`,
    notes,
  };
}
