/**
 * The kubeconfig that points a client at a fake. client-node refuses `http://` servers
 * unless the cluster has `insecure-skip-tls-verify: true` ("HTTP protocol is not allowed
 * when skipTLSVerify is not set or false", config.js `createAgent`), so it is set even
 * though there is no TLS to skip.
 */
import { stringify } from 'yaml';

export function kubeconfigFor(url: string, token: string, namespace = 'default'): string {
  const name = `fake-kube-${new URL(url).port}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: `${name}-user`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-user`, namespace } }],
    'current-context': name,
  });
}
