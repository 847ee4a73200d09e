/**
 * Structural validation with the Ajv validators that `@kubernetes-models/istio` precompiles from
 * each served version's CRD `openAPIV3Schema` (Istio 1.29.2). The package is ESM-only and declares
 * Node >= 22, but it only uses ES2022 and loads and runs on Node 20. Its schema modules are not
 * exported, so each validator is reached through its model class's `validate()`, called on the
 * plain object (no copy). Validators are compiled at build time of the package; nothing is
 * compiled per call.
 */
import { DestinationRule as DestinationRuleV1 } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway as GatewayV1 } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { ServiceEntry as ServiceEntryV1 } from '@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry';
import { VirtualService as VirtualServiceV1 } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { DestinationRule as DestinationRuleV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/DestinationRule';
import { Gateway as GatewayV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/Gateway';
import { ServiceEntry as ServiceEntryV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/ServiceEntry';
import { VirtualService as VirtualServiceV1alpha3 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/VirtualService';
import { DestinationRule as DestinationRuleV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway as GatewayV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { ServiceEntry as ServiceEntryV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import { VirtualService as VirtualServiceV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { AuthorizationPolicy as AuthorizationPolicyV1 } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication as PeerAuthenticationV1 } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { AuthorizationPolicy as AuthorizationPolicyV1beta1 } from '@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy';
import { PeerAuthentication as PeerAuthenticationV1beta1 } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import type { Issue } from '../errors.js';
import { formatPath, pointerToSegments } from '../validation/path.js';

/** The subset of an Ajv `ErrorObject` this module reads. */
export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type Check = (object: unknown) => void;

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  prototype: { validate(): void };
}

const models: ModelClass[] = [
  ServiceEntryV1,
  ServiceEntryV1beta1,
  ServiceEntryV1alpha3,
  DestinationRuleV1,
  DestinationRuleV1beta1,
  DestinationRuleV1alpha3,
  VirtualServiceV1,
  VirtualServiceV1beta1,
  VirtualServiceV1alpha3,
  GatewayV1,
  GatewayV1beta1,
  GatewayV1alpha3,
  AuthorizationPolicyV1,
  AuthorizationPolicyV1beta1,
  PeerAuthenticationV1,
  PeerAuthenticationV1beta1,
];

const checks = new Map<string, Check>(
  models.map((model) => [`${model.apiVersion} ${model.kind}`, (object) => model.prototype.validate.call(object)]),
);

/** The apiVersions served for each Istio kind the checker knows. */
export const servedVersions: ReadonlyMap<string, readonly string[]> = models.reduce((out, model) => {
  out.set(model.kind, [...(out.get(model.kind) ?? []), model.apiVersion]);
  return out;
}, new Map<string, string[]>());

export function hasStructuralSchema(apiVersion: string, kind: string): boolean {
  return checks.has(`${apiVersion} ${kind}`);
}

/** Runs the CRD schema of `apiVersion`/`kind` on `object`; [] when it passes. */
export function structuralIssues(apiVersion: string, kind: string, object: unknown): Issue[] {
  const check = checks.get(`${apiVersion} ${kind}`);
  if (!check) return [];
  try {
    check(object);
    return [];
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw error;
    return ajvToIssues(errors as AjvError[]);
  }
}

/**
 * Ajv errors as issues with our paths. A failed `oneOf` also leaks the errors of its branches
 * (`not`, `required`) at the same path; those are dropped in favour of one message.
 */
export function ajvToIssues(errors: readonly AjvError[]): Issue[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const branchNoise = error.keyword !== 'oneOf' && oneOfPaths.has(error.instancePath);
    if (branchNoise && ['not', 'required', 'anyOf', 'allOf'].includes(error.keyword)) continue;
    const issue = toIssue(error);
    if (softKeywords.has(error.keyword)) softIssues.add(issue);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

const oneOfMessage = 'sets more than one of its mutually exclusive fields';

/** Keywords whose issue adds nothing when a semantic check reports the same path. */
const softKeywords = new Set([
  'oneOf',
  'minItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
]);

/** Structural issues that a semantic issue at the same path supersedes. */
export const softIssues = new WeakSet<Issue>();

function toIssue(error: AjvError): Issue {
  const segments = pointerToSegments(error.instancePath);
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return { path: formatPath([...segments, String(params['missingProperty'])]), message: 'is required' };
    case 'type':
      return { path: formatPath(segments), message: `must be ${String(params['type'])}` };
    case 'enum':
      return {
        path: formatPath(segments),
        message: `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`,
      };
    case 'oneOf':
      return { path: formatPath(segments), message: oneOfMessage };
    default:
      return {
        path: formatPath(segments),
        message: error.message ?? `fails the "${error.keyword}" rule of the schema`,
      };
  }
}
