/**
 * The folder's `kustomization.yaml`, so that Argo CD or Flux can deliver it. meshbridge lists
 * its own files there and keeps every other entry and field someone else put in; it removes
 * the file only when it wrote it and nothing of anyone is left to list.
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
  /** Whether the folder holds anything besides the kustomization file. */
  folderHoldsMore: boolean;
}

const OWN_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'resources']);

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

/** Only the fields meshbridge itself writes, and its label: nobody else has added anything. */
function isPlainlyOurs(document: Document.Parsed): boolean {
  const contents = document.contents;
  if (!isMap(contents)) return false;
  const fields = contents.items.map((pair) => (isScalar(pair.key) ? pair.key.value : pair.key));
  return (
    document.getIn(['metadata', 'labels', Object.keys(MANAGED_BY)[0] as string]) === Object.values(MANAGED_BY)[0] &&
    fields.every((field) => typeof field === 'string' && OWN_FIELDS.has(field))
  );
}

/** The kustomization's new text, or undefined when there should be none. */
export function updateKustomization(input: KustomizationInput): string | undefined {
  const { current, ours, isOurs, folderHoldsMore } = input;
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
  if (wanted.length === 0 && isPlainlyOurs(document) && !folderHoldsMore) return undefined;
  if (wanted.length === before.length && wanted.every((entry, index) => entry === before[index])) return current;
  if (wanted.length === 0) {
    document.delete('resources');
  } else {
    const sequence = new YAMLSeq();
    sequence.items = [...kept, ...[...ours].sort().map((entry) => document.createNode(entry))];
    document.set('resources', sequence);
  }
  return document.toString({ lineWidth: 0 });
}
