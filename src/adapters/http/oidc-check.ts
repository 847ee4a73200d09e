/**
 * OIDC as one of the ways in: a JWT the identity provider signed becomes a Principal;
 * a JWT it refuses is refused with its reason (a caller with no mapped grant is a 403,
 * an invalid token a 401); anything that is not a JWT is left to the other ways.
 */
import type { OidcConfig } from '../../core/access/oidc-config.js';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';
import type { Authenticator } from './authentication.js';
import { createOidcAuthenticator, type OidcAuthenticator } from './oidc.js';

export function oidcAuthenticator(
  config: OidcConfig,
  verify: OidcAuthenticator = createOidcAuthenticator(config),
): Authenticator {
  return async (token) => {
    const outcome = await verify(token);
    if (outcome.kind === 'not-a-jwt') return undefined;
    if (outcome.kind === 'accepted') return outcome.principal;
    if (outcome.status === 403) throw new ForbiddenError(outcome.reason);
    throw new UnauthenticatedError(`the bearer token is not accepted: ${outcome.reason}`);
  };
}
