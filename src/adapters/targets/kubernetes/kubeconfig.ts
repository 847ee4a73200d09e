/**
 * A cluster's kubeconfig, as stored in `spec.kubeconfig`: checked and loaded.
 *
 * What may be in it is `core/model/kubeconfig.ts`'s allow-list, which the API also applies
 * when the cluster is written; this is the second line, for kubeconfigs stored before it.
 */
import { createHash } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { readKubeconfig } from '../../../core/model/kubeconfig.js';
import { TargetError } from '../../../service/deploy/target.js';

export interface LoadedKubeconfig {
  config: KubeConfig;
  /** sha256 of the text: tells a changed kubeconfig from the cached one without keeping it. */
  hash: string;
}

function notConfigured(cluster: string, problem: string): TargetError {
  return new TargetError(`cluster ${cluster}: ${problem}`, 'not-configured', false);
}

/**
 * Loads `spec.kubeconfig` of a cluster; a `not-configured` TargetError when it is missing or unusable. The client
 * gets only what `readKubeconfig` allowed, built afresh, never the stored document.
 */
export function loadKubeconfig(text: unknown, cluster: string): LoadedKubeconfig {
  if (typeof text !== 'string' || text.trim() === '') {
    throw notConfigured(cluster, 'no kubeconfig (spec.kubeconfig) is stored for the cluster');
  }
  const reading = readKubeconfig(text);
  if (!reading.ok) throw notConfigured(cluster, `the kubeconfig (spec.kubeconfig) ${reading.problems.join('; ')}`);
  const safe = reading.kubeconfig;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'cluster',
        server: safe.server,
        skipTLSVerify: safe.insecureSkipTlsVerify ?? false,
        ...(safe.certificateAuthorityData ? { caData: safe.certificateAuthorityData } : {}),
        ...(safe.tlsServerName ? { tlsServerName: safe.tlsServerName } : {}),
      },
    ],
    users: [
      {
        name: 'user',
        ...(safe.token ? { token: safe.token } : {}),
        ...(safe.clientCertificateData ? { certData: safe.clientCertificateData } : {}),
        ...(safe.clientKeyData ? { keyData: safe.clientKeyData } : {}),
        ...(safe.username ? { username: safe.username } : {}),
        ...(safe.password ? { password: safe.password } : {}),
      },
    ],
    contexts: [
      {
        name: 'meshbridge',
        cluster: 'cluster',
        user: 'user',
        ...(safe.namespace ? { namespace: safe.namespace } : {}),
      },
    ],
    currentContext: 'meshbridge',
  });
  return { config, hash: createHash('sha256').update(text).digest('hex') };
}
