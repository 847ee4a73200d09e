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
import { portIntents, usesApplicationTls, type ServiceModel } from '../services.js';
import type { Placement } from '../topology.js';
import { authorizationRules, type AuthorizationRule } from './authorization.js';
import { callerObjects } from './client-side.js';
import { labelSelector, object, ownerOfService, ownerOfWholeService, pemBase64 } from './shared.js';

/**
 * A Service with several ports' intents gets one policy per port, each admitting that port's callers on that
 * container port only (ALLOW policies on one workload add up: pilot/pkg/security/authz/builder).
 */
function authorizationPolicy(service: ServiceModel, server: Placement): RenderedObject {
  const profile = meshOf(server.cluster).profile;
  const port = service.ports.length > 1 ? String(containerPort(service.spec)) : undefined;
  const rules = port === undefined ? authorizationRules(service) : portScoped(authorizationRules(service), port);
  // ALLOW with no rules admits no one: a service with no declared callers is closed.
  return object(
    {
      apiVersion: profile.securityApi,
      kind: 'AuthorizationPolicy',
      name: port === undefined ? `${service.spec.serviceName}-callers` : `${service.spec.serviceName}-${port}-callers`,
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

function portScoped(rules: AuthorizationRule[], port: string): AuthorizationRule[] {
  return rules.map((rule) => ({
    ...rule,
    to: (rule.to ?? [{ operation: {} }]).map(({ operation }) => ({ operation: { ...operation, ports: [port] } })),
  }));
}

/**
 * Callers without a sidecar send plaintext, and a service with TLS of its own receives TLS that is not the
 * mesh's: under a STRICT mesh only this workload's ports that take either may. One policy for all the
 * Service's ports: of several workload policies istiod applies only the oldest (composePeerAuthentication, pilot/pkg/security/authn/policy_applier.go
 * @1.24.0; v1beta1/policy_applier.go @1.5.0).
 */
function permissivePort(service: ServiceModel, server: Placement): RenderedObject | undefined {
  const mesh = meshOf(server.cluster);
  if (mesh.mtlsMode !== 'STRICT') return undefined;
  const ports = portIntents(service).filter(
    (port) => port.clients.some((client) => client.spec.type !== 'istio') || usesApplicationTls(port),
  );
  if (ports.length === 0) return undefined;
  return object(
    {
      apiVersion: mesh.profile.securityApi,
      kind: 'PeerAuthentication',
      name: `${service.spec.serviceName}-permissive`,
      namespace: service.namespace,
    },
    ownerOfWholeService(service),
    {
      selector: { matchLabels: labelSelector(service.spec.appLabel) },
      // Keys are container ports (pilot/pkg/security/authn: ForPort(targetPort)).
      portLevelMtls: Object.fromEntries(
        ports.map((port) => [String(containerPort(port.spec)), { mode: 'PERMISSIVE' }]),
      ),
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
      labels: ownerLabels(ownerOfWholeService(service)),
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

/** The AuthorizationPolicy of one port's intent, or why there is none. */
export function serverPolicy(service: ServiceModel, server: Placement): RenderedObject | Diagnostic {
  return usesApplicationTls(service) ? applicationTlsPolicy(service, server) : authorizationPolicy(service, server);
}

/** `service` is the first port's intent; `whole` the Service with every port's callers. */
export function serverSideObjects(
  service: ServiceModel,
  whole: ServiceModel,
  server: Placement,
  edges: Edges,
): { objects: RenderedObject[]; diagnostics: Diagnostic[] } {
  const objects: RenderedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const policy = serverPolicy(service, server);
  if ('kind' in policy) objects.push(policy);
  else diagnostics.push(policy);
  const permissive = permissivePort(service, server);
  if (permissive) objects.push(permissive);
  const certificate = ownCertificate(service);
  if (certificate) objects.push(certificate);
  const local = edges.local.get(server.cluster.key);
  if (local) {
    const callers = callerObjects(whole, local, true);
    objects.push(...callers.objects);
    diagnostics.push(...callers.diagnostics);
  }
  return { objects, diagnostics };
}
