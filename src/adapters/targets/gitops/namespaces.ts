/**
 * The Namespace objects a cluster's folder declares: one for every namespace meshbridge's objects
 * there live in (a logical cloud's namespace), so that Argo CD or Flux can apply the folder to a
 * cluster that lacks them (the kubernetes target creates a missing namespace itself). The
 * platform's namespaces are left out: Kubernetes' own, Istio's `istio-system`, and any that holds
 * one of meshbridge's cluster-wide objects (the mesh's root namespace, `kube-system`), since the
 * platform's installation owns those. So is a namespace that someone else's file declares.
 *
 * Deleting a namespace deletes everything in it, so no tool may ever delete one of these: the
 * annotations tell Argo CD not to prune it nor delete it with the Application, and Flux not to
 * prune it and to create it only when it is missing (never to change a namespace that exists).
 * A namespace file goes when no meshbridge object in the folder needs it; the live namespace stays.
 */
import { isClusterWide } from '../../../core/deploy/ownership.js';
import { MANAGED_BY, type RenderedObject } from '../../../core/render/objects.js';
import { refOf, type LiveObject } from '../../../service/deploy/target.js';
import type { ClusterFolder } from './cluster-folder.js';
import { groupOf, plainFileName, qualifiedFileName } from './file-names.js';
import { serializeObject } from './manifest.js';

/** Namespaces every Kubernetes cluster has from the start, and Istio's installation namespace. */
export const PLATFORM_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
]);

export const NAMESPACE_LABELS = { ...MANAGED_BY, 'meshbridge.io/intent-kind': 'namespace' } as const;

/** Never pruned, never deleted with the Application or Kustomization, never changed once there. */
export const KEEP_NAMESPACE_ANNOTATIONS = {
  // Argo CD: docs/user-guide/sync-options.md, "No Prune Resources" and "No Resource Deletion".
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  // Flux kustomize-controller: docs/spec/v1/kustomizations.md, "Prune" and "Controlling the apply behavior".
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent',
} as const;

export function namespaceObject(name: string): RenderedObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...NAMESPACE_LABELS }, annotations: { ...KEEP_NAMESPACE_ANNOTATIONS } },
  };
}

function isNamespace(object: LiveObject): boolean {
  return object.kind === 'Namespace' && groupOf(object.apiVersion) === '';
}

function isOurNamespace(object: LiveObject): boolean {
  return (
    isNamespace(object) &&
    object.metadata.labels['meshbridge.io/intent-kind'] === NAMESPACE_LABELS['meshbridge.io/intent-kind']
  );
}

interface FolderNamespaces {
  /** Namespaces meshbridge's objects live in (the platform's left out). */
  needed: Set<string>;
  /** Namespaces meshbridge declares, and the file each is in. */
  declared: Map<string, string>;
  /** Namespaces another file declares. */
  foreign: Set<string>;
}

function readNamespaces(folder: ClusterFolder): FolderNamespaces {
  const result: FolderNamespaces = { needed: new Set(), declared: new Map(), foreign: new Set() };
  const platform = new Set(PLATFORM_NAMESPACES);
  for (const file of folder.manifestFiles()) {
    const manifest = folder.manifest(file);
    for (const object of manifest?.objects ?? []) {
      if (manifest?.ours && isOurNamespace(object)) result.declared.set(object.metadata.name, file);
      else if (isNamespace(object)) result.foreign.add(object.metadata.name);
      else if (manifest?.ours && object.metadata.namespace !== undefined) {
        (isClusterWide(object) ? platform : result.needed).add(object.metadata.namespace);
      }
    }
  }
  for (const name of platform) result.needed.delete(name);
  return result;
}

/** A file for a new namespace object: its plain name or its qualified one, whichever is free. */
function freeFile(folder: ClusterFolder, object: RenderedObject): string | undefined {
  return [plainFileName(refOf(object)), qualifiedFileName(refOf(object))].find((file) => !folder.has(file));
}

/** Brings the folder's Namespace files in line with its objects. */
export async function syncNamespaces(folder: ClusterFolder): Promise<void> {
  const { needed, declared, foreign } = readNamespaces(folder);
  for (const [name, file] of declared) {
    if (!needed.has(name) || foreign.has(name)) await folder.delete(file);
  }
  for (const name of [...needed].sort()) {
    if (foreign.has(name)) continue;
    const object = namespaceObject(name);
    const file = declared.get(name) ?? freeFile(folder, object);
    if (file !== undefined) await folder.write(file, serializeObject(object));
  }
}
