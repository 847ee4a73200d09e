/**
 * In a cluster that runs a service: the AuthorizationPolicy that admits exactly the
 * declared callers, the DestinationRule for callers inside the cluster, the
 * service's own certificate (in its own namespace only), and, where callers without
 * a sidecar or TLS of the service's own meet a STRICT mesh, a PeerAuthentication that
 * lets them in on the service's port of its pods and nowhere else.
 *
 * Nothing per service is needed at the east-west gateway: a federated caller's SNI
 * names the real Service, which the gateway's `*.local` AUTO_PASSTHROUGH chain
 * already covers (see cluster.ts for who provides that Gateway).
 */
import { containerPort } from '../../model/inbound.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Edges } from '../edges.js';
import { clusterLabel, meshOf } from '../mesh.js';
import { ownerLabels, type RenderedObject } from '../objects.js';
import { usesApplicationTls, type ServiceModel } from '../services.js';
import type { Placement } from '../topology.js';
import { authorizationRules } from './authorization.js';
import { callerObjects } from './client-side.js';
import { labelSelector, object, ownerOfService, pemBase64 } from './shared.js';

function authorizationPolicy(service: ServiceModel, server: Placement): RenderedObject {
  const profile = meshOf(server.cluster).profile;
  const rules = authorizationRules(service);
  // ALLOW with no rules admits no one: a service with no declared callers is closed.
  return object(
    {
      apiVersion: profile.securityApi,
      kind: 'AuthorizationPolicy',
      name: `${service.spec.serviceName}-callers`,
      namespace: service.namespace,
    },
    ownerOfService(service),
    {
      selector: { matchLabels: labelSelector(service.spec.appLabel) },
      action: 'ALLOW',
      ...(rules.length > 0 ? { rules } : {}),
    },
  );
}

/**
 * Callers without a sidecar send plaintext, and a service with TLS of its own receives TLS that is not the
 * mesh's: under a STRICT mesh only this workload's port may take either.
 */
function permissivePort(service: ServiceModel, server: Placement): RenderedObject | undefined {
  const mesh = meshOf(server.cluster);
  const plaintextCallers = service.clients.some((client) => client.spec.type !== 'istio');
  if (!(plaintextCallers || usesApplicationTls(service)) || mesh.mtlsMode !== 'STRICT') return undefined;
  return object(
    {
      apiVersion: mesh.profile.securityApi,
      kind: 'PeerAuthentication',
      name: `${service.spec.serviceName}-permissive`,
      namespace: service.namespace,
    },
    ownerOfService(service),
    {
      selector: { matchLabels: labelSelector(service.spec.appLabel) },
      // Keys are container ports (pilot/pkg/security/authn: ForPort(targetPort)).
      portLevelMtls: { [String(containerPort(service.spec))]: { mode: 'PERMISSIVE' } },
    },
  );
}

/** The service's own certificate and key, for its pods to mount: in its namespace, nowhere else. */
function ownCertificate(service: ServiceModel): RenderedObject | undefined {
  const certificates = service.spec.certificates;
  if (!usesApplicationTls(service) || !certificates?.serviceCertificate || !certificates.servicePrivateKey)
    return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `${service.spec.serviceName}-tls`,
      namespace: service.namespace,
      labels: ownerLabels(ownerOfService(service)),
    },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': pemBase64(certificates.serviceCertificate),
      'tls.key': pemBase64(certificates.servicePrivateKey),
      ...(certificates.caCertificate ? { 'ca.crt': pemBase64(certificates.caCertificate) } : {}),
    },
  };
}

/**
 * A sidecar sees no peer identity in TLS the application terminates, so principals and namespaces never match
 * there: only callers' addresses can be checked. With none declared, meshbridge renders no policy and says so.
 */
function applicationTlsPolicy(service: ServiceModel, server: Placement): RenderedObject | Diagnostic {
  const cidrs = [...new Set(service.clients.flatMap((client) => client.spec.cidrs))].sort();
  if (cidrs.length > 0) {
    const policy = authorizationPolicy(service, server);
    return { ...policy, spec: { ...policy.spec, rules: [{ from: [{ source: { ipBlocks: cidrs } }] }] } };
  }
  return {
    severity: 'warning',
    code: 'ApplicationTlsUnauthorized',
    message: `${service.spec.serviceName} terminates TLS of its own, so its sidecar sees no caller identity and an AuthorizationPolicy could only name callers by address; no client gives cidrs, so meshbridge renders none and the application must check its callers itself`,
    resource: service.key,
    cluster: clusterLabel(server.cluster),
  };
}

export function serverSideObjects(
  service: ServiceModel,
  server: Placement,
  edges: Edges,
): { objects: RenderedObject[]; diagnostics: Diagnostic[] } {
  const objects: RenderedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const policy = usesApplicationTls(service)
    ? applicationTlsPolicy(service, server)
    : authorizationPolicy(service, server);
  if ('kind' in policy) objects.push(policy);
  else diagnostics.push(policy);
  const permissive = permissivePort(service, server);
  if (permissive) objects.push(permissive);
  const certificate = ownCertificate(service);
  if (certificate) objects.push(certificate);
  const local = edges.local.get(server.cluster.key);
  if (local) {
    const callers = callerObjects(service, local, true);
    objects.push(...callers.objects);
    diagnostics.push(...callers.diagnostics);
  }
  return { objects, diagnostics };
}
