/** Value rules of AuthorizationPolicy sources, operations and conditions. */
import { ipOrCidrError } from './checks.js';
import { type Issues, list, type Path } from './issues.js';
import type { Condition } from './objects.js';

type Rule = (value: string) => string | undefined;

const pchar = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/;

function principalError(value: string): string | undefined {
  if (value.startsWith('spiffe://')) return `write "${value.slice(9)}": Istio adds the spiffe:// prefix itself`;
  return undefined;
}

function portStringError(value: string): string | undefined {
  if (!/^[0-9]+$/.test(value) || Number(value) > 65535)
    return `"${value}" is not a port number (0..65535, as a string)`;
  return undefined;
}

const method = /^(?:\*|\*?[A-Z]+|[A-Z]+\*)$/;
function methodError(value: string): string | undefined {
  if (!method.test(value)) return `"${value}" is not an HTTP method in upper case (exact, prefix*, *suffix or *)`;
  return undefined;
}

/** Exact, `prefix*`, `*suffix` or `*`; or a template with `{*}` segments and a last `{**}` segment. */
export function pathError(value: string): string | undefined {
  if (value.includes('{*}') || value.includes('{**}')) return templateError(value);
  if (value.includes('{') || value.includes('}')) return `"${value}" has "{" or "}" outside a path template`;
  const inner = value.slice(1, -1);
  if (value.length > 2 && inner.includes('*')) return `"${value}": "*" matches only at the start or end of a path`;
  if (!value.startsWith('/') && !value.startsWith('*'))
    return `"${value}" must start with "/" (or "*" for a suffix match)`;
  return undefined;
}

function templateError(value: string): string | undefined {
  if (!value.startsWith('/')) return `path template "${value}" must start with "/"`;
  const segments = value.replace(/^\/+|\/+$/g, '').split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '{*}') continue;
    if (segment === '{**}') {
      if (i !== segments.length - 1) return `"{**}" must be the last segment of "${value}"`;
      continue;
    }
    if (segment.includes('{') || segment.includes('}'))
      return `"${value}": a template segment must be exactly {*} or {**}`;
    if (!pchar.test(segment)) return `"${value}": segment "${segment}" is not a valid path literal`;
  }
  return undefined;
}

function serviceAccountError(value: string): string | undefined {
  if (value.includes('*')) return `"${value}": serviceAccounts take no wildcards`;
  if (!/^(?:[a-z0-9-]+\/)?[a-z0-9.-]+$/.test(value)) return `"${value}" must be "[namespace/]serviceaccount"`;
  return undefined;
}

const rules: Record<string, Rule> = {
  principals: principalError,
  notPrincipals: principalError,
  ipBlocks: ipOrCidrError,
  notIpBlocks: ipOrCidrError,
  remoteIpBlocks: ipOrCidrError,
  notRemoteIpBlocks: ipOrCidrError,
  serviceAccounts: serviceAccountError,
  notServiceAccounts: serviceAccountError,
  ports: portStringError,
  notPorts: portStringError,
  methods: methodError,
  notMethods: methodError,
  paths: pathError,
  notPaths: pathError,
};

/** Every entry non-empty and valid for `field`. */
export function checkValues(issues: Issues, path: Path, field: string, values: readonly string[] | undefined): void {
  const rule = rules[field];
  list(values).forEach((value, i) => {
    if (typeof value !== 'string') return;
    if (value === '') issues.add([...path, i], 'empty values are not allowed');
    else if (rule) issues.check([...path, i], rule(value));
  });
}

/** Attributes a `when` condition may name, and the rule for their values. */
const attributes: [RegExp, Rule | undefined][] = [
  [/^request\.headers\[[^\]]+\]$/, undefined],
  [/^(source|remote|destination)\.ip$/, ipOrCidrError],
  [/^destination\.port$/, portStringError],
  [/^source\.(namespace|principal|serviceAccount)$/, undefined],
  [/^request\.auth\.(principal|audiences|presenter)$/, undefined],
  [/^request\.auth\.claims\[[^\]]+\](\[[^\]]+\])*$/, undefined],
  [/^connection\.sni$/, undefined],
  [/^experimental\.envoy\.filters\./, undefined],
];
const customForbiddenKey = /^(source\.(namespace|principal|serviceAccount)|request\.auth\.)/;

export function checkCondition(issues: Issues, path: Path, condition: Condition, custom: boolean): void {
  const key = condition.key;
  if (typeof key !== 'string' || key === '') {
    issues.add([...path, 'key'], 'key must not be empty');
    return;
  }
  const known = attributes.find(([pattern]) => pattern.test(key));
  if (!known) issues.add([...path, 'key'], `unknown attribute "${key}"`);
  if (custom && customForbiddenKey.test(key)) issues.add([...path, 'key'], `a CUSTOM policy cannot use "${key}"`);
  if (list(condition.values).length === 0 && list(condition.notValues).length === 0) {
    issues.add(path, `set values or notValues for "${key}"`);
  }
  for (const field of ['values', 'notValues'] as const) {
    list(condition[field]).forEach((value, i) => {
      if (value === '') issues.add([...path, field, i], 'empty values are not allowed');
      else if (known?.[1]) issues.check([...path, field, i], known[1](value));
    });
  }
}
