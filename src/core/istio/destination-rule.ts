/** DestinationRule rules of Istio's webhook (`validateDestinationRule`). */
import { isDns1123Label, wildcardDomainError } from './checks.js';
import { checkExportTo, checkLabelMap, checkSelectorLabels } from './common.js';
import { type Issues, isSet, list } from './issues.js';
import type { DestinationRule } from './objects.js';
import { checkTrafficPolicy } from './traffic-policy.js';

export function checkDestinationRule(issues: Issues, object: DestinationRule): void {
  const dr = object.spec;
  if (typeof dr.host === 'string') issues.check(['spec', 'host'], wildcardDomainError(dr.host));
  const hasWorkloadSelector = isSet(dr.workloadSelector);
  const context = { hasWorkloadSelector };
  checkTrafficPolicy(issues, ['spec', 'trafficPolicy'], dr.trafficPolicy, context);
  const names = new Set<string>();
  list(dr.subsets).forEach((subset, i) => {
    const path = ['spec', 'subsets', i];
    if (typeof subset.name !== 'string' || subset.name === '')
      issues.add([...path, 'name'], 'subset name cannot be empty');
    else if (!isDns1123Label(subset.name))
      issues.add([...path, 'name'], `subset name "${subset.name}" is not a DNS-1123 label`);
    if (names.has(subset.name)) issues.add([...path, 'name'], `duplicate subset name "${subset.name}"`);
    names.add(subset.name);
    checkLabelMap(issues, [...path, 'labels'], subset.labels);
    checkTrafficPolicy(issues, [...path, 'trafficPolicy'], subset.trafficPolicy, context);
  });
  checkSelectorLabels(issues, ['spec', 'workloadSelector', 'matchLabels'], dr.workloadSelector?.matchLabels);
  checkExportTo(issues, ['spec', 'exportTo'], dr.exportTo, object.metadata.namespace, {
    selectorRule: hasWorkloadSelector,
  });
}
