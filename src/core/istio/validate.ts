/**
 * The checker the renderer runs on every object before serving it: the CRD schema (structural),
 * unknown fields, and the semantic rules of Istio's admission webhook and Kubernetes' API server.
 * Pure: no I/O; the validators and whitelists are built once at import.
 */
import type { Issue } from '../errors.js';
import { checkAuthorizationPolicy } from './authorization-policy.js';
import { checkConfigMap, checkSecret } from './core-objects.js';
import { checkDestinationRule } from './destination-rule.js';
import { objectShapes } from './fields.js';
import { checkGateway } from './gateway.js';
import { InvalidRenderError, type InvalidObject } from './invalid-render-error.js';
import { Issues } from './issues.js';
import { checkMetadata } from './metadata.js';
import { checkNetworkPolicy, NETWORK_POLICY_API } from './network-policy.js';
import type {
  AuthorizationPolicy,
  ConfigMap,
  DestinationRule,
  Gateway,
  K8sObject,
  NetworkPolicy,
  PeerAuthentication,
  Secret,
  ServiceEntry,
  VirtualService,
} from './objects.js';
import { checkPeerAuthentication } from './peer-authentication.js';
import { checkServiceEntry } from './service-entry.js';
import { servedVersions, softIssues, structuralIssues } from './structural.js';
import { unknownFields } from './shape.js';
import { checkVirtualService } from './virtual-service.js';

import { releaseFieldIssues } from './release-fields.js';

export { InvalidRenderError, type InvalidObject } from './invalid-render-error.js';

export interface ValidateOptions {
  /** For Istio 1.5–1.14, whose webhook wants the weights of several destinations to total exactly 100. */
  weightsMustSum100?: boolean;
  /** The cluster's Istio 1.x minor release: fields its CRDs lack are issues (release-fields.ts). */
  istioMinor?: number;
}

type Semantic = (issues: Issues, object: K8sObject, options: ValidateOptions) => void;

const semantic: ReadonlyMap<string, Semantic> = new Map<string, Semantic>([
  ['ServiceEntry', (issues, object) => checkServiceEntry(issues, object as ServiceEntry)],
  ['DestinationRule', (issues, object) => checkDestinationRule(issues, object as DestinationRule)],
  ['VirtualService', (issues, object, options) => checkVirtualService(issues, object as VirtualService, options)],
  ['Gateway', (issues, object) => checkGateway(issues, object as Gateway)],
  ['AuthorizationPolicy', (issues, object) => checkAuthorizationPolicy(issues, object as AuthorizationPolicy)],
  ['PeerAuthentication', (issues, object) => checkPeerAuthentication(issues, object as PeerAuthentication)],
  ['Secret', (issues, object) => checkSecret(issues, object as Secret)],
  ['ConfigMap', (issues, object) => checkConfigMap(issues, object as ConfigMap)],
  ['NetworkPolicy', (issues, object) => checkNetworkPolicy(issues, object as NetworkPolicy)],
]);

const coreKinds = new Set(['Secret', 'ConfigMap']);

/** Kinds Kubernetes serves itself, each in one version; Istio's are served in the versions of their CRDs. */
const builtinVersions: ReadonlyMap<string, string> = new Map([
  ['Secret', 'v1'],
  ['ConfigMap', 'v1'],
  ['NetworkPolicy', NETWORK_POLICY_API],
]);

/** Every issue of one object: structural, unknown fields and semantic, all at once. [] when valid. */
export function validateObject(object: K8sObject, options: ValidateOptions = {}): Issue[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    return [{ path: '(body)', message: 'an object must be a JSON object' }];
  }
  const { apiVersion, kind } = object;
  const check = semantic.get(kind);
  if (!check) {
    const known = [...semantic.keys()].join(', ');
    return [{ path: 'kind', message: `unsupported kind "${String(kind)}"; expected one of ${known}` }];
  }
  const builtin = builtinVersions.get(kind);
  const versions = builtin ? [builtin] : (servedVersions.get(kind) ?? []);
  if (!versions.includes(apiVersion)) {
    const message = `apiVersion "${String(apiVersion)}" is not served for ${kind}; use one of ${versions.join(', ')}`;
    return [{ path: 'apiVersion', message }];
  }
  return checkKnownObject(object, check, options);
}

function checkKnownObject(object: K8sObject, check: Semantic, options: ValidateOptions): Issue[] {
  const { apiVersion, kind } = object;
  const issues = new Issues();
  issues.list.push(...structuralIssues(apiVersion, kind, object));
  const shape = objectShapes.get(kind);
  if (shape) unknownFields(object, shape, [], issues.list);
  const structural = issues.list.length;
  checkMetadata(issues, object);
  if (!coreKinds.has(kind) && (typeof object.spec !== 'object' || object.spec === null)) {
    if (!issues.list.some((issue) => issue.path === 'spec')) issues.add(['spec'], 'is required');
    return issues.list;
  }
  const safe =
    typeof object.metadata === 'object' && object.metadata !== null ? object : { ...object, metadata: { name: '' } };
  runSemantic(check, issues, safe, options, structural > 0);
  if (options.istioMinor !== undefined) issues.list.push(...releaseFieldIssues(object, options.istioMinor));
  return dedupe(issues.list);
}

/** Semantic checks read the typed shape; on structurally broken input they may trip, which adds nothing new. */
function runSemantic(
  check: Semantic,
  issues: Issues,
  object: K8sObject,
  options: ValidateOptions,
  broken: boolean,
): void {
  try {
    check(issues, object, options);
  } catch (error) {
    if (!broken) throw error;
  }
}

/** Drops repeats, and a soft structural issue (oneOf, bounds) where a semantic check explains the same path. */
function dedupe(issues: Issue[]): Issue[] {
  const explained = new Set(issues.filter((issue) => !softIssues.has(issue)).map((issue) => issue.path));
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return !(softIssues.has(issue) && explained.has(issue.path));
  });
}

/** `Kind namespace/name`, as errors name an object. */
export function describeObject(object: K8sObject): string {
  const metadata = object?.metadata as Partial<K8sObject['metadata']> | undefined;
  const name = metadata?.name ?? '(unnamed)';
  return `${String(object?.kind)} ${metadata?.namespace ? `${metadata.namespace}/` : ''}${name}`;
}

/** Validates every object and throws one `InvalidRenderError` naming each bad one; returns when all pass. */
export function assertValidObjects(objects: readonly K8sObject[], options: ValidateOptions = {}): void {
  const invalid: InvalidObject[] = [];
  for (const object of objects) {
    const issues = validateObject(object, options);
    if (issues.length > 0) invalid.push({ object: describeObject(object), issues });
  }
  if (invalid.length > 0) throw new InvalidRenderError(invalid);
}
