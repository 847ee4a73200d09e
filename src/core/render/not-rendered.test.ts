/** Each field EMCO's other controllers act on, and a second intent on one port, is named in a diagnostic. */
import { expect, test } from 'vitest';
import type { InboundSpec } from '../model/inbound.js';
import { notRenderedDiagnostics } from './not-rendered.js';
import type { ClientModel, ServiceModel } from './services.js';

const service = (name: string, spec: Partial<InboundSpec>, clients: Partial<ClientModel>[] = []): ServiceModel =>
  ({
    key: `projects/p/composite-apps/ca/v1/deployment-intent-groups/dig/traffic-group-intents/t/inbound-intents/${name}`,
    name,
    spec: {
      serviceName: 'web',
      port: 80,
      serviceMesh: 'istio',
      management: { sidecarProxy: true, tlsType: 'MUTUAL' },
      ...spec,
    },
    clients,
  }) as unknown as ServiceModel;

const codes = (services: ServiceModel[], samePort: { service: ServiceModel; primary: ServiceModel }[] = []) =>
  notRenderedDiagnostics({ mesh: [], all: services, samePort }).map((diagnostic) => [
    diagnostic.code,
    diagnostic.message,
  ]);

test('an intent of meshbridge’s own fields only has nothing to report', () => {
  expect(codes([service('plain', {})])).toEqual([]);
});

test('serviceMesh none: no Istio objects; with clients, the service discovery objects too', () => {
  expect(codes([service('lonely', { serviceMesh: 'none' })]).map(([code]) => code)).toEqual(['ServiceMeshNone']);
  expect(codes([service('called', { serviceMesh: 'none' }, [{ name: 'c' }])]).map(([code]) => code)).toEqual([
    'ServiceMeshNone',
    'ServiceDiscoveryNotRendered',
  ]);
});

test('externalSupport: exposed (with the Secret for TLS), or ignored without the sidecar, as EMCO does', () => {
  const [[, simple]] = codes([
    service('s', {
      externalSupport: true,
      externalName: 'web.example.com',
      management: { sidecarProxy: true, tlsType: 'SIMPLE' },
    }),
  ]) as [[string, string]];
  expect(simple).toBe(
    "inbound intent s: externalSupport: EMCO's Istio controller exposes web.example.com outside the mesh through the ingress gateway (Gateway web-ext-simple, a VirtualService and the Secret web-credential in istio-system); not rendered by meshbridge",
  );
  expect(
    codes([service('n', { externalSupport: true, management: { sidecarProxy: false, tlsType: 'DISABLE' } })]),
  ).toEqual([['ExternalSupportIgnored', expect.stringContaining('only with sidecarProxy "yes"')]]);
});

test('edgeCNF sdewan, and a second intent on one port whose clients would be lost, are named', () => {
  expect(codes([service('e', { edgeCNF: 'sdewan' }), service('f', { edgeCNF: 'none' })])).toEqual([
    [
      'SdewanNotRendered',
      expect.stringMatching(/^inbound intent e: edgeCNF "sdewan" is handled by EMCO's SD-EWAN controller/),
    ],
  ]);
  const primary = service('first', {});
  const second = service('second', {}, [{ name: 'b' }, { name: 'a' }]);
  expect(codes([], [{ service: second, primary }])).toEqual([
    [
      'SamePortIntent',
      "inbound intent second: serves service web port 80 as inbound intent first does: meshbridge renders that port's mesh objects once, from first; its clients a, b are not rendered by meshbridge: write them under first",
    ],
  ]);
});
