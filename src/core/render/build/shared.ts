/** Small pieces the object builders share. */
import type { SpecOfKind } from '../../istio/objects.js';
import type { InboundSpec } from '../../model/inbound.js';
import { ownerLabels, type Owner, type RenderedObject } from '../objects.js';
import { portIntents, type ServiceModel } from '../services.js';

export function ownerOfService(service: ServiceModel, intent: string = service.name): Owner {
  return {
    project: service.group.project,
    compositeApp: service.group.compositeApp,
    compositeAppVersion: service.group.compositeAppVersion,
    deploymentIntentGroup: service.group.name,
    intentKind: 'inbound',
    intent,
  };
}

/**
 * Objects about the whole Service (its ServiceEntry, DestinationRules, PeerAuthentication, certificate) are
 * rendered alike by each of its ports' intents and owned by the first, so the copies are one object.
 */
export function ownerOfWholeService(service: ServiceModel): Owner {
  return ownerOfService(service, service.ports[0]?.name ?? service.name);
}

/** Each port of the Service, for objects that list them all. */
export function portsOf(service: ServiceModel): InboundSpec[] {
  return portIntents(service).map((port) => port.spec);
}

export interface ObjectHead<K extends keyof SpecOfKind> {
  apiVersion: string;
  kind: K;
  name: string;
  namespace: string;
}

export function object<K extends keyof SpecOfKind>(
  head: ObjectHead<K>,
  owner: Owner | undefined,
  spec: SpecOfKind[K],
): RenderedObject {
  const { apiVersion, kind, name, namespace } = head;
  return {
    apiVersion,
    kind,
    metadata: { name, namespace, labels: ownerLabels(owner) },
    spec: spec as unknown as Record<string, unknown>,
  };
}

/** Istio picks the protocol from the port name's prefix; name ports `<protocol>-<number>`. */
export function servicePort(spec: InboundSpec): { number: number; name: string; protocol: string } {
  return { number: spec.port, name: `${spec.protocol.toLowerCase()}-${spec.port}`, protocol: spec.protocol };
}

/** Objects about one host are named by the host: a valid name, and unique as the host is. */
export function hostName(host: string, suffix?: string): string {
  return suffix ? `${host}-${suffix}` : host;
}

/** The SNI Istio gives mesh traffic to `host:port`, which AUTO_PASSTHROUGH gateways route on. */
export function meshSni(host: string, port: number): string {
  return `outbound_.${port}_._.${host}`;
}

const MESH_SNI = /^outbound_\.(\d+)_\.[^_]*_\.(.+)$/;

/** The host and port a mesh SNI names (`outbound_.<port>_.<subset>_.<host>`), if it is one. */
export function parseMeshSni(sni: string): { host: string; port: number } | undefined {
  const match = MESH_SNI.exec(sni);
  return match ? { host: match[2] as string, port: Number(match[1]) } : undefined;
}

/** Certificates arrive as PEM or base64 of it; a Secret's `data` is base64 of the PEM. */
export function pemBase64(value: string): string {
  const pem = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  return Buffer.from(pem, 'utf8').toString('base64');
}

export function labelSelector(appLabel: string): Record<string, string> {
  const [key, ...rest] = appLabel.split('=');
  return { [key as string]: rest.join('=') };
}
