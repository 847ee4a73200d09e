/** AuthorizationPolicy rules of Istio's webhook (`ValidateAuthorizationPolicy`). */
import { checkSelectorLabels } from './common.js';
import { type Issues, isFilled, isSet, list, type Path } from './issues.js';
import { checkCondition, checkValues } from './authz-values.js';
import type {
  AuthorizationPolicy,
  AuthorizationPolicySpec,
  Operation,
  PolicyTargetReference,
  Source,
} from './objects.js';

const sourceFields = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
] as const;
const operationFields = [
  'hosts',
  'notHosts',
  'ports',
  'notPorts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
] as const;
/** Identity fields a CUSTOM (ext-authz) policy cannot match on. */
const customForbidden = new Set([
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
]);

export function checkAuthorizationPolicy(issues: Issues, object: AuthorizationPolicy): void {
  const spec = object.spec;
  checkTarget(issues, spec, object.metadata.namespace);
  const action = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM' && !isFilled(spec.provider?.name))
    issues.add(['spec', 'provider', 'name'], 'a CUSTOM policy needs provider.name');
  if (action !== 'CUSTOM' && isSet(spec.provider))
    issues.add(['spec', 'provider'], 'provider is only valid with action CUSTOM');
  if ((action === 'DENY' || action === 'CUSTOM') && list(spec.rules).length === 0) {
    issues.add(['spec', 'rules'], `a ${action} policy needs at least one rule`);
  }
  list(spec.rules).forEach((rule, i) => {
    const path = ['spec', 'rules', i];
    if (isSet(rule.from) && list(rule.from).length === 0) issues.add([...path, 'from'], '`from` must not be empty');
    list(rule.from).forEach((from, j) =>
      checkSource(issues, [...path, 'from', j, 'source'], from.source, action === 'CUSTOM'),
    );
    if (isSet(rule.to) && list(rule.to).length === 0) issues.add([...path, 'to'], '`to` must not be empty');
    list(rule.to).forEach((to, j) => checkOperation(issues, [...path, 'to', j, 'operation'], to.operation));
    list(rule.when).forEach((condition, j) =>
      checkCondition(issues, [...path, 'when', j], condition, action === 'CUSTOM'),
    );
  });
}

function checkTarget(issues: Issues, spec: AuthorizationPolicySpec, namespace: string | undefined): void {
  const targets = [isSet(spec.selector), isSet(spec.targetRef), list(spec.targetRefs).length > 0].filter(
    Boolean,
  ).length;
  if (targets > 1) issues.add(['spec'], 'set only one of selector, targetRef or targetRefs');
  checkSelectorLabels(issues, ['spec', 'selector', 'matchLabels'], spec.selector?.matchLabels);
  if (spec.targetRef) checkTargetRef(issues, ['spec', 'targetRef'], spec.targetRef, namespace);
  list(spec.targetRefs).forEach((ref, i) => checkTargetRef(issues, ['spec', 'targetRefs', i], ref, namespace));
}

const targetKinds: Record<string, string> = {
  Gateway: 'gateway.networking.k8s.io',
  GatewayClass: 'gateway.networking.k8s.io',
  Service: '',
  ServiceEntry: 'networking.istio.io',
};

function checkTargetRef(issues: Issues, path: Path, ref: PolicyTargetReference, namespace: string | undefined): void {
  const group = targetKinds[ref.kind];
  if (group === undefined) issues.add([...path, 'kind'], `kind must be one of ${Object.keys(targetKinds).join(', ')}`);
  else if ((ref.group ?? '') !== group) issues.add([...path, 'group'], `the group of ${ref.kind} is "${group}"`);
  if (!isFilled(ref.name)) issues.add([...path, 'name'], 'is required');
  if (isFilled(ref.namespace) && ref.namespace !== namespace) {
    issues.add([...path, 'namespace'], 'a target in another namespace is not supported; leave namespace unset');
  }
}

function checkSource(issues: Issues, path: Path, source: Source | undefined, custom: boolean): void {
  if (!source || typeof source !== 'object') {
    issues.add(path, '`from.source` must not be empty');
    return;
  }
  const set = sourceFields.filter((field) => list(source[field]).length > 0);
  if (set.length === 0) issues.add(path, '`from.source` must not be empty');
  for (const field of set) {
    if (custom && customForbidden.has(field)) issues.add([...path, field], `a CUSTOM policy cannot match on ${field}`);
    checkValues(issues, [...path, field], field, source[field]);
  }
  const accounts = list(source.serviceAccounts).length > 0 || list(source.notServiceAccounts).length > 0;
  if (accounts && (list(source.principals).length > 0 || list(source.namespaces).length > 0)) {
    issues.add([...path, 'serviceAccounts'], 'serviceAccounts cannot be combined with principals or namespaces');
  }
  if (list(source.serviceAccounts).length > 16) issues.add([...path, 'serviceAccounts'], 'at most 16 serviceAccounts');
}

function checkOperation(issues: Issues, path: Path, operation: Operation | undefined): void {
  if (!operation || typeof operation !== 'object') {
    issues.add(path, '`to.operation` must not be empty');
    return;
  }
  const set = operationFields.filter((field) => list(operation[field]).length > 0);
  if (set.length === 0) issues.add(path, '`to.operation` must not be empty');
  for (const field of set) checkValues(issues, [...path, field], field, operation[field]);
}
