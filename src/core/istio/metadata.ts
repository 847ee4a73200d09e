/** `metadata` of every object, after Kubernetes' ObjectMeta validation. */
import { k8sLabelError, k8sSubdomainError, qualifiedNameError } from './checks.js';
import { checkLabelMap } from './common.js';
import { entries, type Issues } from './issues.js';
import type { K8sObject } from './objects.js';

const annotationBytes = 256 * 1024;

/** Kinds whose name must be a DNS-1123 label (Istio: Gateway), not a subdomain. */
const labelNamedKinds = new Set(['Gateway']);

export function checkMetadata(issues: Issues, object: K8sObject): void {
  const metadata = object.metadata as Partial<K8sObject['metadata']> | undefined;
  if (typeof metadata !== 'object' || metadata === null) {
    issues.add(['metadata'], 'is required');
    return;
  }
  checkName(issues, object.kind, metadata.name);
  if (typeof metadata.namespace === 'string')
    issues.check(['metadata', 'namespace'], k8sLabelError(metadata.namespace));
  checkLabelMap(issues, ['metadata', 'labels'], metadata.labels);
  let size = 0;
  for (const [key, value] of entries(metadata.annotations)) {
    issues.check(['metadata', 'annotations', key], qualifiedNameError(key));
    size += key.length + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (size > annotationBytes) {
    issues.add(['metadata', 'annotations'], `annotations total ${size} bytes; at most ${annotationBytes}`);
  }
}

function checkName(issues: Issues, kind: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    issues.add(['metadata', 'name'], 'is required');
    return;
  }
  const error = labelNamedKinds.has(kind) ? k8sLabelError(name) : k8sSubdomainError(name);
  issues.check(['metadata', 'name'], error);
}
