/**
 * One session on one cluster: server-side apply as field manager `meshbridge`,
 * reads stripped to what meshbridge renders, deletes that tell "gone" from "was
 * never there". Every failure becomes a TargetError (see errors.ts).
 */
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { MANAGED_BY, type RenderedObject } from '../../../core/render/objects.js';
import {
  refId,
  refOf,
  TargetError,
  type ClusterSession,
  type KindRef,
  type LiveObject,
  type ObjectRef,
} from '../../../service/deploy/target.js';
import type { ClusterClient } from './client.js';
import { isMissingNamespace, isNotFound, toTargetError } from './errors.js';
import { toLiveObject } from './live.js';
import { modelForm } from './model-form.js';

export const FIELD_MANAGER = 'meshbridge';

export interface SessionContext {
  client: ClusterClient;
  /** `provider/name`, for messages. */
  cluster: string;
  timeoutMs: number;
}

export function labelSelector(labels: Record<string, string>): string | undefined {
  const terms = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  return terms.length > 0 ? terms.join(',') : undefined;
}

/** The request's view of an object: client-node fills in defaults in place, so it gets a copy. */
function header(ref: ObjectRef): KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string } } {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }) },
  };
}

export function createSession({ client, cluster, timeoutMs }: SessionContext): ClusterSession {
  const fail = (error: unknown, what: string) => toTargetError(error, `${what} on cluster ${cluster}`, timeoutMs);

  async function served(kind: KindRef, what: string): Promise<boolean> {
    try {
      return (await client.served(kind.apiVersion, kind.kind)) !== undefined;
    } catch (error) {
      throw fail(error, what);
    }
  }

  async function serverSideApply(object: KubernetesObject): Promise<void> {
    await client.patch(
      modelForm(structuredClone(object)),
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  async function createNamespace(namespace: string, what: string): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...MANAGED_BY } } };
    try {
      // Not forced: a namespace someone created meanwhile keeps its own labels.
      await client.patch(body, undefined, undefined, FIELD_MANAGER, false, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw fail(error, `${what}: create namespace ${namespace}`);
    }
  }

  return {
    async apply(object: RenderedObject): Promise<void> {
      const what = `apply ${refId(refOf(object))}`;
      if (!(await served(object, what))) {
        throw new TargetError(
          `${what} on cluster ${cluster}: the cluster does not serve ${object.kind} of ${object.apiVersion} (is its CRD installed?)`,
          'rejected',
          false,
        );
      }
      try {
        await serverSideApply(object);
        return;
      } catch (error) {
        if (!isMissingNamespace(error, object.metadata.namespace)) throw fail(error, what);
      }
      await createNamespace(object.metadata.namespace as string, what);
      try {
        await serverSideApply(object);
      } catch (error) {
        throw fail(error, what);
      }
    },

    async get(ref: ObjectRef): Promise<LiveObject | undefined> {
      const what = `get ${refId(ref)}`;
      if (!(await served(ref, what))) return undefined;
      try {
        return toLiveObject(await client.read(header(ref)), ref);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw fail(error, what);
      }
    },

    async list(kinds: readonly KindRef[], labels: Record<string, string>): Promise<LiveObject[]> {
      const selector = labelSelector(labels);
      const found: LiveObject[] = [];
      for (const kind of kinds) {
        const what = `list ${kind.kind} of ${kind.apiVersion}`;
        // A kind the cluster does not serve holds none of our objects.
        if (!(await served(kind, what))) continue;
        try {
          const list = await client.list(
            kind.apiVersion,
            kind.kind,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            selector,
          );
          for (const item of list.items ?? []) found.push(toLiveObject(item, kind));
        } catch (error) {
          if (!isNotFound(error)) throw fail(error, what);
        }
      }
      return found;
    },

    async remove(ref: ObjectRef): Promise<'deleted' | 'absent'> {
      const what = `delete ${refId(ref)}`;
      if (!(await served(ref, what))) return 'absent';
      try {
        await client.delete(header(ref));
        return 'deleted';
      } catch (error) {
        if (isNotFound(error)) return 'absent';
        throw fail(error, what);
      }
    },
  };
}
