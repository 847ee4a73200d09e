/**
 * What the operator tells meshbridge about the company's identity provider, read from the
 * environment (`MESHBRIDGE_OIDC_*`) or one JSON/YAML file, and checked whole: every bad field
 * is named at once, so `serve` never starts half-configured.
 */
import type { Issue } from '../errors.js';
import { parseGrant } from './principal.js';

/** The grant text that gives `readSecrets` (a boolean on the Principal: it is for every project). */
export const SECRETS_GRANT = 'secrets';

export const SUBJECT_CLAIMS = ['sub', 'email', 'preferred_username'] as const;
export type SubjectClaim = (typeof SUBJECT_CLAIMS)[number];

export interface OidcConfig {
  /** `https://...` exactly as the IdP writes it in `iss` (http only for a loopback host: tests, local IdPs). */
  issuer: string;
  /** The `aud` meshbridge's tokens carry (the client id of meshbridge at the IdP). */
  audience: string;
  /** Where the IdP's public keys are; found by discovery when absent. */
  jwksUri?: string;
  /** The claim holding the caller's groups or roles; a dotted path reaches inside objects (`realm_access.roles`). */
  rolesClaim: string;
  /** Claim value → grant texts (`admin`, `editor:projectA`, `secrets`); without it the values are grant texts. */
  roleMap?: Record<string, string[]>;
  /** The claim that names the caller in the audit log (`oidc:<value>`). */
  subjectClaim: SubjectClaim;
}

export class OidcConfigError extends Error {
  constructor(
    source: string,
    readonly issues: Issue[],
  ) {
    super(`${source}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'OidcConfigError';
  }
}

/** The environment variable of each field. */
export const OIDC_ENV = {
  issuer: 'MESHBRIDGE_OIDC_ISSUER',
  audience: 'MESHBRIDGE_OIDC_AUDIENCE',
  jwksUri: 'MESHBRIDGE_OIDC_JWKS_URI',
  rolesClaim: 'MESHBRIDGE_OIDC_ROLES_CLAIM',
  roleMap: 'MESHBRIDGE_OIDC_ROLE_MAP',
  subjectClaim: 'MESHBRIDGE_OIDC_SUBJECT_CLAIM',
} as const;

type Field = keyof typeof OIDC_ENV;
const FIELDS = Object.keys(OIDC_ENV) as Field[];
const MAX_ROLE_MAP_ENTRIES = 1000;
const CLAIM_PATH = /^[A-Za-z0-9_:/$-]+(\.[A-Za-z0-9_:/$-]+){0,7}$/;

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** An https URL (http only to a loopback host), with no credentials, query or fragment: undefined when fine. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    return 'must be https:// (http:// only to a loopback host)';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search || url.hash) return 'must not have a query or fragment';
  return undefined;
}

function roleMapOf(value: unknown, issues: Issue[], path: string): Record<string, string[]> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path, message: 'must be an object: claim value → grant or list of grants' });
    return undefined;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ROLE_MAP_ENTRIES) {
    issues.push({ path, message: `must have at most ${MAX_ROLE_MAP_ENTRIES} entries` });
    return undefined;
  }
  const map: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [key, grants] of entries) {
    const list: unknown[] = Array.isArray(grants) ? grants : [grants];
    const bad = list.filter((grant) => typeof grant !== 'string' || !isGrantText(grant));
    if (key === '' || list.length === 0 || bad.length > 0)
      issues.push({
        path: `${path}[${JSON.stringify(key)}]`,
        message: `must be grants such as "admin", "editor:projectA" or "${SECRETS_GRANT}" (not ${bad.map((grant) => JSON.stringify(grant)).join(', ') || 'empty'})`,
      });
    else map[key] = (list as string[]).map((grant) => grant.trim());
  }
  return map;
}

/** A grant meshbridge knows: a role (in every project or one), or `secrets`. `secrets:<project>` is not: readSecrets is fleet-wide. */
export function isGrantText(text: string): boolean {
  return text.trim() === SECRETS_GRANT || parseGrant(text) !== undefined;
}

function stringField(raw: Record<string, unknown>, field: Field, issues: Issue[], name: (field: Field) => string) {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push({ path: name(field), message: 'must be a non-empty string' });
    return undefined;
  }
  return value.trim();
}

function checkRequired(config: Partial<OidcConfig>, issues: Issue[], name: (field: Field) => string): void {
  if (config.issuer === undefined) issues.push({ path: name('issuer'), message: 'is required' });
  else {
    const problem = urlProblem(config.issuer);
    if (problem) issues.push({ path: name('issuer'), message: problem });
  }
  if (config.audience === undefined) issues.push({ path: name('audience'), message: 'is required' });
  if (config.jwksUri !== undefined) {
    const problem = urlProblem(config.jwksUri);
    if (problem) issues.push({ path: name('jwksUri'), message: problem });
  }
  if (config.rolesClaim !== undefined && !CLAIM_PATH.test(config.rolesClaim))
    issues.push({
      path: name('rolesClaim'),
      message: 'must be a claim name or a dotted path such as realm_access.roles',
    });
  if (config.subjectClaim !== undefined && !(SUBJECT_CLAIMS as readonly string[]).includes(config.subjectClaim))
    issues.push({ path: name('subjectClaim'), message: `must be one of ${SUBJECT_CLAIMS.join(', ')}` });
}

/**
 * Checks a configuration object (a parsed file, or the environment's values); `name` says how a
 * field is called where it came from. Throws `OidcConfigError` naming every bad field.
 */
export function parseOidcConfig(raw: unknown, source: string, name: (field: string) => string = String): OidcConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new OidcConfigError(source, [{ path: '', message: 'must be an object with issuer and audience' }]);
  const record = raw as Record<string, unknown>;
  const issues: Issue[] = Object.keys(record)
    .filter((key) => !(FIELDS as string[]).includes(key))
    .map((key) => ({ path: name(key), message: `is not a setting (known: ${FIELDS.join(', ')})` }));
  const config: Partial<OidcConfig> = {};
  for (const field of ['issuer', 'audience', 'jwksUri', 'rolesClaim', 'subjectClaim'] as const) {
    const value = stringField(record, field, issues, name);
    if (value !== undefined) (config as Record<string, string>)[field] = value;
  }
  if (record.roleMap !== undefined) {
    const map = roleMapOf(record.roleMap, issues, name('roleMap'));
    if (map) config.roleMap = map;
  }
  checkRequired(config, issues, name);
  if (issues.length > 0) throw new OidcConfigError(source, issues);
  return {
    ...(config as OidcConfig),
    rolesClaim: config.rolesClaim ?? 'groups',
    subjectClaim: config.subjectClaim ?? 'sub',
  };
}

/** The configuration in `MESHBRIDGE_OIDC_*`, or undefined when none of them is set (OIDC off). */
export function oidcConfigFromEnv(env: Record<string, string | undefined>): OidcConfig | undefined {
  const set = FIELDS.filter((field) => env[OIDC_ENV[field]] !== undefined && env[OIDC_ENV[field]] !== '');
  if (set.length === 0) return undefined;
  const raw: Record<string, unknown> = {};
  for (const field of set) raw[field] = env[OIDC_ENV[field]];
  if (raw.roleMap !== undefined) {
    try {
      raw.roleMap = JSON.parse(raw.roleMap as string) as unknown;
    } catch {
      throw new OidcConfigError('the environment', [{ path: OIDC_ENV.roleMap, message: 'must be JSON' }]);
    }
  }
  return parseOidcConfig(raw, 'the environment', (field) => OIDC_ENV[field as Field] ?? field);
}
