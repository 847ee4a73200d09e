/**
 * Interim: OIDC in the admin-token check, until the policy (roles per project) is wired in.
 * Fails closed: until then only an `admin` of every project may act through OIDC, since a
 * narrower grant would otherwise be worth as much as the admin token. Replace this with the
 * principal-based check when the policy lands.
 */
import { UnauthenticatedError } from '../../core/errors.js';
import type { TokenCheck } from './authentication.js';
import type { OidcAuthenticator } from './oidc.js';

export function oidcTokenCheck(authenticate: OidcAuthenticator, fallback: TokenCheck = () => false): TokenCheck {
  return async (token) => {
    if (await fallback(token)) return true;
    const outcome = await authenticate(token);
    if (outcome.kind === 'not-a-jwt') return false;
    if (outcome.kind === 'rejected')
      throw new UnauthenticatedError(`the bearer token is not accepted: ${outcome.reason}`);
    if (!outcome.principal.grants.some((grant) => grant.role === 'admin' && grant.project === undefined))
      throw new UnauthenticatedError(
        `${outcome.principal.name} is not an admin of every project, and roles per project are not enforced yet`,
      );
    return true;
  };
}
