/**
 * The cluster side of `meshbridge cluster add`, run on the user's machine with the user's own
 * kubeconfig: client-node loads it the normal way, so `exec` plugins (aws, gke-gcloud-auth-plugin,
 * kubelogin) run here, by the user's choice, and never on the meshbridge server. It sets up a
 * ServiceAccount with meshbridge's least-privilege ClusterRole and a token Secret, waits for the
 * token controller to fill it, and builds a kubeconfig holding only the server, its CA and that token.
 *
 * Loaded with a dynamic import, so the CLI starts without client-node.
 */
import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { delimiter } from 'node:path';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { toYaml } from '../../core/yaml/output.js';
import { accessObjects, tokenSecretName, type AccessNames, type AccessObject } from '../targets/kubernetes/index.js';

/** The field manager of what `cluster add` writes (meshbridge's deploys use `meshbridge`). */
export const CLUSTER_ADD_MANAGER = 'meshbridge-cluster-add';

export interface UserCluster {
  config: KubeConfig;
  context: string;
  server: string;
}

export interface AccessResult {
  object: string;
  result: 'created' | 'updated' | 'unchanged';
}

/**
 * The user's kubeconfig: `--kubeconfig FILE`, else the files of `KUBECONFIG` (merged, the first one's context
 * current, as kubectl does), else `~/.kube/config` or in-cluster; then `--context`, which must exist.
 */
export function loadUserKubeconfig(
  file: string | undefined,
  context: string | undefined,
  env: Record<string, string | undefined>,
): UserCluster {
  const config = new KubeConfig();
  const files = file ? [file] : (env.KUBECONFIG ?? '').split(delimiter).filter((path) => path !== '');
  if (files.length === 0) config.loadFromDefault();
  files.forEach((path, index) => {
    if (index === 0) return config.loadFromFile(path);
    const more = new KubeConfig();
    more.loadFromFile(path);
    config.mergeConfig(more, true);
  });
  const names = config.getContexts().map((entry) => entry.name);
  if (context !== undefined) {
    if (!names.includes(context)) {
      throw new Error(
        `the kubeconfig has no context "${context}"${names.length > 0 ? ` (it has: ${names.join(', ')})` : ''}`,
      );
    }
    config.setCurrentContext(context);
  }
  const current = config.getCurrentContext();
  if (!current || !config.getContextObject(current)) {
    throw new Error('the kubeconfig has no current context: name one with --context');
  }
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error(`context "${current}" names no cluster with a server`);
  return { config, context: current, server };
}

function describe(object: AccessObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind.toLowerCase()} ${namespace ? `${namespace}/` : ''}${name}`;
}

async function readOrUndefined(api: KubernetesObjectApi, object: AccessObject) {
  try {
    return await api.read({ apiVersion: object.apiVersion, kind: object.kind, metadata: { ...object.metadata } });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined;
    throw error;
  }
}

/** Server-side apply of each object, in order; repeating it changes nothing (and repairs a role edited by hand). */
export async function applyAccess(api: KubernetesObjectApi, names: AccessNames): Promise<AccessResult[]> {
  const results: AccessResult[] = [];
  for (const object of accessObjects(names)) {
    const before = await readOrUndefined(api, object);
    const after: KubernetesObject = await api.patch(
      structuredClone(object) as KubernetesObject,
      undefined,
      undefined,
      CLUSTER_ADD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
    const version = (value: KubernetesObject | undefined) => value?.metadata?.resourceVersion;
    const result = !before ? 'created' : version(before) === version(after) ? 'unchanged' : 'updated';
    results.push({ object: describe(object), result });
  }
  return results;
}

export interface ServiceAccountToken {
  token: string;
  /** PEM, as the token controller wrote it. */
  caCertificate?: string;
}

const decode = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '');

/** Reads the token Secret until the token controller has filled it; gives up after `timeoutMs`. */
export async function waitForToken(
  api: KubernetesObjectApi,
  names: AccessNames,
  timeoutMs: number,
): Promise<ServiceAccountToken> {
  const name = tokenSecretName(names);
  const header = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: names.namespace } };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const secret = (await api.read(header)) as { data?: Record<string, string> };
    const token = decode(secret.data?.token);
    const ca = decode(secret.data?.['ca.crt']);
    if (token !== '') return { token, ...(ca !== '' ? { caCertificate: ca } : {}) };
    if (Date.now() >= deadline) {
      throw new Error(
        `the token controller did not fill secret ${names.namespace}/${name} within ${Math.round(timeoutMs / 1000)} s ` +
          '(is kube-controller-manager running with its service-account key? raise --token-timeout to wait longer)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
  }
}

/** The CA of the user's cluster entry as base64 PEM: inline, or read from its file (the user's file, on their machine). */
async function caDataOf(config: KubeConfig): Promise<string | undefined> {
  const cluster = config.getCurrentCluster();
  if (cluster?.caData) return cluster.caData;
  if (cluster?.caFile) return (await readFile(cluster.caFile)).toString('base64');
  return undefined;
}

/**
 * The kubeconfig meshbridge keeps: the server, how to trust it (the user's CA, else the one the token controller
 * gave, or the user's own insecure-skip-tls-verify) and the ServiceAccount token. Nothing else of the user's.
 */
export async function registeredKubeconfig(
  user: UserCluster,
  clusterName: string,
  token: ServiceAccountToken,
): Promise<string> {
  const cluster = user.config.getCurrentCluster();
  const entry: Record<string, unknown> = { server: user.server };
  if (cluster?.skipTLSVerify) entry['insecure-skip-tls-verify'] = true;
  else {
    const ca =
      (await caDataOf(user.config)) ?? (token.caCertificate && Buffer.from(token.caCertificate).toString('base64'));
    if (ca) entry['certificate-authority-data'] = ca;
  }
  if (cluster?.tlsServerName) entry['tls-server-name'] = cluster.tlsServerName;
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: entry }],
    users: [{ name: 'meshbridge', user: { token: token.token } }],
    contexts: [{ name: 'meshbridge', context: { cluster: clusterName, user: 'meshbridge' } }],
    'current-context': 'meshbridge',
  });
}

/** The objects `cluster add` creates, as a multi-document YAML manifest (`--dry-run`, docs/cluster-access.yaml). */
export function accessManifest(names: AccessNames): string {
  return accessObjects(names)
    .map((object) => toYaml(object))
    .join('---\n');
}

export function objectApi(user: UserCluster): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(user.config);
}

export function accessObjectsOf(names: AccessNames): AccessObject[] {
  return accessObjects(names);
}

/** What the cluster said, in one line: the Status message of an API error, else the error's own message. */
export function clusterError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as { message?: unknown } | string | undefined;
    const message = typeof body === 'object' && typeof body?.message === 'string' ? body.message : String(body ?? '');
    return `${error.code} ${message}`.trim();
  }
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
}
