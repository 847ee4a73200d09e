/**
 * A fake Kubernetes API server for tests: real HTTP on 127.0.0.1, behaving on the wire
 * like a kube 1.29 API server with Istio's CRDs, so that `@kubernetes/client-node`
 * (`KubernetesObjectApi`: discovery, server-side apply, list, read, create, delete) works
 * against it unchanged.
 *
 *   const fake = await startFakeKube();
 *   const kc = new KubeConfig();
 *   kc.loadFromString(fake.kubeconfig);
 *   const api = KubernetesObjectApi.makeApiClient(kc);
 *   await api.patch(serviceEntry, undefined, undefined, 'meshbridge', true, PatchStrategy.ServerSideApply);
 *   fake.edit(ref, (o) => { ... });     // a human's kubectl edit
 *   fake.fault({ method: 'PATCH', status: 500, times: 1 });
 *   await fake.close();
 *
 * Simplifications (each documented where it lives): lists are atomic for field ownership
 * (no per-item `k:`/`v:` keys); no watch (405), no subresources (`/status`); strategic
 * merge patch acts as a merge patch on built-ins (CRDs refuse it with 415, as for real);
 * deletes are immediate (no finalizers or graceful deletion; a namespace takes its
 * objects with it at once); managedFields sent in a PUT body are ignored; every kind
 * carries `metadata.generation`. Conflict messages name an Update manager with its
 * apiVersion, as the API server does: `conflict with "kubectl-edit" using
 * networking.istio.io/v1: .spec.hosts`.
 *
 * Files: `server.ts` (HTTP, auth, faults, recording), `discovery.ts` (served types and
 * discovery documents), `routes.ts` (paths), `reads.ts`/`writes.ts` (verbs), `apply.ts`
 * (server-side apply and managed fields), `fields.ts` (field paths, FieldsV1), `patch.ts`
 * (merge and JSON patch), `selectors.ts`, `store.ts`, `hand.ts` (seeding and hand edits),
 * `faults.ts`, `status.ts` (Status bodies), `validate.ts` (name and label syntax), `rbac.ts`
 * (ServiceAccount tokens and ClusterRole checks), `token-controller.ts` (fills token Secrets).
 */
import { FakeKubeServer } from './server.js';
import type { FakeKube, FakeKubeOptions } from './types.js';

export type {
  FakeKube,
  FakeKubeOptions,
  FaultRule,
  KubeMetadata,
  KubeObject,
  ManagedFieldsEntry,
  ObjectRef,
  RecordedCall,
} from './types.js';
export { DEFAULT_NAMESPACES, DEFAULT_TOKEN } from './server.js';
export { rightsGranted } from './rbac.js';
export { rawRequest, type RawOptions, type RawResponse } from './raw-http.js';

export async function startFakeKube(options?: FakeKubeOptions): Promise<FakeKube> {
  return new FakeKubeServer(options).start();
}

/** Several independent fakes (each its own port, state and faults), e.g. one per cluster of a fleet. */
export async function startFakeFleet(count: number, options?: FakeKubeOptions): Promise<FakeKube[]> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`fake-kube: fleet size must be a non-negative integer`);
  const started = await Promise.allSettled(Array.from({ length: count }, () => startFakeKube(options)));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
    throw (failure as PromiseRejectedResult).reason;
  }
  return started.map((result) => (result as PromiseFulfilledResult<FakeKube>).value);
}
