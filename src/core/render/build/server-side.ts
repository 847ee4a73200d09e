/**
 * In a cluster that runs a service: a Gateway that passes TLS for the service's
 * cross-cluster names through by SNI, a ServiceEntry that maps those names to the
 * local service (visible only to the gateway's namespace), the DestinationRule for
 * callers inside the cluster, and the AuthorizationPolicy that admits exactly the
 * declared callers.
 */
import type { ClientSide, Edges } from '../edges.js';
import { stableName } from '../names.js';
import type { RenderedObject } from '../objects.js';
import { profileFor } from '../profile.js';
import { istioVersionOf, localHost, type ServiceModel } from '../services.js';
import type { Placement } from '../topology.js';
import { authorizationRules } from './authorization.js';
import { callerObjects } from './client-side.js';
import { hostName, labelSelector, object, ownerOfService, servicePort } from './shared.js';

function rootNamespace(server: Placement): string {
  return String(
    (server.cluster.body.spec as { mesh?: { rootNamespace?: string } } | undefined)?.mesh?.rootNamespace ??
      'istio-system',
  );
}

/** One name for the gateway-side objects of a service, unique in the root namespace across projects. */
function passthroughName(service: ServiceModel): string {
  return stableName([service.spec.serviceName, service.namespace, service.group.logicalCloud, 'passthrough']);
}

function passthroughObjects(service: ServiceModel, server: Placement, hosts: string[]): RenderedObject[] {
  const profile = profileFor(istioVersionOf(server.cluster));
  const owner = ownerOfService(service);
  const name = passthroughName(service);
  const namespace = rootNamespace(server);
  return [
    object({ apiVersion: profile.networkingApi, kind: 'Gateway', name, namespace }, owner, {
      selector: profile.gatewaySelector,
      servers: [
        {
          port: { number: server.cluster.gateway.internalPort, name: `tls-${name}`.slice(0, 63), protocol: 'TLS' },
          hosts,
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    }),
    // One ServiceEntry a name: Istio refuses several hosts on a TCP port unless resolution is NONE.
    ...hosts.map((host) =>
      object(
        {
          apiVersion: profile.networkingApi,
          kind: 'ServiceEntry',
          name: hostName(host, 'passthrough'),
          namespace,
        },
        owner,
        {
          hosts: [host],
          ports: [servicePort(service.spec)],
          location: 'MESH_INTERNAL',
          resolution: 'DNS',
          endpoints: [{ address: localHost(service.spec.serviceName, service.namespace) }],
          exportTo: ['.'],
        },
      ),
    ),
  ];
}

function authorizationPolicy(service: ServiceModel, server: Placement): RenderedObject {
  const profile = profileFor(istioVersionOf(server.cluster));
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

export function serverSideObjects(service: ServiceModel, server: Placement, edges: Edges): RenderedObject[] {
  const objects = [authorizationPolicy(service, server)];
  const hosts = [...new Set(edges.remote.map((side) => side.host))].sort();
  if (hosts.length > 0 && server.cluster.gateway.address !== null)
    objects.push(...passthroughObjects(service, server, hosts));
  const local = edges.local.get(server.cluster.key);
  if (local) {
    const side: ClientSide = { ...local, host: localHost(service.spec.serviceName, service.namespace) };
    objects.push(...callerObjects(service, side, false));
  }
  return objects;
}
