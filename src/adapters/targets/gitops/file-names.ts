/**
 * Which file holds which object. An object's file is `<kind>-<namespace or 'cluster'>-<name>.yaml`;
 * since that name is ambiguous (`istio-system` + `a` and `istio` + `system-a` give one name, and
 * so do two kinds of one name in different API groups), an object whose plain name is already
 * taken by another of meshbridge's objects gets `<plain>_<hash of its identity>.yaml`. Plain
 * names never contain `_`, so the two forms never meet, and an object once written keeps its
 * file: objects are found by what their files hold, not by their file's name.
 */
import { createHash } from 'node:crypto';
import type { ObjectRef } from '../../../service/deploy/target.js';

/** `Kustomization` files kustomize reads, first the one meshbridge writes. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationFile(file: string): boolean {
  return (KUSTOMIZATION_FILES as readonly string[]).includes(file);
}

/** Files that may hold objects: YAML files directly in the cluster's folder. */
export function isManifestFile(file: string): boolean {
  return /\.ya?ml$/.test(file) && !isKustomizationFile(file);
}

/** The API group of `apiVersion`: `networking.istio.io` of `networking.istio.io/v1`, `` of `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** What makes an object itself, across versions of its API: `group/Kind/namespace/name`. */
export function identityOf(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Long names are cut so that a file name stays well under the 255 bytes file systems allow. */
const MAX_BASE = 180;

function baseName(ref: ObjectRef): string {
  const parts = [ref.kind.toLowerCase(), ref.namespace ?? 'cluster', ref.name];
  return parts
    .map((part) => part.replace(/[^a-zA-Z0-9.-]/g, '-'))
    .join('-')
    .slice(0, MAX_BASE);
}

/** `serviceentry-ns1-foo.yaml`: the name an object's file gets unless another object has it. */
export function plainFileName(ref: ObjectRef): string {
  return `${baseName(ref)}.yaml`;
}

/** `serviceentry-ns1-foo_0123456789ab.yaml`: the name it gets when the plain one is taken. */
export function qualifiedFileName(ref: ObjectRef): string {
  const hash = createHash('sha256').update(identityOf(ref)).digest('hex').slice(0, 12);
  return `${baseName(ref)}_${hash}.yaml`;
}
