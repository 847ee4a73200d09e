import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { TargetError } from '../../../service/deploy/target.js';
import { loadKubeconfig } from './kubeconfig.js';

const TOKEN = 'sekret-token-0123456789';

function kubeconfig(
  user: Record<string, unknown> = { token: TOKEN },
  cluster: Record<string, unknown> = { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0EK' },
  currentContext: string | undefined = 'main',
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'main', context: { cluster: 'c', user: 'u' } }],
    ...(currentContext === undefined ? {} : { 'current-context': currentContext }),
  };
}

function refusal(text: unknown): TargetError {
  try {
    loadKubeconfig(text, 'edge/cluster01');
  } catch (error) {
    expect(error).toBeInstanceOf(TargetError);
    const failure = error as TargetError;
    expect(failure.reason).toBe('not-configured');
    expect(failure.retryable).toBe(false);
    expect(failure.message).toContain('edge/cluster01');
    if (typeof text === 'string' && text.trim() !== '') expect(failure.message).not.toContain(text);
    expect(failure.message).not.toContain(TOKEN);
    return failure;
  }
  throw new Error('the kubeconfig was accepted');
}

describe('loadKubeconfig', () => {
  test('loads YAML, JSON and base64 (as EMCO stores it) alike', () => {
    const document = kubeconfig();
    for (const text of [
      stringify(document),
      JSON.stringify(document),
      Buffer.from(stringify(document)).toString('base64'),
    ]) {
      const { config, hash } = loadKubeconfig(text, 'edge/cluster01');
      expect(config.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
      expect(config.getCurrentUser()?.token).toBe(TOKEN);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test('the only context serves when none is current', () => {
    const { config } = loadKubeconfig(stringify(kubeconfig(undefined, undefined, undefined)), 'edge/cluster01');
    expect(config.getCurrentContext()).toBe('main');
  });

  test('the hash tells kubeconfigs apart', () => {
    const one = loadKubeconfig(stringify(kubeconfig()), 'x').hash;
    const other = loadKubeconfig(stringify(kubeconfig({ token: 'other' })), 'x').hash;
    expect(one).not.toBe(other);
  });

  test('missing or empty: not configured', () => {
    expect(refusal(undefined).message).toMatch(/no kubeconfig/);
    expect(refusal('').message).toMatch(/no kubeconfig/);
    expect(refusal('   \n').message).toMatch(/no kubeconfig/);
    expect(refusal(42).message).toMatch(/no kubeconfig/);
  });

  test('unparsable or not a kubeconfig: not configured, without quoting it', () => {
    const garbage = `clusters: [ {server: "https://x", token: "${TOKEN}" `;
    expect(refusal(garbage).message).toMatch(/not valid YAML or JSON/);
    expect(refusal('- just\n- a list').message).toMatch(/not a kubeconfig/);
    expect(refusal(stringify({ clusters: [] })).message).toMatch(/no current-context/);
    expect(refusal(stringify(kubeconfig(undefined, undefined, 'elsewhere'))).message).toMatch(/current-context/);
    expect(refusal(stringify(kubeconfig(undefined, { 'certificate-authority-data': 'Q0EK' }))).message).toMatch(
      /no server URL/,
    );
  });

  test('plain http only with insecure-skip-tls-verify', () => {
    expect(refusal(stringify(kubeconfig(undefined, { server: 'http://10.0.0.1:8080' }))).message).toMatch(/plain http/);
    const { config } = loadKubeconfig(
      stringify(kubeconfig(undefined, { server: 'http://10.0.0.1:8080', 'insecure-skip-tls-verify': true })),
      'edge/cluster01',
    );
    expect(config.getCurrentCluster()?.skipTLSVerify).toBe(true);
  });

  test.each([
    ['exec', { exec: { command: 'touch', args: ['/tmp/pwned'], apiVersion: 'client.authentication.k8s.io/v1' } }],
    ['auth-provider', { 'auth-provider': { name: 'gcp', config: { 'cmd-path': '/bin/sh' } } }],
    ['token-file', { 'token-file': '/var/run/secrets/kubernetes.io/serviceaccount/token' }],
    ['client-key', { 'client-key': '/etc/kubernetes/pki/admin.key', 'client-certificate-data': 'Q0VSVAo=' }],
    ['client-certificate', { 'client-certificate': '/etc/kubernetes/pki/admin.crt', 'client-key-data': 'S0VZCg==' }],
  ])('a user with %s is refused: meshbridge runs no command and reads no file of its host', (field, user) => {
    expect(refusal(stringify(kubeconfig(user))).message).toContain(`"${field}"`);
  });

  test('a CA file is refused; embedded CA data is fine', () => {
    const cluster = { server: 'https://10.0.0.1:6443', 'certificate-authority': '/etc/kubernetes/pki/ca.crt' };
    expect(refusal(stringify(kubeconfig(undefined, cluster))).message).toContain('certificate-authority-data');
  });
});
