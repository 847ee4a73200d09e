/**
 * In a cluster whose clients call a service elsewhere: a ServiceEntry giving the
 * service's cross-cluster name a virtual address and the serving clusters'
 * gateways as endpoints, and a DestinationRule with the service's TLS and traffic
 * policy (Istio applies DestinationRules at the caller's sidecar, so the policy must
 * be here, not only where the service runs).
 */
import { isIpAddress } from '../../model/formats.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ClientSide, Edges } from '../edges.js';
import { ownerLabels, type RenderedObject } from '../objects.js';
import { profileFor, type IstioProfile } from '../profile.js';
import { dnsLabel, istioVersionOf, type ServiceModel } from '../services.js';
import { trafficPolicy } from './traffic-policy.js';
import { hostName, labelSelector, meshSni, object, ownerOfService, pemBase64, servicePort } from './shared.js';

export type AddressOf = (cluster: string, host: string) => string | undefined;

function endpoints(service: ServiceModel, edges: Edges) {
  const port = servicePort(service.spec);
  return edges.reachable.map((server) => {
    const locality = (server.cluster.body.spec as { locality?: { region?: string; zone?: string } } | undefined)
      ?.locality;
    const where = locality?.region ? `${locality.region}${locality.zone ? `/${locality.zone}` : ''}` : undefined;
    return {
      address: server.cluster.gateway.address as string,
      ports: { [port.name]: server.cluster.gateway.port },
      ...(where ? { locality: where } : {}),
    };
  });
}

/** The TLS a caller's sidecar uses towards the service. */
export function callerTls(
  service: ServiceModel,
  host: string,
  remote: boolean,
  credentialName?: string,
): Record<string, unknown> {
  const mode = service.spec.management.tlsType;
  const sni = remote ? { sni: meshSni(host, service.spec.port) } : {};
  if (mode === 'DISABLE') return { mode: 'DISABLE' };
  if (mode === 'MUTUAL' && !credentialName) return { mode: 'ISTIO_MUTUAL' };
  return { mode, ...(credentialName ? { credentialName } : {}), ...sni };
}

function serviceEntry(
  service: ServiceModel,
  side: ClientSide,
  edges: Edges,
  address: string,
  profile: IstioProfile,
): RenderedObject {
  const list = endpoints(service, edges);
  const allIps = list.every((endpoint) => isIpAddress(endpoint.address));
  return object(
    {
      apiVersion: profile.networkingApi,
      kind: 'ServiceEntry',
      name: hostName(side.host),
      namespace: side.namespaces[0] as string,
    },
    ownerOfService(service),
    {
      hosts: [side.host],
      addresses: [address],
      ports: [servicePort(service.spec)],
      location: 'MESH_INTERNAL',
      resolution: allIps ? 'STATIC' : 'DNS',
      endpoints: list,
      exportTo: side.namespaces,
    },
  );
}

/** With certificates, each caller presents them: a Secret per namespace, a DestinationRule per calling app. */
function certificateObjects(
  service: ServiceModel,
  side: ClientSide,
  profile: IstioProfile,
  policy: Record<string, unknown>,
): RenderedObject[] {
  const certificates = service.spec.certificates ?? {};
  const secretName = hostName(side.host, 'tls');
  const data: Record<string, string> = {};
  if (certificates.serviceCertificate) data['tls.crt'] = pemBase64(certificates.serviceCertificate);
  if (certificates.servicePrivateKey) data['tls.key'] = pemBase64(certificates.servicePrivateKey);
  if (certificates.caCertificate) data['ca.crt'] = pemBase64(certificates.caCertificate);
  const owner = ownerOfService(service);
  const objects: RenderedObject[] = side.namespaces.map((namespace) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace, labels: ownerLabels(owner) },
    type: 'Opaque',
    data,
  }));
  const seen = new Set<string>();
  for (const { client, placement } of side.callers) {
    const id = `${placement.namespace}/${client.spec.appLabel}`;
    if (seen.has(id)) continue;
    seen.add(id);
    objects.push(
      object(
        {
          apiVersion: profile.networkingApi,
          kind: 'DestinationRule',
          name: `${side.host}.${dnsLabel(client.spec.app)}`,
          namespace: placement.namespace,
        },
        owner,
        {
          host: side.host,
          workloadSelector: { matchLabels: labelSelector(client.spec.appLabel) },
          exportTo: ['.'],
          trafficPolicy: {
            ...policy,
            tls: callerTls(service, side.host, side.host.endsWith('.svc.cluster.local') === false, secretName),
          },
        },
      ),
    );
  }
  return objects;
}

function usesCertificates(service: ServiceModel): boolean {
  const certificates = service.spec.certificates;
  return (
    service.spec.management.tlsType !== 'DISABLE' &&
    Boolean(certificates?.serviceCertificate || certificates?.caCertificate)
  );
}

/** The objects callers need, where they call from: remote (through a gateway) or local. */
export function callerObjects(service: ServiceModel, side: ClientSide, remote: boolean): RenderedObject[] {
  const profile = profileFor(istioVersionOf(side.cluster));
  const policy = trafficPolicy(service.spec.trafficManagement, profile);
  if (usesCertificates(service)) return certificateObjects(service, side, profile, policy);
  const name = remote ? hostName(side.host) : `${service.spec.serviceName}-local`;
  const namespace = remote ? (side.namespaces[0] as string) : service.namespace;
  return [
    object(
      { apiVersion: profile.networkingApi, kind: 'DestinationRule', name: name, namespace: namespace },
      ownerOfService(service),
      {
        host: side.host,
        ...(remote ? { exportTo: side.namespaces } : {}),
        trafficPolicy: { ...policy, tls: callerTls(service, side.host, remote) },
      },
    ),
  ];
}

export function clientSideObjects(
  service: ServiceModel,
  side: ClientSide,
  edges: Edges,
  addressOf: AddressOf,
): { objects: RenderedObject[]; diagnostics: Diagnostic[] } {
  const address = addressOf(side.cluster.key, side.host);
  if (address === undefined) {
    return {
      objects: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'AddressMissing',
          message: `no virtual address is allocated for ${side.host}`,
          resource: service.key,
          cluster: `${side.cluster.provider}/${side.cluster.name}`,
        },
      ],
    };
  }
  const profile = profileFor(istioVersionOf(side.cluster));
  return {
    objects: [serviceEntry(service, side, edges, address, profile), ...callerObjects(service, side, true)],
    diagnostics: [],
  };
}
