/** `exportTo` as each release reads it. */
import type { IstioProfile } from '../render/profile.js';
import { specOfKind, type RenderedObject } from '../render/objects.js';

/**
 * Absent or empty: everyone; `.`: the object's namespace; `*`: all; otherwise the namespaces
 * named (from 1.7). 1.5 and 1.6 read only whether the first entry is `.` (push_context.go@1.5.0).
 */
export function exportedTo(object: RenderedObject, namespace: string, profile: IstioProfile): boolean {
  const exportTo = (
    specOfKind(object, 'VirtualService') ??
    specOfKind(object, 'DestinationRule') ??
    specOfKind(object, 'ServiceEntry')
  )?.exportTo;
  if (!exportTo || exportTo.length === 0) return true;
  const own = object.metadata.namespace === namespace;
  if (!profile.exportToNamespaces) return exportTo[0] === '.' ? own : true;
  return exportTo.some((entry) => entry === '*' || entry === namespace || (entry === '.' && own));
}
