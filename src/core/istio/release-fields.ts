/**
 * Fields that a release's CRDs do not have yet: an API server prunes them (the CRDs are
 * structural) or `kubectl --validate=strict` refuses them, so an object that uses one
 * does not do on that cluster what it says. First CRDs read in
 * manifests/charts/base/crds/crd-all.gen.yaml at each tag (files/ from 1.24).
 */
import type { Issue } from '../errors.js';

interface ReleaseField {
  kind: string;
  /** The key, anywhere in `spec` below a parent named `parent` (any parent when absent). */
  key: string;
  parent?: string;
  /** A value the field must have for the rule to apply (an enum value added later). */
  value?: string;
  since: number;
}

const FIELDS: readonly ReleaseField[] = [
  { kind: 'DestinationRule', key: 'workloadSelector', parent: 'spec', since: 14 },
  { kind: 'DestinationRule', key: 'credentialName', parent: 'tls', since: 7 },
  { kind: 'DestinationRule', key: 'ringHash', parent: 'consistentHash', since: 16 },
  { kind: 'DestinationRule', key: 'simple', parent: 'loadBalancer', value: 'LEAST_REQUEST', since: 14 },
];

function walk(value: unknown, path: string[], visit: (path: string[], value: unknown) => void): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    const at = Array.isArray(value) ? [...path.slice(0, -1), `${path[path.length - 1]}[${key}]`] : [...path, key];
    visit(at, inner);
    walk(inner, at, visit);
  }
}

const keyOf = (segment: string) => segment.replace(/\[\d+\]$/, '');

/** Issues for every field of `object` that Istio 1.`minor` does not have. */
export function releaseFieldIssues(object: { kind: string; spec?: unknown }, minor: number): Issue[] {
  const rules = FIELDS.filter((field) => field.kind === object.kind && minor < field.since);
  if (rules.length === 0) return [];
  const issues: Issue[] = [];
  walk(object.spec, ['spec'], (path, value) => {
    const key = keyOf(path[path.length - 1] as string);
    const parent = keyOf(path[path.length - 2] as string);
    for (const rule of rules) {
      if (rule.key !== key || (rule.parent !== undefined && rule.parent !== parent)) continue;
      if (rule.value !== undefined && rule.value !== value) continue;
      const what = rule.value === undefined ? 'is' : `${rule.value} is`;
      issues.push({
        path: path.join('.'),
        message: `${what} not in Istio 1.${minor}'s CRD (it came in 1.${rule.since}): the API server drops it`,
      });
    }
  });
  return issues;
}
