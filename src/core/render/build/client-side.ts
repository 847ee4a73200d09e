/**
 * Where clients call a service: the DestinationRule with the service's TLS and
 * traffic policy (Istio applies DestinationRules at the caller's sidecar), and, for
 * a federated call, the ServiceEntry that gives the cross-cluster name a virtual
 * address and the serving clusters' east-west gateways as endpoints.
 *
 * A federated call is Istio mutual TLS whose SNI names the service's real
 * Kubernetes name and port (`outbound_.<servicePort>_._.<svc>.<ns>.svc.cluster.local`):
 * the serving gateway's `*.local` AUTO_PASSTHROUGH chain matches it and forwards to
 * that Service's own SNI cluster, whose endpoints are the injected pods (docs/rendering.md).
 */
import { kubernetesServicePort, type InboundSpec } from '../../model/inbound.js';
import { isIpAddress } from '../../model/formats.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ClientSide, Edges } from '../edges.js';
import { clusterLabel, meshOf } from '../mesh.js';
import { ownerLabels, type RenderedObject } from '../objects.js';
import type { IstioProfile } from '../profile.js';
import { dnsLabel, localHost, usesApplicationTls, type ServiceModel } from '../services.js';
import { trafficPolicy } from './traffic-policy.js';
import {
  hostName,
  labelSelector,
  meshSni,
  object,
  ownerOfService,
  ownerOfWholeService,
  pemBase64,
  portsOf,
  servicePort,
} from './shared.js';

export type AddressOf = (cluster: string, host: string) => string | undefined;

/**
 * The ServiceEntry's ports: the mesh-facing `port` under the cross-cluster name, the Kubernetes Service's own port
 * under the Service's own name (callers call `<svc>:<servicePort>` as they would in the Service's cluster).
 */
export function entryPorts(service: ServiceModel, byServicePort: boolean) {
  return portsOf(service).map((spec) => {
    const port = servicePort(spec);
    if (!byServicePort) return port;
    const number = kubernetesServicePort(spec);
    return { ...port, number, name: `${spec.protocol.toLowerCase()}-${number}` };
  });
}

function endpoints(service: ServiceModel, edges: Edges, byServicePort: boolean) {
  const names = entryPorts(service, byServicePort).map((port) => port.name);
  return edges.reachable.map((server) => {
    const locality = (server.cluster.body.spec as { locality?: { region?: string; zone?: string } } | undefined)
      ?.locality;
    const where = locality?.region ? `${locality.region}${locality.zone ? `/${locality.zone}` : ''}` : undefined;
    return {
      address: server.cluster.gateway.address as string,
      ports: Object.fromEntries(names.map((name) => [name, server.cluster.gateway.port])),
      ...(where ? { locality: where } : {}),
    };
  });
}

/** The SPIFFE identities the service's pods present, one per serving cluster's trust domain. */
export function serverIdentities(service: ServiceModel): string[] {
  const identities = service.servers.map(
    (server) => `spiffe://${meshOf(server.cluster).trustDomain}/ns/${server.namespace}/sa/${server.serviceAccount}`,
  );
  return [...new Set(identities)].sort();
}

/** Mesh mutual TLS towards one port of the service; across a gateway, with the SNI and identities of the real service. */
function meshTls(service: ServiceModel, port: InboundSpec, side: ClientSide): Record<string, unknown> {
  const { tlsType } = port.management;
  if (tlsType === 'DISABLE' || tlsType === 'SIMPLE') return { mode: tlsType };
  if (side.mode !== 'federated') return { mode: 'ISTIO_MUTUAL' };
  return {
    mode: 'ISTIO_MUTUAL',
    sni: meshSni(localHost(port.serviceName, service.namespace), kubernetesServicePort(port)),
    subjectAltNames: serverIdentities(service),
  };
}

/**
 * One port: the policy at the top. Several: one `portLevelSettings` entry each, keyed by the port of the host
 * callers use (the mesh-facing port of the ServiceEntry, the Service's port of a real name). A port's entry
 * replaces the top-level policy for that port whole (1.5 cluster.go SelectTrafficPolicyComponents; 1.24
 * networking/util/util.go GetPortLevelTrafficPolicy), so each entry carries its TLS. `realName`: the host is the
 * Service's own name, keyed by the Service's ports; else the cross-cluster name, keyed by the mesh-facing ports.
 */
export function callerPolicy(service: ServiceModel, side: ClientSide, realName: boolean, profile: IstioProfile) {
  const ports = portsOf(service);
  const policyOf = (port: InboundSpec) => ({
    ...trafficPolicy(port.trafficManagement, profile),
    tls: meshTls(service, port, side),
  });
  if (ports.length === 1) return policyOf(ports[0] as InboundSpec);
  return {
    portLevelSettings: ports.map((port) => ({
      port: { number: realName ? kubernetesServicePort(port) : port.port },
      ...policyOf(port),
    })),
  };
}

/** `host` is the cross-cluster name, or the Service's own name (local-name.ts), whose ports are the Service's. */
export function serviceEntry(
  service: ServiceModel,
  side: ClientSide,
  edges: Edges,
  entry: { host: string; address: string; realName: boolean },
  profile: IstioProfile,
): RenderedObject {
  const list = endpoints(service, edges, entry.realName);
  const allIps = list.every((endpoint) => isIpAddress(endpoint.address));
  return object(
    {
      apiVersion: profile.networkingApi,
      kind: 'ServiceEntry',
      name: hostName(entry.host),
      namespace: side.namespaces[0] as string,
    },
    ownerOfWholeService(service),
    {
      hosts: [entry.host],
      addresses: [entry.address],
      ports: entryPorts(service, entry.realName),
      location: 'MESH_INTERNAL',
      resolution: allIps ? 'STATIC' : 'DNS',
      endpoints: list,
      exportTo: side.namespaces,
    },
  );
}

