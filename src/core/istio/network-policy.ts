/**
 * Kubernetes' NetworkPolicy (networking.k8s.io/v1): the fields meshbridge renders, typed as
 * k8s.io/api/networking/v1/types.go has them (the subset of @kubernetes/client-node's V1NetworkPolicy
 * that network-policy.test.ts checks against), and the rules of the API server's validation
 * (ValidateNetworkPolicySpec, pkg/apis/networking/validation/validation.go, Kubernetes 1.29).
 */
import { ipOrCidrError, portError } from './checks.js';
import { checkLabelMap } from './common.js';
import { list, type Issues, type Path } from './issues.js';

export const NETWORK_POLICY_API = 'networking.k8s.io/v1';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

/** One peer: pods (of the policy's namespace, or of the namespaces selected), or addresses; never both. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export const NETWORK_POLICY_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export interface NetworkPolicyPort {
  protocol?: (typeof NETWORK_POLICY_PROTOCOLS)[number];
  port?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: NetworkPolicyIngressRule[];
}

/** What an IPBlock needs: a CIDR (a bare address is not one), and exceptions inside it. */
function checkIpBlock(issues: Issues, path: Path, block: IPBlock): void {
  const cidr = String(block.cidr ?? '');
  const error = cidr.includes('/') ? ipOrCidrError(cidr) : `"${cidr}" is not a valid CIDR block`;
  issues.check([...path, 'cidr'], error);
  list(block.except).forEach((except, index) => {
    issues.check([...path, 'except', index], except.includes('/') ? ipOrCidrError(except) : 'must be a CIDR block');
  });
}

function checkPeer(issues: Issues, path: Path, peer: NetworkPolicyPeer): void {
  const selectors = [peer.podSelector, peer.namespaceSelector].filter((selector) => selector !== undefined).length;
  if (peer.ipBlock === undefined && selectors === 0) issues.add(path, 'must specify a peer');
  if (peer.ipBlock !== undefined && selectors > 0) issues.add(path, 'may not specify more than 1 peer type');
  if (peer.podSelector) checkLabelMap(issues, [...path, 'podSelector', 'matchLabels'], peer.podSelector.matchLabels);
  if (peer.namespaceSelector)
    checkLabelMap(issues, [...path, 'namespaceSelector', 'matchLabels'], peer.namespaceSelector.matchLabels);
  if (peer.ipBlock) checkIpBlock(issues, [...path, 'ipBlock'], peer.ipBlock);
}

function checkPort(issues: Issues, path: Path, port: NetworkPolicyPort): void {
  if (port.protocol !== undefined && !NETWORK_POLICY_PROTOCOLS.includes(port.protocol)) {
    issues.add([...path, 'protocol'], `must be one of ${NETWORK_POLICY_PROTOCOLS.join(', ')}`);
  }
  if (port.port !== undefined) issues.check([...path, 'port'], portError(port.port));
}

export function checkNetworkPolicy(issues: Issues, object: { spec: NetworkPolicySpec }): void {
  const { spec } = object;
  checkLabelMap(issues, ['spec', 'podSelector', 'matchLabels'], spec.podSelector?.matchLabels);
  list(spec.policyTypes).forEach((type, index) => {
    if (type !== 'Ingress' && type !== 'Egress')
      issues.add(['spec', 'policyTypes', index], 'must be Ingress or Egress');
  });
  list(spec.ingress).forEach((rule, index) => {
    list(rule.from).forEach((peer, at) => checkPeer(issues, ['spec', 'ingress', index, 'from', at], peer));
    list(rule.ports).forEach((port, at) => checkPort(issues, ['spec', 'ingress', index, 'ports', at], port));
  });
}
