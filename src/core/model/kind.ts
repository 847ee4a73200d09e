/**
 * What the control plane knows about one kind of resource: where it lives in the
 * URL tree, the canonical shape of its body, its defaults, its semantic rules and
 * the other resources it names. Everything here is pure; the service layer does
 * the lookups that `references` asks for.
 */
import type { GitOpsAllowList } from './gitops-allow.js';
import type { TObject } from '@sinclair/typebox';
import type { Issue } from '../errors.js';

export type KindName =
  | 'controller'
  | 'dtcController'
  | 'clusterProvider'
  | 'cluster'
  | 'clusterLabel'
  | 'clusterKvPair'
  | 'project'
  | 'logicalCloud'
  | 'clusterReference'
  | 'userPermission'
  | 'clusterQuota'
  | 'compositeApp'
  | 'app'
  | 'compositeProfile'
  | 'appProfile'
  | 'deploymentIntentGroup'
  | 'groupIntent'
  | 'genericPlacementIntent'
  | 'appIntent'
  | 'trafficGroupIntent'
  | 'inboundIntent'
  | 'inboundClient'
  | 'accessPoint'
  | 'routingIntent';

export type ResourceBody = Record<string, unknown>;

/** The path parameters of a resource and its ancestors, e.g. `{project: 'demo', compositeApp: 'blue-app'}`. */
export type PathParams = Readonly<Record<string, string>>;

export interface KindContext {
  /** Storage key of the parent resource (`null` at the top of the tree). */
  parentKey: string | null;
  params: PathParams;
  /** The operator's rules for what may be written (absent: the safe defaults, e.g. no GitOps repository). */
  policy?: WritePolicy;
}

/** Operator configuration that write-time checks need; passed in by the service, never read by the core. */
export interface WritePolicy {
  /** Where GitOps repositories may be (`serve --gitops-allow`). */
  gitops: GitOpsAllowList;
}

/**
 * A resource the body names. `key` names exactly one resource; `kind` + `under` +
 * `name` accepts any resource of that kind below a key prefix (a client app may live
 * in any composite app of the project).
 */
export type Reference =
  | { path: string; what: string; key: string }
  | { path: string; what: string; kind: KindName; under: string; name: string };

export interface ResourceKind {
  readonly kind: KindName;
  /** Human name used in messages: "logical cloud". */
  readonly label: string;
  readonly parent: KindName | null;
  /** Collection segment of the URL: `clusters`. */
  readonly segment: string;
  /**
   * Where the text of a file uploaded with the body (multipart) goes, e.g. a
   * cluster's kubeconfig. Kinds without it keep the file as it came (an app's chart).
   */
  readonly uploadField?: readonly string[];
  /** Item path parameters, in URL order: `['cluster']`, or `['compositeApp', 'compositeAppVersion']`. */
  readonly params: readonly string[];
  readonly schema: TObject;
  /** The item path segments of a body (its name, or name and version). */
  itemSegments(body: ResourceBody): string[];
  /** The body fields those segments come from, for messages; `['metadata.name']` when omitted. */
  readonly itemFields?: readonly string[];
  /** Fills defaults that depend on other fields or on the path; returns a new body. */
  complete?(body: ResourceBody, context: KindContext): ResourceBody;
  /** Rules across fields that a schema cannot say. Runs only on schema-valid bodies. */
  check?(body: ResourceBody, context: KindContext): Issue[];
  references?(body: ResourceBody, context: KindContext): Reference[];
  /**
   * Checks a body against the parent it is written under, and drops what only
   * served to find that parent (seed 000's `inboundServiceName`).
   */
  fitParent?(body: ResourceBody, parent: ResourceBody): { body: ResourceBody; issues: Issue[] };
  /**
   * What must be unique among the kind's resources under a scope (a key prefix): two bodies with the same
   * `identity` there conflict (409), naming the other resource and `field`.
   */
  readonly unique?: {
    scope(context: KindContext): string;
    identity(body: ResourceBody): string;
    field: string;
    describe(body: ResourceBody): string;
  };
}

export function metadataName(body: ResourceBody): string {
  const metadata = body.metadata as { name?: unknown } | undefined;
  return typeof metadata?.name === 'string' ? metadata.name : '';
}

export function specOf(body: ResourceBody): Record<string, unknown> {
  return (body.spec ?? {}) as Record<string, unknown>;
}

/** Most kinds are addressed by `metadata.name`. */
export const byMetadataName = (body: ResourceBody): string[] => [metadataName(body)];
