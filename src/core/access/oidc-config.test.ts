/** The OIDC settings: every bad field is named, from the environment or a file. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OidcConfigError, oidcConfigFromEnv, parseOidcConfig } from './oidc-config.js';

function issuesOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof OidcConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('no error');
}

describe('OIDC settings', () => {
  test('none of MESHBRIDGE_OIDC_* set: OIDC is off', () => {
    expect(oidcConfigFromEnv({ MESHBRIDGE_TOKEN: 'x' })).toBeUndefined();
  });

  test('from the environment, with defaults for the roles and subject claims', () => {
    expect(
      oidcConfigFromEnv({
        MESHBRIDGE_OIDC_ISSUER: 'https://login.example.com/realms/acme',
        MESHBRIDGE_OIDC_AUDIENCE: 'meshbridge',
        MESHBRIDGE_OIDC_ROLE_MAP: '{"platform-admins":"admin","team-a":["editor:projectA","secrets"]}',
      }),
    ).toEqual({
      issuer: 'https://login.example.com/realms/acme',
      audience: 'meshbridge',
      rolesClaim: 'groups',
      subjectClaim: 'sub',
      roleMap: { 'platform-admins': ['admin'], 'team-a': ['editor:projectA', 'secrets'] },
    });
  });

  test('every bad variable is named at once', () => {
    expect(
      issuesOf(() =>
        oidcConfigFromEnv({
          MESHBRIDGE_OIDC_ISSUER: 'http://idp.example.com',
          MESHBRIDGE_OIDC_ROLES_CLAIM: 'realm access',
          MESHBRIDGE_OIDC_SUBJECT_CLAIM: 'name',
          MESHBRIDGE_OIDC_JWKS_URI: 'https://user:pw@idp.example.com/keys',
        }),
      ),
    ).toEqual([
      'MESHBRIDGE_OIDC_ISSUER: must be https:// (http:// only to a loopback host)',
      'MESHBRIDGE_OIDC_AUDIENCE: is required',
      'MESHBRIDGE_OIDC_JWKS_URI: must not carry credentials',
      'MESHBRIDGE_OIDC_ROLES_CLAIM: must be a claim name or a dotted path such as realm_access.roles',
      'MESHBRIDGE_OIDC_SUBJECT_CLAIM: must be one of sub, email, preferred_username',
    ]);
  });

  test('a role map that is not JSON is named', () => {
    expect(
      issuesOf(() =>
        oidcConfigFromEnv({
          MESHBRIDGE_OIDC_ISSUER: 'https://idp.example.com',
          MESHBRIDGE_OIDC_AUDIENCE: 'm',
          MESHBRIDGE_OIDC_ROLE_MAP: '{team-a: admin}',
        }),
      ),
    ).toEqual(['MESHBRIDGE_OIDC_ROLE_MAP: must be JSON']);
  });

  test('a file: unknown keys and bad grants are named by their path; secrets:<project> is not a grant', () => {
    const issues = issuesOf(() =>
      parseOidcConfig(
        {
          issuer: 'http://127.0.0.1:8080/realms/dev',
          audience: 'meshbridge',
          clientSecret: 'x',
          roleMap: { ok: 'viewer', 'team-a': ['editor:projectA', 'owner'], readers: 'secrets:projectA', none: [] },
        },
        'oidc.yaml',
      ),
    );
    expect(issues).toEqual([
      'clientSecret: is not a setting (known: issuer, audience, jwksUri, rolesClaim, roleMap, subjectClaim)',
      'roleMap["team-a"]: must be grants such as "admin", "editor:projectA" or "secrets" (not "owner")',
      'roleMap["readers"]: must be grants such as "admin", "editor:projectA" or "secrets" (not "secrets:projectA")',
      'roleMap["none"]: must be grants such as "admin", "editor:projectA" or "secrets" (not empty)',
    ]);
  });

  test('the message names the source', () => {
    expect(() => parseOidcConfig([], '/etc/meshbridge/oidc.yaml')).toThrow(/^\/etc\/meshbridge\/oidc.yaml: /);
  });

  test('property: any object is either a valid configuration or an OidcConfigError, never another failure', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        try {
          const config = parseOidcConfig(raw, 'x');
          expect(config.issuer).toMatch(/^https?:\/\//);
        } catch (error) {
          expect(error).toBeInstanceOf(OidcConfigError);
        }
      }),
    );
  });
});
