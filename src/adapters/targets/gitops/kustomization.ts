/**
 * The folder's `kustomization.yaml`, so that Argo CD or Flux can deliver it. meshbridge lists
 * its own files there and keeps every other entry and field someone else put in. The file is
 * never removed: a folder meshbridge has emptied keeps it with `resources: []`.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, YAMLSeq, type Document } from 'yaml';
import { MANAGED_BY } from '../../../core/render/objects.js';
import { TargetError } from '../../../service/deploy/target.js';

export interface KustomizationInput {
  /** The file's current text, if there is one. */
  current: string | undefined;
  /** meshbridge's files in the folder now. */
  ours: readonly string[];
  /** Whether an entry is meshbridge's: a file it wrote, even if it has just been deleted. */
  isOurs: (entry: string) => boolean;
}

function fresh(ours: readonly string[]): string {
  const document = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    metadata: { labels: { ...MANAGED_BY } },
    resources: [...ours].sort(),
  };
  return stringify(document, { lineWidth: 0 });
}

function parse(text: string): Document.Parsed {
  const document = parseDocument(text);
  const resources = document.get('resources');
  if (document.errors.length > 0 || !isMap(document.contents) || (resources != null && !isSeq(resources))) {
    throw new TargetError(
      'kustomization.yaml is not a YAML map with a resources list; meshbridge will not rewrite it: fix it by hand',
      'rejected',
      false,
    );
  }
  return document;
}

function entryOf(item: unknown): string | undefined {
  return isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
}

/**
 * The kustomization's new text, or undefined when there never was one and there is nothing to list.
 * Once written it stays, if need be with `resources: []`: Argo CD and Flux prune the live objects of
 * a folder whose kustomization lists nothing, but fail on a folder that is gone and prune nothing.
 */
export function updateKustomization(input: KustomizationInput): string | undefined {
  const { current, ours, isOurs } = input;
  if (current === undefined) return ours.length === 0 ? undefined : fresh(ours);
  const document = parse(current);
  const existing = document.get('resources') as YAMLSeq | undefined;
  const items = existing?.items ?? [];
  const kept = items.filter((item) => {
    const entry = entryOf(item);
    return entry === undefined || !isOurs(entry);
  });
  const wanted = [...kept.map((item) => entryOf(item) ?? item), ...[...ours].sort()];
  const before = items.map((item) => entryOf(item) ?? item);
  // The same entries in another order is no change: kustomize's output does not depend on it.
  const key = (entries: unknown[]) => JSON.stringify(entries.map(String).sort());
  const unchanged = key(wanted) === key(before);
  // Someone else's kustomization without a resources list (it may use `components`, say) is left as it is.
  if (unchanged && (existing !== undefined || wanted.length === 0)) return current;
  const sequence = new YAMLSeq();
  sequence.items = [...kept, ...[...ours].sort().map((entry) => document.createNode(entry))];
  // `resources: []` rather than a block list with no items, which YAML would read as null.
  if (sequence.items.length === 0) sequence.flow = true;
  document.set('resources', sequence);
  return document.toString({ lineWidth: 0 });
}
