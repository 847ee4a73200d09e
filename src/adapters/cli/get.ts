/** `meshbridge get ANCHOR`: a list as a table, one resource as YAML. */
import { describeError, type ApiClient } from './api-client.js';
import { formatData, table, type Output, type OutputFormat } from './output.js';

interface Listed {
  metadata?: { name?: string; description?: string };
  spec?: Record<string, unknown>;
  clusterLabel?: string;
}

function summary(item: Listed): string[] {
  const name = item.metadata?.name ?? item.clusterLabel ?? '';
  const version = typeof item.spec?.compositeAppVersion === 'string' ? item.spec.compositeAppVersion : '';
  return [name, version, item.metadata?.description ?? ''];
}

export async function getResource(
  client: ApiClient,
  anchor: string,
  format: OutputFormat | undefined,
  output: Output,
): Promise<boolean> {
  const response = await client.request('GET', anchor.replace(/^\/+/, ''));
  if (response.status !== 200) {
    output.err(describeError(response));
    return false;
  }
  const data = response.body;
  if (Array.isArray(data) && (format ?? 'table') === 'table') {
    const rows = (data as Listed[]).map(summary);
    const withVersion = rows.some((row) => row[1] !== '');
    const headers = withVersion ? ['NAME', 'VERSION', 'DESCRIPTION'] : ['NAME', 'DESCRIPTION'];
    output.out(
      rows.length === 0
        ? 'No resources found.'
        : table(
            headers,
            rows.map((row) => (withVersion ? row : [row[0] as string, row[2] as string])),
          ),
    );
    return true;
  }
  output.out(formatData(data, format === 'json' ? 'json' : 'yaml'));
  return true;
}
