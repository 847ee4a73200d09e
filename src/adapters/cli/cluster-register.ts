/**
 * The meshbridge side of `meshbridge cluster add`: the cluster's `spec.kubeconfig` is set, and
 * nothing else of it changes. A new cluster is POSTed; an existing one is read and PUT back with
 * only its kubeconfig replaced, with `If-Match` of the version read, so a change made meanwhile
 * is reported, never overwritten.
 */
import { describeError, type ApiClient } from './api-client.js';

export interface ClusterName {
  provider: string;
  cluster: string;
}

/** `edge/cluster01` → `{provider: 'edge', cluster: 'cluster01'}`; anything else is an error that says the form. */
export function parseClusterName(value: string): ClusterName {
  const parts = value.split('/');
  if (parts.length !== 2 || parts.some((part) => part.trim() === '')) {
    throw new Error(`"${value}" is not PROVIDER/CLUSTER (e.g. edge/cluster01)`);
  }
  return { provider: parts[0] as string, cluster: parts[1] as string };
}

const providerPath = (name: ClusterName) => `cluster-providers/${encodeURIComponent(name.provider)}`;
const clusterPath = (name: ClusterName) => `${providerPath(name)}/clusters/${encodeURIComponent(name.cluster)}`;

/** Fails before anything is done in the cluster when the provider is not there or meshbridge cannot be reached. */
export async function requireProvider(client: ApiClient, name: ClusterName): Promise<void> {
  const response = await client.request('GET', providerPath(name));
  if (response.status === 200) return;
  if (response.status === 404) {
    throw new Error(
      `meshbridge has no cluster provider "${name.provider}": create it first ` +
        `(a ClusterProvider document with \`meshbridge apply -f\`); nothing was changed`,
    );
  }
  throw new Error(`cannot read cluster provider "${name.provider}": ${describeError(response)}`);
}

export type Registration = 'created' | 'updated' | 'unchanged';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function registerCluster(client: ApiClient, name: ClusterName, kubeconfig: string): Promise<Registration> {
  const path = clusterPath(name);
  const current = await client.request('GET', path);
  if (current.status === 404) {
    const body = { metadata: { name: name.cluster }, spec: { kubeconfig } };
    const created = await client.request('POST', `${providerPath(name)}/clusters`, body);
    if (created.status !== 201) throw new Error(`cannot register cluster: ${describeError(created)}`);
    return 'created';
  }
  if (current.status !== 200 || !isObject(current.body)) {
    throw new Error(`cannot read cluster ${name.provider}/${name.cluster}: ${describeError(current)}`);
  }
  const spec = isObject(current.body.spec) ? current.body.spec : {};
  const body = { ...current.body, spec: { ...spec, kubeconfig } };
  const put = await client.request('PUT', path, body, undefined, current.headers.get('etag') ?? undefined);
  if (put.status === 412) {
    throw new Error(
      `cluster ${name.provider}/${name.cluster} changed while its kubeconfig was replaced (412): nothing was overwritten; run again`,
    );
  }
  if (put.status !== 200 && put.status !== 201) throw new Error(`cannot update cluster: ${describeError(put)}`);
  return put.headers.get('meshbridge-outcome') === 'unchanged' ? 'unchanged' : 'updated';
}
