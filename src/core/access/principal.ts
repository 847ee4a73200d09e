/**
 * Who is calling, and what they were granted. Every way in (the admin token, an API
 * token, an OIDC JWT) ends as a `Principal`; the policy (`policy.ts`) decides from it alone.
 */

export const ROLES = ['viewer', 'editor', 'deployer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A role in one project, or in every project (and the fleet) when `project` is absent. */
export interface Grant {
  role: Role;
  project?: string;
}

export interface Principal {
  /** Shown in the audit log: `admin`, `token:<id> (<name>)`, `oidc:<subject>`. */
  name: string;
  via: 'admin-token' | 'token' | 'oidc';
  grants: Grant[];
  /** `showSecrets` is its own permission: no role implies it but admin. */
  readSecrets: boolean;
}

const GRANT_PATTERN = /^(viewer|editor|deployer|admin)(?::([a-zA-Z0-9][a-zA-Z0-9._-]{0,127}))?$/;

/** `editor` (every project) or `editor:projectA`; undefined when the text is neither. */
export function parseGrant(text: string): Grant | undefined {
  const match = GRANT_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const role = match[1] as Role;
  return match[2] === undefined ? { role } : { role, project: match[2] };
}

export function formatGrant(grant: Grant): string {
  return grant.project === undefined ? grant.role : `${grant.role}:${grant.project}`;
}

export const ADMIN: Principal = { name: 'admin', via: 'admin-token', grants: [{ role: 'admin' }], readSecrets: true };