/**
 * Application TLS verified with the service's CA (same cluster only): each calling namespace
 * gets a Secret with that CA, never the service's key; the caller's sidecar originates the
 * TLS, which Istio honours at sidecars only through a DestinationRule with a workload
 * selector (1.14+).
 */
function ownCertificateObjects(service: ServiceModel, side: ClientSide, profile: IstioProfile): RenderedObject[] {
  const certificates = service.spec.certificates ?? {};
  const secretName = hostName(side.host, 'ca');
  const owner = ownerOfService(service);
  const data: Record<string, string> = certificates.caCertificate
    ? { 'ca.crt': pemBase64(certificates.caCertificate) }
    : {};
  const objects: RenderedObject[] = side.namespaces.map((namespace) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace, labels: ownerLabels(owner) },
    type: 'Opaque',
    data,
  }));
  const policy = trafficPolicy(service.spec.trafficManagement, profile);
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
          trafficPolicy: { ...policy, tls: { mode: 'SIMPLE', credentialName: secretName } },
        },
      ),
    );
  }
  return objects;
}

function applicationTlsProblem(service: ServiceModel, side: ClientSide, profile: IstioProfile): Diagnostic | undefined {
  const where = clusterLabel(side.cluster);
  if (service.spec.management.tlsType === 'MUTUAL')
    return {
      severity: 'error',
      code: 'ClientCertificateMissing',
      message: `${service.spec.serviceName} asks for MUTUAL TLS with its own certificates, so each caller must present a certificate of its own; meshbridge never hands callers the service's key, and the clients in ${where} declare none: nothing is rendered for them`,
      resource: service.key,
      cluster: where,
    };
  if (!profile.sidecarCredentialName)
    return {
      severity: 'error',
      code: 'OwnCertificateNeedsIstio114',
      message: `Istio ${profile.version} sidecars ignore credentialName and would send plaintext (pilot cluster_builder.go before 1.14); ${service.spec.serviceName}'s own-certificate TLS needs Istio 1.14 or later in ${where}`,
      resource: service.key,
      cluster: where,
    };
  return undefined;
}

export interface CallerOutput {
  objects: RenderedObject[];
  diagnostics: Diagnostic[];
}

/** The DestinationRules (and Secrets) callers in `side` need. */
export function callerObjects(service: ServiceModel, side: ClientSide, local: boolean): CallerOutput {
  const profile = meshOf(side.cluster).profile;
  const verifiesWithCa = Boolean(service.spec.certificates?.caCertificate);
  if (usesApplicationTls(service) && (verifiesWithCa || service.spec.management.tlsType === 'MUTUAL')) {
    const problem = applicationTlsProblem(service, side, profile);
    if (problem) return { objects: [], diagnostics: [problem] };
    return { objects: ownCertificateObjects(service, side, profile), diagnostics: [] };
  }
  const name = local ? `${service.spec.serviceName}-local` : hostName(side.host);
  const namespace = local ? service.namespace : (side.namespaces[0] as string);
  const rule = object(
    { apiVersion: profile.networkingApi, kind: 'DestinationRule', name, namespace },
    ownerOfWholeService(service),
    {
      host: side.host,
      exportTo: side.namespaces,
      trafficPolicy: callerPolicy(service, side, local || side.mode !== 'federated', profile),
    },
  );
  return { objects: [rule], diagnostics: [] };
}

function dnsProblem(service: ServiceModel, side: ClientSide): Diagnostic | undefined {
  const mesh = meshOf(side.cluster);
  if (mesh.profile.usesGlobalSuffix || mesh.dnsCapture === true) return undefined;
  const where = clusterLabel(side.cluster);
  // In a shared mesh the real name still needs an answer where the Service is not deployed (Istio's multicluster DNS).
  const scope = side.mode === 'shared' ? `, where the Service is not placed,` : '';
  const base = `${side.host} resolves in ${where}${scope} only through the sidecar's DNS proxy (ISTIO_META_DNS_CAPTURE, off in Istio's default install)`;
  return mesh.dnsCapture === false
    ? {
        severity: 'error',
        code: 'DnsCaptureOff',
        message: `${base}, which spec.mesh.dnsCapture says is off: callers get no address for it; turn it on (meshConfig.defaultConfig.proxyMetadata) and set dnsCapture: true`,
        resource: service.key,
        cluster: where,
      }
    : {
        severity: 'warning',
        code: 'DnsCaptureAssumed',
        message: `${base}; spec.mesh.dnsCapture does not say whether it is on, so meshbridge assumes it is`,
        resource: service.key,
        cluster: where,
      };
}

/** Everything a calling cluster gets for a service that runs elsewhere. */
export function clientSideObjects(
  service: ServiceModel,
  side: ClientSide,
  edges: Edges,
  addressOf: AddressOf,
): CallerOutput {
  const callers = callerObjects(service, side, false);
  const dns = dnsProblem(service, side);
  const diagnostics = [...callers.diagnostics, ...(dns ? [dns] : [])];
  if (side.mode === 'shared') return { objects: callers.objects, diagnostics };
  const address = addressOf(side.cluster.key, side.host);
  if (address === undefined) {
    diagnostics.push({
      severity: 'error',
      code: 'AddressMissing',
      message: `no virtual address is allocated for ${side.host}`,
      resource: service.key,
      cluster: clusterLabel(side.cluster),
    });
    return { objects: [], diagnostics };
  }
  const profile = meshOf(side.cluster).profile;
  const entry = serviceEntry(service, side, edges, { host: side.host, address, realName: false }, profile);
  return { objects: [entry, ...callers.objects], diagnostics };
}
