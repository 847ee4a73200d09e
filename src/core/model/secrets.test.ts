import { expect, test } from 'vitest';
import { inboundIntentKind } from './inbound.js';
import { keepStoredSecrets, redact, REDACTED, secretPaths } from './secrets.js';
import { clusterKind } from './infrastructure.js';

test('finds every write-only field of a schema', () => {
  expect(secretPaths(inboundIntentKind.schema).map((path) => path.join('.'))).toEqual([
    'spec.certificates.serviceCertificate',
    'spec.certificates.servicePrivateKey',
    'spec.certificates.caCertificate',
    'spec.external.externalCerts.serviceCertificate',
    'spec.external.externalCerts.servicePrivateKey',
    'spec.external.externalCerts.caCertificate',
  ]);
  expect(secretPaths(clusterKind.schema)).toEqual([['spec', 'kubeconfig']]);
});

test('redacts set secrets without touching the original or unset ones', () => {
  const body = { metadata: { name: 'a' }, spec: { app: 'a', certificates: { servicePrivateKey: 'KEY' } } };
  expect(redact(inboundIntentKind, body)).toEqual({
    metadata: { name: 'a' },
    spec: { app: 'a', certificates: { servicePrivateKey: REDACTED } },
  });
  expect(body.spec.certificates.servicePrivateKey).toBe('KEY');
});

test('keeps the stored value where a body sends the marker back, and names markers with nothing stored', () => {
  const stored = { spec: { certificates: { servicePrivateKey: 'KEY' } } };
  const body = { spec: { certificates: { servicePrivateKey: REDACTED, serviceCertificate: REDACTED } } };
  expect(keepStoredSecrets(inboundIntentKind, body, stored)).toEqual(['spec.certificates.serviceCertificate']);
  expect(body.spec.certificates.servicePrivateKey).toBe('KEY');
  expect(
    keepStoredSecrets(inboundIntentKind, { spec: { certificates: { servicePrivateKey: REDACTED } } }, undefined),
  ).toEqual(['spec.certificates.servicePrivateKey']);
});
