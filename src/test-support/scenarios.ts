/**
 * The scenario of `examples/seed-two-clouds.yaml` as a starting point for tests of
 * the traffic intents: everything in it but the intents themselves, and the paths
 * its resources live at.
 */
import type { ApiHarness } from './api.js';
import { exampleDocuments } from './examples.js';

export const VERSION_PATH = '/v2/projects/demo/composite-apps/blue-app/v1';
export const SEED_INBOUND = `${VERSION_PATH}/traffic-intent-set/inbound-intents`;
export const SEED_OUTBOUND = `${VERSION_PATH}/traffic-group-intent/outbound-intents`;
export const GROUPS = `${VERSION_PATH}/deployment-intent-groups`;
/** Where seed 000's paths keep an intent for an app placed by `group`. */
export const defaultTrafficGroup = (group: string) => `${GROUPS}/${group}/traffic-group-intents/default`;

/** A certificate and key that look real to a PEM check (they are not usable keys). */
export const PEM_CERT =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUSecretCertificateBodyForTestsOnly0123456789wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n';
export const PEM_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wSecretPrivateKeyBodyForTestsOnly987654\n-----END PRIVATE KEY-----\n';
export const PEM_CA =
  '-----BEGIN CERTIFICATE-----\nMIIBrTCCAVOgAwIBAgIUSecretCaCertificateBodyForTestsOnly55555555CgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n';

/** Posts every document of seed-two-clouds.yaml that is not a traffic intent. */
export async function seedWorld(api: ApiHarness): Promise<void> {
  for (const document of await exampleDocuments('seed-two-clouds.yaml')) {
    if (document.anchor.includes('/traffic-')) continue;
    const response = await api.request('POST', `/v2/${document.anchor}`, document.body);
    if (response.status !== 201) throw new Error(`seeding ${document.anchor}: ${response.status} ${response.body}`);
  }
}

/**
 * The seed's inbound intent for httpbin (placed by lc02-group), in seed 000's spelling. One Service name and port
 * is served by one intent of a group, so an intent named other than `httpbin-inbound` serves a Service named
 * after itself unless `spec` names one.
 */
export function seedInbound(name = 'httpbin-inbound', spec: Record<string, unknown> = {}): Record<string, unknown> {
  const servicename = name === 'httpbin-inbound' ? 'httpbin' : name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return {
    metadata: { name, description: 'connectivity intent', userdata1: 'u1', userdata2: '' },
    spec: {
      application: 'httpbin',
      servicename,
      externName: '',
      protocol: 'HTTP',
      headless: 'false',
      mutualTLS: 'MUTUAL',
      port: '80',
      serviceMesh: 'istio',
      'sidecar-proxy': 'yes',
      'traffic-management-info': {
        loadbalancingType: 'ConsistenHash',
        loadBalancerMode: 'httpCookie',
        httpCookie: 'user1',
        maxConnections: 10,
        concurrenthttp2Requests: 1000,
        httpRequestPerConnection: 100,
        consecutiveErrors: 8,
        baseEjectionTime: 15,
        intervalSweep: '5m',
      },
      Servicecertificate: '',
      ServicePrivateKey: '',
      caCertificate: '',
      namespaces: [],
      serviceAccountAccess: { 'cluster.local/ns/namespace01/sa/sleep': { GET: '/status*' } },
      ...spec,
    },
  };
}
