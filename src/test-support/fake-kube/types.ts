/**
 * The public shapes of the fake Kubernetes API server (see `index.ts`). Other test
 * code is written against these: keep them stable.
 */

/** One entry of `metadata.managedFields`, as the API server writes it. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  /** `{"f:spec": {"f:hosts": {}}}`: the owned fields, each leaf an empty object. */
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedFieldsEntry[];
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
  generation?: number;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

/** Names one object; `apiVersion` may be any served version of the object's group. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface RecordedCall {
  method: string;
  /** The request path, without the query string (e.g. `/apis/networking.istio.io/v1/namespaces/a/serviceentries/x`). */
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** The parsed body (JSON or YAML), or the raw text when it does not parse. */
  body?: unknown;
  /** The status answered; 0 while the request is still pending (e.g. delayed by a fault). */
  status: number;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** Who the bearer token authenticated (`kubernetes-admin` for the fake's own token, `system:serviceaccount:NS:NAME`). */
  user?: string;
  /** For a ServiceAccount's resource request: every right RBAC checked, as `group resource verb` (`'' secrets get'`). */
  rights?: string[];
}

export interface FaultRule {
  /** Matches the HTTP method, case-insensitively. */
  method?: string;
  /** A string matches when the request path contains it; a RegExp is tested against the path. */
  path?: string | RegExp;
  /** The status to answer (with a Status body). Without it and without `delayMs`: 500. */
  status?: number;
  message?: string;
  /** The Status reason; by default derived from `status` (403 Forbidden, 409 Conflict, 429 TooManyRequests…). */
  reason?: string;
  /** Wait this long before answering; with no `status` the request is then served normally. */
  delayMs?: number;
  /** How many matching requests the rule applies to; forever when absent. */
  times?: number;
}

export interface FakeKubeOptions {
  /** The bearer token the server accepts (default `fake-token`). */
  token?: string;
  /** Namespaces that exist from the start (default `default`, `kube-system`, `istio-system`). */
  namespaces?: string[];
  /**
   * The token controller fills ServiceAccount token Secrets `delayMs` (default 0) after a write; `false` turns it
   * off (a cluster whose controller is not running: the token never comes).
   */
  tokenController?: { delayMs?: number } | false;
}

export interface FakeKube {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** A YAML kubeconfig whose current context points at `url` with the bearer token. */
  kubeconfig: string;
  /** Every request, in arrival order (the faulted and unauthorized ones too); `calls.length = 0` forgets them. */
  calls: RecordedCall[];
  /** Deep copies of everything stored (namespaces included), sorted by apiVersion/kind/namespace/name. */
  objects(): KubeObject[];
  get(ref: ObjectRef): KubeObject | undefined;
  /** Seeds an object as a human would have made it (manager `kubectl-client-side-apply` unless managedFields are given). */
  put(object: KubeObject): KubeObject;
  /** A hand edit (manager `kubectl-edit` by default): bumps resourceVersion, takes ownership of the changed fields. */
  edit(ref: ObjectRef, mutate: (object: KubeObject) => void, manager?: string): void;
  /** A hand delete; false when the object did not exist. */
  remove(ref: ObjectRef): boolean;
  fault(rule: FaultRule): void;
  clearFaults(): void;
  /** Stops accepting connections (clients get ECONNREFUSED) but keeps state and port. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}
