/**
 * What EMCO's other sub-controllers would make of an inbound intent and meshbridge does not render: each is a
 * diagnostic naming the intent, the field and the controller, so nothing an EMCO file asks for is dropped
 * silently (docs/rendering.md#emcos-sub-controllers; sources in emco-base f12558f).
 */
import { externalExposure } from '../model/inbound.js';
import type { Diagnostic } from './diagnostics.js';
import type { ResolvedServices, ServiceModel } from './services.js';

const warning = (service: ServiceModel, code: string, message: string): Diagnostic => ({
  severity: 'warning',
  code,
  message: `inbound intent ${service.name}: ${message}`,
  resource: service.key,
});

/** EMCO's Istio controller acts only on serviceMesh istio (src/its/internal/istiosubc/action.go). */
function outsideTheMesh(service: ServiceModel): Diagnostic[] {
  if (service.spec.serviceMesh !== 'none') return [];
  const found: Diagnostic[] = [
    warning(
      service,
      'ServiceMeshNone',
      'serviceMesh "none": meshbridge renders no Istio objects for it (EMCO\'s Istio controller takes only serviceMesh istio); where its clusters carry the networkpolicy-supported label it gets a NetworkPolicy',
    ),
  ];
  if (service.clients.length > 0) {
    found.push(
      warning(
        service,
        'ServiceDiscoveryNotRendered',
        `the Service ${service.spec.serviceName} and its Endpoints that EMCO's service discovery controller creates in its clients' clusters, at the server's node or load-balancer address (src/sds/internal/servicediscovery), are not rendered by meshbridge`,
      ),
    );
  }
  return found;
}

/** EMCO's SD-EWAN controller acts on edgeCNF sdewan (src/swc/internal/sdewancc/action.go). */
function edgeCnf(service: ServiceModel): Diagnostic[] {
  if (service.spec.edgeCNF !== 'sdewan') return [];
  return [
    warning(
      service,
      'SdewanNotRendered',
      'edgeCNF "sdewan" is handled by EMCO\'s SD-EWAN controller (its CNFService and SdewanApplication resources, batch.sdewan.akraino.org/v1alpha1: src/swc/internal/sdewancc), not rendered by meshbridge',
    ),
  ];
}

/** EMCO's Istio controller exposes a service outside the mesh with externalSupport and the sidecar (createServerExternalResources). */
function externalAccess(service: ServiceModel): Diagnostic[] {
  const { spec } = service;
  const exposure = externalExposure(spec);
  if (exposure) {
    const mode = { MUTUAL: 'mutual', SIMPLE: 'simple', DISABLE: 'http' }[exposure] ?? exposure.toLowerCase();
    const secret = exposure === 'DISABLE' ? '' : ` and the Secret ${spec.serviceName}-credential in istio-system`;
    return [
      warning(
        service,
        'ExternalAccessNotRendered',
        `externalSupport: EMCO's Istio controller exposes ${spec.externalName ?? spec.serviceName} outside the mesh through the ingress gateway (Gateway ${spec.serviceName}-ext-${mode}, a VirtualService${secret}); not rendered by meshbridge`,
      ),
    ];
  }
  if (spec.externalSupport) {
    return [
      warning(
        service,
        'ExternalSupportIgnored',
        'externalSupport without the sidecar: EMCO\'s Istio controller exposes a service outside the mesh only with sidecarProxy "yes", so neither EMCO nor meshbridge renders anything for it',
      ),
    ];
  }
  if (spec.externalName) {
    return [
      warning(
        service,
        'ExternalNameUnused',
        `externalName "${spec.externalName}" is used by EMCO's Istio controller only with externalSupport; without it neither EMCO nor meshbridge renders anything for it`,
      ),
    ];
  }
  return [];
}

function samePort({ service, primary }: ResolvedServices['samePort'][number]): Diagnostic {
  const clients = service.clients.map((client) => client.name).sort();
  const dropped =
    clients.length > 0
      ? `; its clients ${clients.join(', ')} are not rendered by meshbridge: write them under ${primary.name}`
      : '';
  return warning(
    service,
    'SamePortIntent',
    `serves service ${service.spec.serviceName} port ${service.spec.servicePort ?? service.spec.port} as inbound intent ${primary.name} does: meshbridge renders that port's mesh objects once, from ${primary.name}${dropped}`,
  );
}

export function notRenderedDiagnostics(services: ResolvedServices): Diagnostic[] {
  return [
    ...services.all.flatMap((service) => [...outsideTheMesh(service), ...edgeCnf(service), ...externalAccess(service)]),
    ...services.samePort.map(samePort),
  ];
}
