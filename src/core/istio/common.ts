/** Checks of fields that several kinds share: label maps, selectors and `exportTo`. */
import { isDns1123Label, labelValueError, qualifiedNameError } from './checks.js';
import { entries, type Issues, list, type Path } from './issues.js';

/** A label map: keys are qualified names, values label values (Istio's `labels.Instance.Validate`). */
export function checkLabelMap(issues: Issues, path: Path, labels: Record<string, string> | undefined): void {
  for (const [key, value] of entries(labels)) {
    issues.check([...path, key], qualifiedNameError(key) ?? labelValueError(value));
  }
}

export interface ExportToOptions {
  /** ServiceEntry only: `~` (visible to no one) is allowed. */
  serviceEntry?: boolean;
  /** DestinationRule with a workloadSelector: only the own namespace. */
  selectorRule?: boolean;
}

/** Istio's `validateExportTo`: `.`, `*`, (`~`), or namespace names; no duplicates; `*`/`~` alone. */
export function checkExportTo(
  issues: Issues,
  path: Path,
  exportTo: string[] | undefined,
  namespace: string | undefined,
  options: ExportToOptions = {},
): void {
  const entriesList = list(exportTo);
  if (entriesList.length === 0) return;
  const seen = new Set<string>();
  entriesList.forEach((entry, index) => {
    const key = entry === '.' ? (namespace ?? '.') : entry;
    if (seen.has(key)) issues.add([...path, index], `duplicate entry "${entry}" in exportTo`);
    else if (entry === '~' && !options.serviceEntry)
      issues.add([...path, index], '"~" is allowed only in ServiceEntry');
    else if (entry !== '.' && entry !== '*' && entry !== '~' && !isDns1123Label(entry)) {
      issues.add([...path, index], `"${entry}" is not ".", "*" or a namespace name`);
    }
    seen.add(key);
  });
  if (entriesList.length > 1 && seen.has('*')) {
    issues.add(path, 'cannot have both public (*) and non-public exportTo values');
  }
  if (entriesList.length > 1 && seen.has('~')) issues.add(path, 'cannot export to no one (~) and someone');
  if (options.selectorRule) {
    const own = [...seen].every((key) => key === '.' || key === namespace);
    if (!own || seen.size > 1) {
      issues.add(path, 'a DestinationRule with a workloadSelector may be exported only to its own namespace');
    }
  }
}

/** A workload selector's labels: valid, no empty keys, no wildcards. */
export function checkSelectorLabels(issues: Issues, path: Path, labels: Record<string, string> | undefined): void {
  for (const [key, value] of entries(labels)) {
    if (key.includes('*') || (typeof value === 'string' && value.includes('*'))) {
      issues.add([...path, key], 'wildcards are not allowed in selector labels');
    } else issues.check([...path, key], qualifiedNameError(key) ?? labelValueError(value));
  }
}
