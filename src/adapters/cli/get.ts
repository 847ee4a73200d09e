/** `meshbridge get ANCHOR`: a list as a table, one resource as YAML; `-o name` prints anchors. */
import { itemPathOf } from '../../core/model/addresses.js';
import { describeError, type ApiClient } from './api-client.js';
import { formatData, type Output } from './output.js';
import { printResources, type ResourceFormat, type ResourceView } from './resource-output.js';

interface Listed {
  metadata?: { name?: string; description?: string; userData1?: string; userData2?: string };
  spec?: Record<string, unknown>;
  clusterLabel?: string;
}

const nameOf = (item: Listed) => item.metadata?.name ?? item.clusterLabel ?? '';
const versionOf = (item: Listed) =>
  typeof item.spec?.compositeAppVersion === 'string' ? item.spec.compositeAppVersion : '';

/** The path of an item of the collection at `anchor`: what `get` takes to show it alone. */
function pathOf(anchor: string, item: Listed): string {
  return itemPathOf({ anchor, body: item as Record<string, unknown> }) ?? `${anchor}/${nameOf(item)}`;
}

function listView(anchor: string, items: Listed[]): ResourceView<Listed> {
  const withVersion = items.some((item) => versionOf(item) !== '');
  return {
    headers: withVersion ? ['NAME', 'VERSION', 'DESCRIPTION'] : ['NAME', 'DESCRIPTION'],
    row: (item) => [nameOf(item), ...(withVersion ? [versionOf(item)] : []), item.metadata?.description ?? ''],
    wideHeaders: ['SPEC', 'PATH'],
    wideRow: (item) => [Object.keys(item.spec ?? {}).join(',') || '-', pathOf(anchor, item)],
    nameOf: (item) => pathOf(anchor, item),
    empty: 'No resources found.',
  };
}

export async function getResource(
  client: ApiClient,
  anchor: string,
  format: ResourceFormat | undefined,
  output: Output,
): Promise<boolean> {
  const path = anchor.replace(/^\/+|\/+$/g, '').replace(/^v2\//, '');
  const response = await client.request('GET', path);
  if (response.status !== 200) {
    output.err(describeError(response));
    return false;
  }
  const data = response.body;
  if (Array.isArray(data)) {
    const items = data as Listed[];
    printResources(items, format ?? 'table', listView(path, items), output);
    return true;
  }
  if (format === 'name') output.out(path);
  else output.out(formatData(data, format === 'json' ? 'json' : 'yaml'));
  return true;
}
