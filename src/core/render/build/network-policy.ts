/**
 * EMCO's network-policy controller's work, as Kubernetes NetworkPolicies: for every inbound intent (whatever
 * its serviceMesh) that has clients, one policy in each cluster running the server that carries the
 * `networkpolicy-supported` label, named `<traffic group intent>-<inbound intent>` as EMCO names it
 * (src/nps/internal/networkpolicy/action.go and resource.go, emco-base f12558f). It isolates the server's
 * pods for ingress and admits, on the intent's port:
 *  - each client's pods by appLabel (EMCO), and, where meshbridge knows a client runs in this cluster in
 *    another namespace, those pods in that namespace (EMCO's clients share the group's namespace);
 *  - each namespace a client lists (meshbridge's reading of `namespaces`, which EMCO's controller ignores);
 *  - with externalSupport, the clients' cidrs; without it, EMCO's `0.0.0.0/0`.
 * EMCO lists the protocol and the port as two separate entries, which admits every port of the protocol;
 * meshbridge renders the one entry the intent means (docs/rendering.md#networkpolicy).
 */
import { containerPort } from '../../model/inbound.js';
import { labelValueError, qualifiedNameError, k8sSubdomainError } from '../../istio/checks.js';
import type { NetworkPolicyPeer, NetworkPolicySpec } from '../../istio/network-policy.js';
import { NETWORK_POLICY_API } from '../../istio/network-policy.js';
import type { Diagnostic } from '../diagnostics.js';
import { clusterLabel } from '../mesh.js';
import { stableName } from '../names.js';
import type { RenderedObject } from '../objects.js';
import type { ClientModel, ServiceModel } from '../services.js';
import type { Placement } from '../topology.js';
import { labelSelector, object, ownerOfService } from './shared.js';
import type { UnitOutput } from './service.js';

/** The cluster label EMCO's controller looks for (action.go: GetClusterLabel(..., "networkpolicy-supported")). */
export const NETWORK_POLICY_LABEL = 'networkpolicy-supported';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** `key=value` as matchLabels, or undefined when Kubernetes would refuse it as a label. */
function selectorOf(appLabel: string): Record<string, string> | undefined {
  if (!appLabel.includes('=')) return undefined;
  const selector = labelSelector(appLabel);
  const [[key, value]] = Object.entries(selector) as [[string, string]];
  return qualifiedNameError(key) || labelValueError(value) ? undefined : selector;
}

/** EMCO's name, `<traffic group intent>-<inbound intent>`, where it is a valid object name. */
export function networkPolicyName(service: ServiceModel): string {
  const group = /\/traffic-group-intents\/([^/]+)\//.exec(service.key)?.[1] ?? 'dtc';
  const trafficGroup = decodeURIComponent(group);
  const emco = `${trafficGroup}-${service.name}`;
  return k8sSubdomainError(emco) === undefined ? emco : stableName([trafficGroup, service.name], 253);
}

const asCidr = (address: string) =>
  address.includes('/') ? address : `${address}/${address.includes(':') ? 128 : 32}`;

function clientPeers(client: ClientModel, selector: Record<string, string>, where: Placement): NetworkPolicyPeer[] {
  const peers: NetworkPolicyPeer[] = [{ podSelector: { matchLabels: selector } }];
  const elsewhere = client.placements
    .filter((placement) => placement.cluster.key === where.cluster.key && placement.namespace !== where.namespace)
    .map((placement) => placement.namespace);
  for (const namespace of [...new Set(elsewhere)].sort()) {
    peers.push({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
      podSelector: { matchLabels: selector },
    });
  }
  return peers;
}

