/**
 * Hostile kubeconfigs: random documents built from every field a kubeconfig may hold, the
 * dangerous ones included, with repeated, numeric and missing names. Whatever is accepted
 * gives the Kubernetes client nothing that runs a program or reads a file, and whatever
 * holds such a field anywhere is refused, when written as at deploy.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { readKubeconfig } from '../../../core/model/kubeconfig.js';
import { loadKubeconfig } from './kubeconfig.js';

const DANGEROUS = [
  'exec',
  'auth-provider',
  'tokenFile',
  'token-file',
  'client-certificate',
  'client-key',
  'certificate-authority',
];
const USER_KEYS = ['token', 'client-certificate-data', 'client-key-data', 'username', 'password', 'as', ...DANGEROUS];
const CLUSTER_KEYS = ['server', 'certificate-authority-data', 'insecure-skip-tls-verify', 'proxy-url', ...DANGEROUS];

const value = fc.oneof(
  fc.constantFrom('/etc/passwd', 'https://10.0.0.1:6443', 'http://10.0.0.1', 'c2VjcmV0', 'sh'),
  fc.boolean(),
  fc.record({ command: fc.constant('/bin/sh'), args: fc.constant(['-c', 'touch /tmp/pwned']) }),
);
const name = fc.oneof(
  { weight: 12, arbitrary: fc.constant('a') },
  fc.constantFrom('b', 'main'),
  fc.integer({ min: 0, max: 2 }),
  fc.constant(undefined),
);
/** A sound entry, often with hostile extras mixed in. */
const body = (sound: Record<string, unknown>, keys: string[]) =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      fc.dictionary(fc.constantFrom(...keys), value, { minKeys: 1, maxKeys: 3 }),
    )
    .map((extras) => ({ ...sound, ...extras }));
const entries = (field: string, sound: Record<string, unknown>, keys: string[]) =>
  fc.array(fc.record({ name, [field]: body(sound, keys) }), {
    minLength: 1,
    maxLength: 3,
  });
const hostile = fc.record({
  clusters: entries('cluster', { server: 'https://10.0.0.1:6443' }, CLUSTER_KEYS),
  users: entries('user', { token: 'c2VjcmV0' }, USER_KEYS),
  contexts: entries('context', { cluster: 'a', user: 'a' }, ['namespace', ...DANGEROUS]),
  'current-context': fc.option(fc.constantFrom('a', 'b', 'main'), { nil: undefined }),
});

/** Always among the runs, so the count of accepted documents cannot be zero by chance. */
const SOUND: typeof hostile extends fc.Arbitrary<infer Document> ? Document : never = {
  clusters: [{ name: 'a', cluster: { server: 'https://10.0.0.1:6443' } }],
  users: [{ name: 'a', user: { token: 'c2VjcmV0' } }],
  contexts: [{ name: 'a', context: { cluster: 'a', user: 'a' } }],
  'current-context': 'a',
};

function holdsDangerousField(document: unknown): boolean {
  if (Array.isArray(document)) return document.some(holdsDangerousField);
  if (typeof document !== 'object' || document === null) return false;
  return Object.entries(document).some(([key, inner]) => DANGEROUS.includes(key) || holdsDangerousField(inner));
}

describe('hostile kubeconfigs', () => {
  test('an accepted kubeconfig gives the client nothing that runs a program or reads a file', () => {
    let accepted = 0;
    fc.assert(
      fc.property(hostile, (document) => {
        const text = stringify(document);
        const reading = readKubeconfig(text);
        if (holdsDangerousField(document)) expect(reading.ok || reading.incomplete).toBe(false);
        let loaded;
        try {
          loaded = loadKubeconfig(text, 'p/c');
        } catch (error) {
          if (reading.ok) throw error;
          return;
        }
        accepted += 1;
        expect(holdsDangerousField(document)).toBe(false);
        for (const user of loaded.config.users) {
          expect(user.exec).toBeUndefined();
          expect(user.authProvider).toBeUndefined();
          expect(user.certFile).toBeUndefined();
          expect(user.keyFile).toBeUndefined();
        }
        for (const cluster of loaded.config.clusters) expect(cluster.caFile).toBeUndefined();
      }),
      { numRuns: 500, examples: [[SOUND]] },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
