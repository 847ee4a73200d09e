/**
 * From the claims of a verified OIDC token to a `Principal`. Allow-list: a claim value gives
 * only what `roleMap` says it gives (or, without a map, what it spells as a grant); anything
 * else gives nothing.
 */
import { SECRETS_GRANT, type OidcConfig } from './oidc-config.js';
import { formatGrant, parseGrant, type Grant, type Principal } from './principal.js';

/** Values of the roles claim read at most; an IdP that sends more is cut, not trusted further. */
const MAX_CLAIM_VALUES = 1000;
const SUBJECT = /^[^\p{Cc}\s][^\p{Cc}]{0,255}$/u;

export type ClaimsOutcome = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; reason: string };

/** The value at a dotted path (`realm_access.roles`), own properties only. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The roles claim's strings: a list of strings, or one string (some IdPs send one group as a string). */
export function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.slice(0, MAX_CLAIM_VALUES).filter((item): item is string => typeof item === 'string');
}

/** The grant texts claim values give: through the map, or as written when there is none. */
export function grantTextsOf(values: string[], roleMap: OidcConfig['roleMap']): string[] {
  if (roleMap === undefined) return values;
  return values.flatMap((value) => (Object.hasOwn(roleMap, value) ? (roleMap[value] ?? []) : []));
}

export interface Access {
  grants: Grant[];
  readSecrets: boolean;
}

/** Grants (deduplicated) and `readSecrets`: from `secrets`, or from `admin` in every project, as the admin token has it. */
export function accessOf(texts: string[]): Access {
  const grants = new Map<string, Grant>();
  let readSecrets = false;
  for (const text of texts) {
    if (text.trim() === SECRETS_GRANT) readSecrets = true;
    const grant = parseGrant(text);
    if (grant) grants.set(formatGrant(grant), grant);
  }
  const list = [...grants.values()];
  return { grants: list, readSecrets: readSecrets || list.some((grant) => grant.role === 'admin' && !grant.project) };
}

export function principalFromClaims(claims: Record<string, unknown>, config: OidcConfig): ClaimsOutcome {
  const subject = claims[config.subjectClaim];
  if (typeof subject !== 'string' || !SUBJECT.test(subject))
    return { ok: false, status: 401, reason: `the token has no usable "${config.subjectClaim}" claim` };
  const access = accessOf(grantTextsOf(claimValues(claimAt(claims, config.rolesClaim)), config.roleMap));
  // A known person with no role here: authenticated, but allowed nothing. Refused now, so no
  // principal without grants ever reaches the policy.
  if (access.grants.length === 0)
    return {
      ok: false,
      status: 403,
      reason: `oidc:${subject} has no role in meshbridge: none of the values of its "${config.rolesClaim}" claim is mapped to one`,
    };
  return { ok: true, principal: { name: `oidc:${subject}`, via: 'oidc', ...access } };
}