function peersOf(service: ServiceModel, server: Placement, diagnostics: Diagnostic[]): NetworkPolicyPeer[] {
  const peers: NetworkPolicyPeer[] = [];
  for (const client of service.clients) {
    const selector = selectorOf(client.spec.appLabel);
    if (selector) peers.push(...clientPeers(client, selector, server));
    else
      diagnostics.push({
        severity: 'warning',
        code: 'NetworkPolicyClientSkipped',
        message: `client ${client.name} of inbound intent ${service.name}: appLabel "${client.spec.appLabel}" is not a Kubernetes label key=value, so NetworkPolicy ${networkPolicyName(service)} cannot select its pods (EMCO's controller fails on it); it is left out`,
        resource: client.key,
        cluster: clusterLabel(server.cluster),
      });
  }
  const namespaces = [...new Set(service.clients.flatMap((client) => client.spec.namespaces))].sort();
  for (const namespace of namespaces)
    peers.push({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } });
  if (service.spec.externalSupport) {
    const cidrs = [...new Set(service.clients.flatMap((client) => client.spec.cidrs.map(asCidr)))].sort();
    for (const cidr of cidrs) peers.push({ ipBlock: { cidr } });
  } else {
    peers.push({ ipBlock: { cidr: '0.0.0.0/0' } });
  }
  const seen = new Set<string>();
  return peers.filter((peer) => !seen.has(JSON.stringify(peer)) && Boolean(seen.add(JSON.stringify(peer))));
}

const podSelectorText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

function networkPolicy(
  service: ServiceModel,
  server: Placement,
  diagnostics: Diagnostic[],
): RenderedObject | undefined {
  const podSelector = selectorOf(service.spec.appLabel);
  if (!podSelector) {
    diagnostics.push({
      severity: 'warning',
      code: 'NetworkPolicySkipped',
      message: `inbound intent ${service.name}: appLabel "${service.spec.appLabel}" is not a Kubernetes label key=value, so no NetworkPolicy can select its pods; none is rendered`,
      resource: service.key,
      cluster: clusterLabel(server.cluster),
    });
    return undefined;
  }
  const from = peersOf(service, server, diagnostics);
  if (from.length === 0) {
    // An empty `from` admits every source (networking.k8s.io/v1 NetworkPolicyIngressRule): with no caller left to
    // name, the policy selects the pods and admits nothing, rather than opening the port to all.
    diagnostics.push({
      severity: 'warning',
      code: 'NetworkPolicyNoCallers',
      message: `inbound intent ${service.name}: no client, namespace or CIDR can be named in NetworkPolicy ${networkPolicyName(service)}, so it admits no caller to ${podSelectorText(podSelector)}`,
      resource: service.key,
      cluster: clusterLabel(server.cluster),
    });
  }
  const spec: NetworkPolicySpec = {
    podSelector: { matchLabels: podSelector },
    policyTypes: ['Ingress'],
    ingress:
      from.length === 0
        ? []
        : [
            {
              from,
              ports: [{ protocol: service.spec.protocol === 'UDP' ? 'UDP' : 'TCP', port: containerPort(service.spec) }],
            },
          ],
  };
  return object(
    {
      apiVersion: NETWORK_POLICY_API,
      kind: 'NetworkPolicy',
      name: networkPolicyName(service),
      namespace: server.namespace,
    },
    ownerOfService(service),
    spec,
  );
}

/** The intent's NetworkPolicy in each labelled cluster that runs its server. */
export function renderNetworkPolicies(service: ServiceModel): UnitOutput {
  const byCluster = new Map<string, RenderedObject[]>();
  const diagnostics: Diagnostic[] = [];
  const labelled = service.servers.filter((server) => server.cluster.labels.includes(NETWORK_POLICY_LABEL));
  if (labelled.length === 0) return { byCluster, diagnostics };
  if (service.clients.length === 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'NetworkPolicyWithoutClients',
      message: `inbound intent ${service.name} has no clients: EMCO's network-policy controller renders no NetworkPolicy for it, and meshbridge renders none either (its pods stay open to every caller the cluster allows)`,
      resource: service.key,
    });
    return { byCluster, diagnostics };
  }
  for (const server of labelled) {
    if (byCluster.has(server.cluster.key)) continue;
    const policy = networkPolicy(service, server, diagnostics);
    if (policy) byCluster.set(server.cluster.key, [policy]);
  }
  return { byCluster, diagnostics };
}
