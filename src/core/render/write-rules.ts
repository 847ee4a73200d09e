/**
 * Rules about intents that need the fleet (where apps are placed), checked when an intent is
 * written, so a request the renderer could only refuse is refused with a 400 instead.
 */
import type { Issue } from '../errors.js';
import { clusterLabel } from './mesh.js';
import { resolveServices, usesApplicationTls } from './services.js';
import type { Snapshot } from './snapshot.js';
import { buildTopology } from './topology.js';

/**
 * TLS of the application's own (SIMPLE, or MUTUAL with certificates) cannot cross an east-west
 * gateway: its AUTO_PASSTHROUGH chains match only Istio's mutual-TLS ALPN (gateway.go), so a
 * service with it may only have callers in the clusters that run it. `clientKey` is the client just
 * written, if a client was; the issues name the field that makes the call cross.
 */
export function applicationTlsAcrossClusters(snapshot: Snapshot, inboundKey: string, clientKey?: string): Issue[] {
  const service = resolveServices(snapshot, buildTopology(snapshot)).find((candidate) => candidate.key === inboundKey);
  if (!service || !usesApplicationTls(service)) return [];
  const serving = new Set(service.servers.map((server) => server.cluster.key));
  // Not placed yet: where it will run is not known, and the render says so.
  if (serving.size === 0) return [];
  const remote = service.clients
    .filter((client) => client.spec.type !== 'external' && (clientKey === undefined || client.key === clientKey))
    .flatMap((client) =>
      client.placements
        .filter((placement) => !serving.has(placement.cluster.key))
        .map((placement) => `${client.name} in ${clusterLabel(placement.cluster)}`),
    );
  if (remote.length === 0) return [];
  const servers = [...new Set(service.servers.map((server) => clusterLabel(server.cluster)))].join(', ');
  const reason =
    `${service.spec.serviceName} uses TLS of its own (tlsType ${service.spec.management.tlsType}` +
    `${service.spec.certificates ? ' with certificates' : ''}), which cannot cross an east-west gateway ` +
    `(its AUTO_PASSTHROUGH chains pass only Istio's mutual TLS), and it runs in ${servers} ` +
    `while ${[...new Set(remote)].sort().join(', ')} would call it from another cluster: use tlsType MUTUAL ` +
    `without certificates (Istio's mutual TLS) or place the callers with the service`;
  return [{ path: clientKey === undefined ? 'spec.management.tlsType' : 'spec.app', message: reason }];
}
