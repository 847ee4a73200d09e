/**
 * OIDC bearer JWTs from the company's identity provider, verified by `jose`: the IdP's public
 * keys (found by discovery, refetched when a token names a key not seen yet), the issuer, the
 * audience, `exp` (required) and `nbf`, asymmetric algorithms only. The claims then become a
 * `Principal` through the core's mapping.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { principalFromClaims } from '../../core/access/oidc-claims.js';
import { urlProblem, type OidcConfig } from '../../core/access/oidc-config.js';
import type { Principal } from '../../core/access/principal.js';

/** Asymmetric only: an HS* token would be checked with a key the IdP publishes to everyone; `none` with none. */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * `not-a-jwt`: the token is not a JWT at all (an API or admin token: ask the next check).
 * `rejected`: a JWT meshbridge will not take; `reason` is safe to send back (it names a claim or
 * a check, never the token), `status` is 401, or 403 for a verified caller with no role here.
 */
export type OidcOutcome =
  | { kind: 'accepted'; principal: Principal }
  | { kind: 'not-a-jwt' }
  | { kind: 'rejected'; status: 401 | 403; reason: string };

export type OidcAuthenticator = (token: string) => Promise<OidcOutcome>;

export interface OidcTuning {
  /** Deadline of one fetch from the IdP (default 5 s). */
  timeoutMs?: number;
  /** How soon a token with an unknown `kid` may make the keys be fetched again (default 30 s). */
  jwksCooldownMs?: number;
  /** After a failed discovery, how long tokens are refused before it is tried again (default 5 s). */
  discoveryRetryMs?: number;
}

/** Reasons for jose's errors; anything else is a token that is not well formed. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'the token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the identity provider has no key that matches the token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return 'the token is not a well-formed JWT';
  // A timeout, a network failure, a bad discovery document or key set: the IdP's side.
  return "the identity provider's keys could not be fetched";
}

class DiscoveryError extends Error {}

async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new DiscoveryError(`${url} answered ${response.status}`);
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw error instanceof DiscoveryError ? error : new DiscoveryError(`${url}: ${(error as Error).message}`);
  }
  // OIDC Discovery 1.0 §4.3: the document must be the issuer's own.
  if (document.issuer !== issuer) throw new DiscoveryError(`${url} names another issuer`);
  const jwksUri = document.jwks_uri;
  if (typeof jwksUri !== 'string' || urlProblem(jwksUri)) throw new DiscoveryError(`${url} has no usable jwks_uri`);
  return jwksUri;
}

/** The IdP's key set, found on first use (so `serve` starts while the IdP is down) and again after a failure. */
function keySet(config: OidcConfig, tuning: Required<OidcTuning>): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  let failedAt = -Infinity;
  const load = async () => {
    const uri = config.jwksUri ?? (await discoverJwksUri(config.issuer, tuning.timeoutMs));
    return createRemoteJWKSet(new URL(uri), {
      timeoutDuration: tuning.timeoutMs,
      cooldownDuration: tuning.jwksCooldownMs,
    });
  };
  return async (header, token) => {
    // Not once per request while the IdP is down.
    if (keys === undefined && Date.now() - failedAt < tuning.discoveryRetryMs)
      throw new DiscoveryError('discovery failed moments ago');
    keys ??= load().catch((error: unknown) => {
      keys = undefined;
      failedAt = Date.now();
      throw error;
    });
    return (await keys)(header, token);
  };
}

function looksLikeJwt(token: string): boolean {
  if (token.split('.').length !== 3) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

export function createOidcAuthenticator(config: OidcConfig, tuning: OidcTuning = {}): OidcAuthenticator {
  const keys = keySet(config, { timeoutMs: 5000, jwksCooldownMs: 30_000, discoveryRetryMs: 5000, ...tuning });
  return async (token) => {
    if (!looksLikeJwt(token)) return { kind: 'not-a-jwt' };
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: OIDC_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (error) {
      return { kind: 'rejected', status: 401, reason: reasonOf(error) };
    }
    const outcome = principalFromClaims(claims, config);
    return outcome.ok
      ? { kind: 'accepted', principal: outcome.principal }
      : { kind: 'rejected', status: outcome.status, reason: outcome.reason };
  };
}
