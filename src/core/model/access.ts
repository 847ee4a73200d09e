/**
 * Who may call a service: `serviceAccountAccess` maps a caller's principal to the
 * operations it may perform, as seed 000 writes it:
 *   {"cluster.local/ns/namespace01/sa/sleep": {"GET": ["/status*"]}}
 * Paths follow Istio's AuthorizationPolicy matching: exact, `prefix*`, `*suffix`, or `*`.
 */
import { Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { StringEnum, StringList } from '../validation/schema.js';
import { formatPath } from '../validation/path.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'] as const;

export const MethodName = StringEnum([...HTTP_METHODS]);

const pathList = StringList(Type.String({ minLength: 1, maxLength: 1024 }));

/** principal → method (or `*`) → paths. */
export const ServiceAccountAccess = Type.Object(
  {},
  {
    additionalProperties: Type.Object({}, { additionalProperties: pathList, 'x-key-case': 'upper' }),
    description: 'Caller principal (`<trustDomain>/ns/<namespace>/sa/<serviceAccount>`) to method to paths.',
  },
);

export type AccessMap = Record<string, Record<string, string[]>>;

const principalPattern = /^\*?[^/\s*]+\/ns\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/sa\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?\*?$/;

/** Istio matches `abc*`, `*abc` and `*`; a `*` anywhere else is taken literally, which is never what was meant. */
export function accessPathProblem(path: string): string | undefined {
  if (path === '*') return undefined;
  if (!path.startsWith('/') && !path.startsWith('*')) return 'must start with "/" (or be "*")';
  const inner = path.slice(1, -1);
  if (inner.includes('*') && !/\{\*\*?\}/.test(path)) {
    return 'has a "*" in the middle, which Istio matches literally; use a trailing "*" for a prefix';
  }
  if (/\s/.test(path)) return 'must not contain white space';
  return undefined;
}

export function checkAccessMap(access: AccessMap | undefined, base: string[]): Issue[] {
  const issues: Issue[] = [];
  for (const [principal, operations] of Object.entries(access ?? {})) {
    const at = [...base, principal];
    if (!principalPattern.test(principal)) {
      issues.push({
        path: formatPath(at),
        message: 'must be a principal such as cluster.local/ns/<namespace>/sa/<serviceAccount>',
      });
    }
    for (const [method, paths] of Object.entries(operations)) {
      if (method !== '*' && !(HTTP_METHODS as readonly string[]).includes(method)) {
        issues.push({
          path: formatPath([...at, method]),
          message: `must be an HTTP method (${HTTP_METHODS.join(', ')}) or "*"`,
        });
      }
      paths.forEach((path, index) => {
        const problem = accessPathProblem(path);
        if (problem) issues.push({ path: formatPath([...at, method, index]), message: problem });
      });
    }
  }
  return issues;
}
