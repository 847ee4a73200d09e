/**
 * Whether a live object still says what meshbridge applied. Server-side apply lets
 * several managers own one object, and servers and webhooks add fields of their own,
 * so the live object must contain everything meshbridge sent, with the same values;
 * fields others added are theirs. An edit by hand that changes or deletes one of
 * meshbridge's fields (or the whole object) is drift.
 */
import type { RenderedObject } from '../render/objects.js';
import { deepEqual } from '../validation/values.js';

interface Comparable {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  data?: unknown;
  type?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `whole` holds every field of `part` with the same value; lists are compared whole (atomic). */
export function contains(whole: unknown, part: unknown): boolean {
  if (isRecord(part))
    return isRecord(whole) && Object.entries(part).every(([key, value]) => contains(whole[key], value));
  return deepEqual(whole, part);
}

export function matchesLive(desired: RenderedObject, live: Comparable): boolean {
  return (
    contains(live.metadata.labels ?? {}, desired.metadata.labels) &&
    contains(live.metadata.annotations ?? {}, desired.metadata.annotations ?? {}) &&
    (desired.spec === undefined || contains(live.spec, desired.spec)) &&
    (desired.data === undefined || contains(live.data, desired.data)) &&
    (desired.type === undefined || live.type === desired.type)
  );
}

function comparable(object: Comparable): Record<string, unknown> {
  return {
    labels: object.metadata.labels ?? {},
    annotations: object.metadata.annotations ?? {},
    spec: object.spec,
    data: object.data,
    type: object.type,
  };
}

/**
 * For a target nobody but meshbridge writes to (a file in git): the object says exactly what
 * meshbridge wrote, no more. A field added by hand is drift there, since no server or webhook adds any.
 */
export function equalsLive(desired: RenderedObject, live: Comparable): boolean {
  const [wanted, found] = [comparable(desired), comparable(live)];
  return contains(found, wanted) && contains(wanted, found);
}
