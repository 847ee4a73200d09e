/**
 * Size limits on any document a client sends, checked before anything else reads it, so that a
 * body that is valid in form but enormous (200,000 list entries, 150,000 unknown keys) is refused
 * in one linear pass instead of being normalized, checked, stored and rendered.
 */
import type { Issue } from '../errors.js';

export const LIMITS = {
  /** Entries of one list. */
  listItems: 1000,
  /** Keys of one object. */
  objectKeys: 1000,
  /** Nesting of lists and objects. */
  depth: 32,
  /** Values in the whole document. */
  values: 10_000,
  /**
   * Different key names in the whole document: each new one costs `JSON.parse` a new hidden
   * class, so 50,000 of them hold the event loop for hundreds of milliseconds. A kv-pair list
   * of 1,000 entries needs 1,000.
   */
  keyNames: 2_000,
  /**
   * Characters of one text (or key): a kubeconfig's limit, the longest field. Parsing a
   * kubeconfig's YAML costs about 15 ns a character (besides its nodes, kubeconfig.ts) in one
   * turn of the event loop; one cluster's kubeconfig with embedded certificates is a few KB,
   * EMCO's examples 261 bytes.
   */
  stringLength: 131_072,
} as const;

function tooLong(text: string): string {
  return `is a text of ${text.length} characters; at most ${LIMITS.stringLength} are accepted`;
}

/** Problems with the document's size, each named by its path; at most one per kind of limit. */
export function sizeIssues(document: unknown): Issue[] {
  const issues = new Map<string, Issue>();
  let values = 0;
  const keyNames = new Set<string>();
  const report = (limit: string, issue: Issue) => {
    if (!issues.has(limit)) issues.set(limit, issue);
  };
  const countKey = (key: string, path: string) => {
    if (keyNames.size <= LIMITS.keyNames) keyNames.add(key);
    if (key.length > LIMITS.stringLength)
      report('string', { path: `${path ? `${path}.` : ''}${key.slice(0, 64)}`, message: tooLong(key) });
  };
  const walk = (value: unknown, path: string, depth: number): void => {
    values += 1;
    if (values > LIMITS.values) return;
    if (typeof value === 'string' && value.length > LIMITS.stringLength)
      return report('string', { path: path || '(body)', message: tooLong(value) });
    if (typeof value !== 'object' || value === null) return;
    if (depth > LIMITS.depth) return report('depth', { path, message: `nests deeper than ${LIMITS.depth} levels` });
    if (Array.isArray(value)) {
      if (value.length > LIMITS.listItems)
        return report(`list:${path}`, {
          path,
          message: `has ${value.length} entries; at most ${LIMITS.listItems} are accepted`,
        });
      value.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1));
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > LIMITS.objectKeys)
      return report(`object:${path}`, {
        path: path || '(body)',
        message: `has ${keys.length} keys; at most ${LIMITS.objectKeys} are accepted`,
      });
    for (const key of keys) {
      countKey(key, path);
      walk((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1);
    }
  };
  walk(document, '', 0);
  if (values > LIMITS.values) report('values', { path: '(body)', message: `holds more than ${LIMITS.values} values` });
  if (keyNames.size > LIMITS.keyNames)
    report('keyNames', { path: '(body)', message: `uses more than ${LIMITS.keyNames} different key names` });
  return [...issues.values()].slice(0, 20);
}
