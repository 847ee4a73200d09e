/**
 * The Kubernetes deploy target: each cluster's objects go to its API server by
 * server-side apply, with the kubeconfig stored in the cluster's `spec.kubeconfig`.
 *
 * Clients are kept per cluster and kubeconfig (by its hash, not its text), so the
 * API discovery a client caches is not repeated every session; a changed
 * kubeconfig gets a new client.
 *
 * The Kubernetes client library is imported at the first session, not with this module:
 * it takes over a second to load, and a server that never deploys to Kubernetes (the
 * CLI's offline `render -f`, a GitOps-only fleet) should not pay for it.
 */
import type {
  ChangeContext,
  ClusterSession,
  DeployTarget,
  KindRef,
  LiveObject,
  TargetCluster,
} from '../../../service/deploy/target.js';
import type { ClusterClient } from './client.js';

const clientLibrary = async () => {
  const [{ ClusterClient }, { loadKubeconfig }, { createSession }] = await Promise.all([
    import('./client.js'),
    import('./kubeconfig.js'),
    import('./session.js'),
  ]);
  return { ClusterClient, loadKubeconfig, createSession };
};
type ClientLibrary = Awaited<ReturnType<typeof clientLibrary>>;

export interface KubernetesTargetOptions {
  /** How long one request to an API server may take before it is given up (default 10000). */
  requestTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Clients kept; beyond it the least recently used goes. */
const MAX_CLIENTS = 256;

export function createKubernetesTarget(options: KubernetesTargetOptions = {}): DeployTarget {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clients = new Map<string, { hash: string; client: ClusterClient }>();
  let library: Promise<ClientLibrary> | undefined;

  function clientFor(
    { ClusterClient, loadKubeconfig }: ClientLibrary,
    cluster: TargetCluster,
    label: string,
  ): ClusterClient {
    const { config, hash } = loadKubeconfig(cluster.spec.kubeconfig, label);
    const cached = clients.get(cluster.key);
    clients.delete(cluster.key);
    const client = cached?.hash === hash ? cached.client : ClusterClient.create(config, timeoutMs);
    clients.set(cluster.key, { hash, client });
    if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    return client;
  }

  async function open(cluster: TargetCluster): Promise<ClusterSession> {
    const label = `${cluster.provider}/${cluster.name}`;
    const loaded = await (library ??= clientLibrary());
    const client = clientFor(loaded, cluster, label);
    return loaded.createSession({ client, cluster: label, timeoutMs });
  }

  return {
    name: 'kubernetes',
    async session<T>(
      cluster: TargetCluster,
      _context: ChangeContext,
      work: (session: ClusterSession) => Promise<T>,
    ): Promise<T> {
      return work(await open(cluster));
    },
    // A session here holds nothing open, so a read is a session's list: one LIST per served kind.
    async read(
      cluster: TargetCluster,
      kinds: readonly KindRef[],
      labels: Record<string, string>,
    ): Promise<LiveObject[]> {
      return (await open(cluster)).list(kinds, labels);
    },
  };
}
