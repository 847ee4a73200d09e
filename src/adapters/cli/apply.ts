/**
 * `meshbridge apply -f FILE`: POST each document in order; where one exists already,
 * PUT it with `If-Match` of the version just read, which the server answers with whether
 * anything changed. Safe to repeat; a concurrent change is reported, never overwritten.
 * `meshbridge delete -f FILE`: DELETE each document, last first.
 * Lifecycle documents (approve, instantiate, ...) are POSTed by `apply` (lifecycle-document.ts)
 * and skipped by `delete`: there is nothing to delete, terminate is a document of its own.
 */
import { itemPathOf } from '../../core/model/addresses.js';
import { describeError, type Api } from './api-client.js';
import type { FileDocument } from './emcoctl-file.js';
import { applyLifecycle, lifecycleTargetName, lifecycleVerbOf } from './lifecycle-document.js';
import type { Output } from './output.js';
import { printResources, type ResourceFormat, type ResourceView } from './resource-output.js';

export interface DocumentResult {
  index: number;
  anchor: string;
  name: string;
  /** Where the resource lives (what `get` takes); the anchor itself for a lifecycle document. */
  path: string;
  result: 'created' | 'updated' | 'unchanged' | 'accepted' | 'skipped' | 'deleted' | 'absent' | 'failed';
  /** Why a lifecycle document was `unchanged` (the state the group is already in). */
  detail?: string;
  error?: string;
}

function nameOf(document: FileDocument): string {
  if (lifecycleVerbOf(document)) return lifecycleTargetName(document.anchor);
  const metadata = document.body.metadata as { name?: unknown } | undefined;
  return String(metadata?.name ?? document.body.clusterLabel ?? '?');
}

function baseOf(document: FileDocument): Pick<DocumentResult, 'index' | 'anchor' | 'name' | 'path'> {
  const path = lifecycleVerbOf(document) ? document.anchor : (itemPathOf(document) ?? document.anchor);
  return { index: document.index, anchor: document.anchor, name: nameOf(document), path };
}

/**
 * A 409 names the resource it conflicts with in Location: this document's own (it exists: PUT it) or another one
 * (say, an intent already serving the same Service port), which must never be overwritten with this body. The
 * last segment is compared because a seed path's Location may be the resource's canonical path.
 */
function isThisDocument(location: string, document: FileDocument): boolean {
  const own = itemPathOf(document);
  if (own === undefined) return true;
  const last = (path: string) => decodeURIComponent(path.replace(/\/+$/, '').slice(path.lastIndexOf('/') + 1));
  return last(location) === last(own);
}

async function applyOne(client: Api, document: FileDocument): Promise<DocumentResult> {
  const base = baseOf(document);
  const verb = lifecycleVerbOf(document);
  if (verb) return { ...base, ...(await applyLifecycle(client, document, verb)) };
  const posted = await client.request('POST', document.anchor, document.body, document.upload);
  if (posted.status === 201) return { ...base, result: 'created' };
  if (posted.status !== 409) return { ...base, result: 'failed', error: describeError(posted) };
  const location = posted.headers.get('location') ?? (itemPathOf(document) && `/v2/${itemPathOf(document)}`);
  if (!location || !isThisDocument(location, document))
    return { ...base, result: 'failed', error: describeError(posted) };
  // The PUT replaces the version read here and no other: a write by someone else in between is a 412, not lost.
  const current = await client.request('GET', location);
  const version = current.status === 200 ? current.headers.get('etag') : null;
  const put = await client.request('PUT', location, document.body, document.upload, version ?? undefined);
  if (put.status === 412)
    return {
      ...base,
      result: 'failed',
      error: `${location} changed while it was applied (412 Precondition Failed): nothing was overwritten; apply again`,
    };
  if (put.status !== 200 && put.status !== 201) return { ...base, result: 'failed', error: describeError(put) };
  const outcome = put.headers.get('meshbridge-outcome');
  return { ...base, result: outcome === 'unchanged' ? 'unchanged' : outcome === 'created' ? 'created' : 'updated' };
}

async function deleteOne(client: Api, document: FileDocument): Promise<DocumentResult> {
  const base = baseOf(document);
  if (lifecycleVerbOf(document)) return { ...base, result: 'skipped' };
  const path = itemPathOf(document);
  if (!path) return { ...base, result: 'failed', error: 'the document does not say its name' };
  const response = await client.request('DELETE', path);
  if (response.status === 204) return { ...base, result: 'deleted' };
  if (response.status === 404) return { ...base, result: 'absent' };
  return { ...base, result: 'failed', error: describeError(response) };
}

export async function applyDocuments(
  client: Api,
  documents: FileDocument[],
  stopOnFailure: boolean,
): Promise<DocumentResult[]> {
  const results: DocumentResult[] = [];
  for (const document of documents) {
    const result = await applyOne(client, document);
    results.push(result);
    if (result.result === 'failed' && stopOnFailure) break;
  }
  return results;
}

export async function deleteDocuments(
  client: Api,
  documents: FileDocument[],
  stopOnFailure: boolean,
): Promise<DocumentResult[]> {
  const results: DocumentResult[] = [];
  for (const document of [...documents].reverse()) {
    const result = await deleteOne(client, document);
    results.push(result);
    if (result.result === 'failed' && stopOnFailure) break;
  }
  return results;
}

const resultView: ResourceView<DocumentResult> = {
  headers: ['#', 'RESULT', 'NAME', 'ANCHOR'],
  row: (result) => [String(result.index), result.result, result.name, result.anchor],
  wideHeaders: ['PATH', 'DETAIL'],
  wideRow: (result) => [result.path, result.detail ?? result.error?.split('\n')[0] ?? ''],
  nameOf: (result) => result.path,
  empty: 'No documents.',
};

/** `-o name` lists what was applied (kubectl's `kind/name`: here the path); failures go to stderr, as in a table. */
export function report(results: DocumentResult[], format: ResourceFormat, output: Output): boolean {
  const failed = results.filter((result) => result.result === 'failed');
  if (format === 'json' || format === 'yaml') {
    printResources(results, format, resultView, output);
    return failed.length === 0;
  }
  const shown = format === 'name' ? results.filter((result) => result.result !== 'failed') : results;
  printResources(shown, format, resultView, output);
  for (const failure of failed) output.err(`document ${failure.index} (${failure.name}): ${failure.error}`);
  if (format !== 'name') {
    const counts = new Map<string, number>();
    for (const result of results) counts.set(result.result, (counts.get(result.result) ?? 0) + 1);
    output.out([...counts].map(([result, count]) => `${count} ${result}`).join(', '));
  }
  return failed.length === 0;
}
