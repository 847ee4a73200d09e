/** Claims to a Principal: allow-list only, whatever the IdP sends. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { accessOf, claimAt, claimValues, grantTextsOf, principalFromClaims } from './oidc-claims.js';
import type { OidcConfig } from './oidc-config.js';
import { formatGrant, parseGrant } from './principal.js';

const ROLE_MAP: Record<string, string[]> = {
  'platform-admins': ['admin'],
  'team-a': ['editor:projectA', 'deployer:projectA'],
  'team-a-readers': ['viewer:projectA'],
  auditors: ['viewer', 'secrets'],
};
const config: OidcConfig = {
  issuer: 'https://idp.example.com',
  audience: 'meshbridge',
  rolesClaim: 'groups',
  subjectClaim: 'sub',
  roleMap: ROLE_MAP,
};

describe('claims to a principal', () => {
  test('claimAt follows a dotted path through own properties only', () => {
    const claims = { realm_access: { roles: ['ops'] }, groups: 'solo' };
    expect(claimAt(claims, 'realm_access.roles')).toEqual(['ops']);
    expect(claimAt(claims, 'realm_access.constructor')).toBeUndefined();
    expect(claimAt(claims, 'groups.length')).toBeUndefined();
    expect(claimValues(claimAt(claims, 'groups'))).toEqual(['solo']);
    expect(claimValues([1, 'a', null, { b: 1 }])).toEqual(['a']);
  });

  test('`secrets` gives readSecrets, as does admin of every project; admin of one project does not', () => {
    expect(accessOf(['viewer', 'secrets'])).toEqual({ grants: [{ role: 'viewer' }], readSecrets: true });
    expect(accessOf(['admin']).readSecrets).toBe(true);
    expect(accessOf(['admin:projectA']).readSecrets).toBe(false);
    expect(accessOf(['editor:p', 'editor:p']).grants).toEqual([{ role: 'editor', project: 'p' }]);
  });

  test('a map key named like an Object.prototype member maps nothing', () => {
    expect(grantTextsOf(['constructor', 'toString', '__proto__'], ROLE_MAP)).toEqual([]);
  });

  test('a subject with control characters is refused', () => {
    const outcome = principalFromClaims({ sub: 'alice\nadmin', groups: ['team-a'] }, config);
    expect(outcome).toMatchObject({ ok: false, status: 401 });
  });

  test('property: with a map, no claim value gives a grant or readSecrets the map does not give', () => {
    const allowed = new Set(Object.values(ROLE_MAP).flat());
    const value = fc.oneof(
      fc.constantFrom(...Object.keys(ROLE_MAP), 'admin', 'secrets', 'editor:projectA', '__proto__', 'constructor'),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(value), value, fc.anything()), (groups) => {
        const outcome = principalFromClaims({ sub: 'someone', groups }, config);
        if (!outcome.ok) return;
        const values = new Set(claimValues(groups));
        const given = new Set([...values].flatMap((group) => (Object.hasOwn(ROLE_MAP, group) ? ROLE_MAP[group] : [])));
        for (const grant of outcome.principal.grants) {
          expect(allowed.has(formatGrant(grant))).toBe(true);
          expect(given.has(formatGrant(grant))).toBe(true);
        }
        if (outcome.principal.readSecrets) expect(given.has('secrets') || given.has('admin')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('property: without a map, the grants are exactly the claim values that spell grants', () => {
    const { roleMap: _unused, ...unmapped } = config;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('admin', 'viewer:p', 'editor:q', 'owner'), fc.string())),
        (groups) => {
          const outcome = principalFromClaims({ sub: 'someone', groups }, unmapped);
          const spelled = new Set(
            groups.flatMap((group) => {
              const grant = parseGrant(group);
              return grant ? [formatGrant(grant)] : [];
            }),
          );
          if (!outcome.ok) {
            expect(spelled.size).toBe(0);
            return;
          }
          expect(new Set(outcome.principal.grants.map(formatGrant))).toEqual(spelled);
        },
      ),
    );
  });
});
