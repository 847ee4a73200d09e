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
    expect(config.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
    expect(config.getCurrentUser()?.token).toBe(TOKEN);
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
    expect(refusal(stringify({ clusters: [] })).message).not.toMatch(/undefined/);
    expect(refusal(stringify(kubeconfig(undefined, undefined, 'elsewhere'))).message).toMatch(/current-context/);
    expect(refusal(stringify(kubeconfig(undefined, { 'certificate-authority-data': 'Q0EK' }))).message).toMatch(
      /no server URL/,
    );
  });

  test('YAML as the core schema reads it: a repeated key is refused, a date stays text, an alias is no copy', () => {
    const text = stringify(kubeconfig());
    expect(refusal(`${text}current-context: main\n`).message).toMatch(/not valid YAML or JSON/);
    const named = stringify(kubeconfig(undefined, { server: 'https://10.0.0.1:6443', 'tls-server-name': 'x' }));
    const { config } = loadKubeconfig(named.replace('tls-server-name: x', 'tls-server-name: 2001-12-14'), 'x');
    expect(config.getCurrentCluster()?.tlsServerName).toBe('2001-12-14');
    // Nine levels of nine aliases: 9^9 values if copied; read as references, refused by name.
    const bomb = ['a: &l0 [x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level++)
      bomb.push(
        `l${level}: &l${level} [${Array(9)
          .fill(`*l${level - 1}`)
          .join(', ')}]`,
      );
    expect(refusal(bomb.join('\n')).message).toMatch(/a is not a field meshbridge reads/);
  });

  test('plain http only with insecure-skip-tls-verify', () => {
    expect(refusal(stringify(kubeconfig(undefined, { server: 'http://10.0.0.1:8080' }))).message).toMatch(
      /neither https:\/\/ nor http:\/\/ with insecure-skip-tls-verify/,
    );
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
    expect(refusal(stringify(kubeconfig(user))).message).toContain(`users[0].user.${field}`);
  });

  test('a CA file is refused; embedded CA data is fine', () => {
    const cluster = { server: 'https://10.0.0.1:6443', 'certificate-authority': '/etc/kubernetes/pki/ca.crt' };
    expect(refusal(stringify(kubeconfig(undefined, cluster))).message).toContain(
      'clusters[0].cluster.certificate-authority reads a file',
    );
    const embedded = { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0EK' };
    expect(loadKubeconfig(stringify(kubeconfig(undefined, embedded)), 'x').config.getCurrentCluster()?.caData).toBe(
      'Q0EK',
    );
  });

  // Reproductions from issue 9: the client takes the first entry of a name, the old check kept the last.
  test('two users of one name, the first with exec: refused', () => {
    const document = kubeconfig();
    document.users = [
      { name: 'u', user: { exec: { command: 'touch', args: ['/tmp/pwned'], apiVersion: 'v1' } } },
      { name: 'u', user: { token: TOKEN } },
    ];
    const message = refusal(stringify(document)).message;
    expect(message).toContain('users[0].user.exec runs a program');
    expect(message).toContain('users[1].name repeats the name of an earlier entry');
  });

  test('a user whose name is not a string, with auth-provider or tokenFile: refused', () => {
    for (const user of [{ 'auth-provider': { name: 'gcp' } }, { tokenFile: '/etc/shadow' }]) {
      const document = kubeconfig();
      document.users = [
        { name: 7, user },
        { name: 'u', user: { token: TOKEN } },
      ];
      const message = refusal(stringify(document)).message;
      expect(message).toContain('users[0].name must be a non-empty string');
      expect(message).toMatch(/users\[0\]\.user\.(auth-provider runs a plugin|tokenFile reads a file)/);
    }
  });

  test('an unused user or cluster is read as strictly as the current one', () => {
    const document = kubeconfig();
    document.users = [
      { name: 'u', user: { token: TOKEN } },
      { name: 'spare', user: { 'client-key': '/k' } },
    ];
    expect(refusal(stringify(document)).message).toContain('users[1].user.client-key reads a file');
  });

  test('unknown fields and credentials in the server URL are refused; extensions are ignored', () => {
    expect(refusal(stringify(kubeconfig({ token: TOKEN, 'as-user-extra': { a: ['b'] } }))).message).toContain(
      'users[0].user.as-user-extra is not a field meshbridge reads',
    );
    expect(refusal(stringify(kubeconfig(undefined, { server: 'https://admin:pw@10.0.0.1:6443' }))).message).toContain(
      'credentials in its server URL',
    );
    expect(
      refusal(stringify(kubeconfig(undefined, { server: 'https://10.0.0.1', 'proxy-url': 'http://x' }))).message,
    ).toContain('proxy-url is not a field');
    const minikube = kubeconfig(undefined, {
      server: 'https://10.0.0.1:6443',
      extensions: [{ name: 'cluster_info', extension: { provider: 'minikube.sigs.k8s.io' } }],
    });
    expect(loadKubeconfig(stringify(minikube), 'x').config.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
  });
});
