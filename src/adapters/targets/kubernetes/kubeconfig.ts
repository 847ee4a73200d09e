/**
 * A cluster's kubeconfig, as stored in `spec.kubeconfig`: checked and loaded.
 *
 * The kubeconfig is a secret, so no message here ever quotes it (nor the errors of
 * the YAML parser, which do). It is also untrusted input from the API: a kubeconfig
 * that runs a command (`exec`, `auth-provider`) or reads a file of this host
 * (`token-file`, `client-key`, ...) is refused, since meshbridge would run or read it
 * on behalf of whoever stored the cluster. Credentials must be embedded.
 */
import { createHash } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';
import { TargetError } from '../../../service/deploy/target.js';

export interface LoadedKubeconfig {
  config: KubeConfig;
  /** sha256 of the text: tells a changed kubeconfig from the cached one without keeping it. */
  hash: string;
}

type Entry = Record<string, unknown>;

/** Fields that make the client run a command or read a local file. */
const USER_REFUSED = ['exec', 'auth-provider', 'token-file', 'tokenFile', 'client-certificate', 'client-key'];
const CLUSTER_REFUSED = ['certificate-authority'];

const isObject = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function notConfigured(cluster: string, problem: string): TargetError {
  return new TargetError(`cluster ${cluster}: ${problem}`, 'not-configured', false);
}

/** YAML (JSON is YAML) to a value; the parser's errors and warnings quote the text, so they are not passed on. */
function parseYaml(text: string): unknown {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) throw new Error('invalid YAML');
  return document.toJS({ maxAliasCount: 100 });
}

/** Parses the text; a base64-encoded kubeconfig, as EMCO stores them, is accepted too. */
function parseKubeconfig(text: string, cluster: string): Entry {
  let document: unknown;
  try {
    document = parseYaml(text);
    if (typeof document === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(document)) {
      document = parseYaml(Buffer.from(document, 'base64').toString('utf8'));
    }
  } catch {
    throw notConfigured(cluster, 'the kubeconfig (spec.kubeconfig) is not valid YAML or JSON');
  }
  if (!isObject(document)) {
    throw notConfigured(cluster, 'the kubeconfig (spec.kubeconfig) is not a kubeconfig document');
  }
  return document;
}

function entries(document: Entry, list: string, field: string): Map<string, Entry> {
  const found = new Map<string, Entry>();
  const items = document[list];
  if (!Array.isArray(items)) return found;
  for (const item of items) {
    if (isObject(item) && typeof item.name === 'string' && isObject(item[field])) found.set(item.name, item[field]);
  }
  return found;
}

function refuseLocalAccess(users: Map<string, Entry>, clusters: Map<string, Entry>, cluster: string): void {
  for (const user of users.values()) {
    const field = USER_REFUSED.find((key) => user[key] !== undefined);
    if (field) {
      throw notConfigured(
        cluster,
        `a user of the kubeconfig uses "${field}", which meshbridge does not run or read: embed the credentials (token, client-certificate-data, client-key-data)`,
      );
    }
  }
  for (const entry of clusters.values()) {
    const field = CLUSTER_REFUSED.find((key) => entry[key] !== undefined);
    if (field) {
      throw notConfigured(
        cluster,
        `a cluster of the kubeconfig uses "${field}", a local file: embed it as certificate-authority-data`,
      );
    }
  }
}

/** The context to use: `current-context`, or the only one there is. */
function currentContext(document: Entry, contexts: Map<string, Entry>, cluster: string): string {
  const named = document['current-context'];
  if (typeof named === 'string' && named !== '') {
    if (!contexts.has(named))
      throw notConfigured(cluster, "the kubeconfig's current-context is not one of its contexts");
    return named;
  }
  if (contexts.size === 1) return [...contexts.keys()][0] as string;
  throw notConfigured(cluster, 'the kubeconfig has no current-context');
}

function checkServer(entry: Entry | undefined, cluster: string): void {
  const server = entry?.server;
  if (typeof server !== 'string' || !/^https?:\/\/[^/]/.test(server)) {
    throw notConfigured(cluster, "the kubeconfig's current cluster has no server URL (http:// or https://)");
  }
  if (server.startsWith('http:') && entry?.['insecure-skip-tls-verify'] !== true) {
    throw notConfigured(
      cluster,
      "the kubeconfig's current cluster uses plain http without insecure-skip-tls-verify: true",
    );
  }
}

/** Loads `spec.kubeconfig` of a cluster; a `not-configured` TargetError when it is missing or unusable. */
export function loadKubeconfig(text: unknown, cluster: string): LoadedKubeconfig {
  if (typeof text !== 'string' || text.trim() === '') {
    throw notConfigured(cluster, 'no kubeconfig (spec.kubeconfig) is stored for the cluster');
  }
  const document = parseKubeconfig(text, cluster);
  const users = entries(document, 'users', 'user');
  const clusters = entries(document, 'clusters', 'cluster');
  const contexts = entries(document, 'contexts', 'context');
  refuseLocalAccess(users, clusters, cluster);
  const context = currentContext(document, contexts, cluster);
  const contextEntry = contexts.get(context) as Entry;
  const clusterName = typeof contextEntry.cluster === 'string' ? contextEntry.cluster : '';
  if (!clusters.has(clusterName)) {
    throw notConfigured(cluster, "the kubeconfig's current context names no cluster it defines");
  }
  checkServer(clusters.get(clusterName), cluster);
  const config = new KubeConfig();
  try {
    config.loadFromString(JSON.stringify({ ...document, 'current-context': context }));
  } catch {
    throw notConfigured(cluster, 'the kubeconfig (spec.kubeconfig) has an invalid cluster, user or context entry');
  }
  return { config, hash: createHash('sha256').update(text).digest('hex') };
}
