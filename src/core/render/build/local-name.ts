/**
 * Calling a remote service by its own name. A client written for the service's
 * cluster calls `http-service:30083` (or `http-service.default` from another
 * namespace); its resolver's search path makes that `http-service.default.svc.cluster.local`
 * first. A federated caller's cluster has no such Service, so the caller's cluster gets,
 * besides the cross-cluster name, a ServiceEntry for that very name, with its own virtual
 * address, the Service's port and the serving gateways as endpoints, and a
 * DestinationRule for it with the same mesh TLS (SNI of the real Service, the server's identities).
 *
 * Why this name and not EMCO's bare `http-service` (docs/rendering.md, "Names callers use"):
 * - Istio's DNS proxy answers the FQDN a ServiceEntry declares exactly (pkg/dns/client/dns.go
 *   BuildAlternateHosts @1.24.0, pilot/pkg/dns/dns.go @1.8.0), and the resolver asks that FQDN first;
 * - the sidecar's HTTP virtual host for `<svc>.<ns>.svc.cluster.local` carries the short
 *   aliases `<svc>:<port>` (same namespace) and `<svc>.<ns>:<port>` whatever registry the host
 *   comes from (GenerateAltVirtualHosts, pilot/pkg/networking/core/httproute.go @1.24.0,
 *   v1alpha3/httproute.go @1.8.0), so the Host header the client sends matches;
 * - a DestinationRule's short host is qualified with the rule's namespace (ResolveShortnameToFQDN,
 *   pilot/pkg/model/config.go @1.24.0) while a ServiceEntry's host is taken verbatim
 *   (serviceentry/conversion.go): EMCO's DestinationRule `http-service` never reaches its
 *   ServiceEntry `http-service`, whose calls leave in plaintext, which no gateway chain accepts.
 *
 * Not rendered where the caller's cluster has a Service of that name (the call is that Service's), where
 * two remote services of one name and namespace are called from the cluster (it would mean both), nor
 * before Istio 1.8, which has no DNS proxy: kube-dns knows no such name there.
 */
import { clusterLabel, meshOf } from '../mesh.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ClientSide, Edges } from '../edges.js';
import { localHost, type ServiceModel } from '../services.js';
import { callerPolicy, serviceEntry, type AddressOf, type CallerOutput } from './client-side.js';
import { hostName, object, ownerOfWholeService } from './shared.js';

/** The Service's own name, where federated callers of `side` may use it; else why not, or nothing. */
export function ownName(service: ServiceModel, side: ClientSide): { host: string } | Diagnostic | undefined {
  if (side.mode !== 'federated' || !meshOf(side.cluster).profile.dnsProxy) return undefined;
  const host = localHost(service.spec.serviceName, service.namespace);
  const taken = (service.nameTakenIn ?? []).includes(side.cluster.key);
  const shared = (service.nameSharedIn ?? []).includes(side.cluster.key);
  if (!taken && !shared) return { host };
  const where = clusterLabel(side.cluster);
  if (!taken)
    return {
      severity: 'warning',
      code: 'LocalNameAmbiguous',
      message: `callers in ${where} call another service named ${host} in another cluster too, so that name may mean neither and meshbridge renders it for none; they must call ${side.host}`,
      resource: service.key,
      cluster: where,
    };
  return {
    severity: 'warning',
    code: 'LocalNameTaken',
    message: `${where} has a Service ${host} of its own, so its callers who call ${service.spec.serviceName} by that name reach it, not the one in another cluster; they must call ${side.host}`,
    resource: service.key,
    cluster: where,
  };
}

export function ownNameObjects(
  service: ServiceModel,
  side: ClientSide,
  edges: Edges,
  addressOf: AddressOf,
): CallerOutput {
  const name = ownName(service, side);
  if (name === undefined) return { objects: [], diagnostics: [] };
  if (!('host' in name)) return { objects: [], diagnostics: [name] };
  const address = addressOf(side.cluster.key, name.host);
  if (address === undefined)
    return {
      objects: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'AddressMissing',
          message: `no virtual address is allocated for ${name.host}`,
          resource: service.key,
          cluster: clusterLabel(side.cluster),
        },
      ],
    };
  const profile = meshOf(side.cluster).profile;
  const entry = serviceEntry(service, side, edges, { host: name.host, address, realName: true }, profile);
  const rule = object(
    {
      apiVersion: profile.networkingApi,
      kind: 'DestinationRule',
      name: hostName(name.host),
      namespace: side.namespaces[0] as string,
    },
    ownerOfWholeService(service),
    { host: name.host, exportTo: side.namespaces, trafficPolicy: callerPolicy(service, side, true, profile) },
  );
  return { objects: [entry, rule], diagnostics: [] };
}
