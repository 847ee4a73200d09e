/** OIDC bearer JWTs against a real local identity provider: discovery document and JWKS over HTTP. */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OidcConfig } from '../../core/access/oidc-config.js';
import { LocalIdp, signingKey, type SigningKey } from '../../test-support/oidc-idp.js';
import { createOidcAuthenticator, OIDC_ALGORITHMS, type OidcOutcome } from './oidc.js';

const idp = new LocalIdp();
let first: SigningKey;
const AUDIENCE = 'meshbridge';

beforeAll(async () => {
  await idp.start();
  first = await signingKey('k1');
  idp.keys = [first];
});
afterAll(() => idp.stop());

function config(overrides: Partial<OidcConfig> = {}): OidcConfig {
  return {
    issuer: idp.issuer,
    audience: AUDIENCE,
    rolesClaim: 'groups',
    subjectClaim: 'sub',
    roleMap: { 'platform-admins': ['admin'], 'team-a': ['editor:projectA'], 'team-a-readers': ['viewer:projectA'] },
    ...overrides,
  };
}

interface Mint {
  key?: SigningKey;
  claims?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  expires?: string | number;
  notBefore?: string | number;
}

function mint(options: Mint = {}): Promise<string> {
  const key = options.key ?? first;
  let jwt = new SignJWT({ sub: 'alice', groups: ['team-a'], ...options.claims })
    .setProtectedHeader({ alg: key.jwk.alg as string, kid: key.kid })
    .setIssuedAt()
    .setIssuer(options.issuer ?? idp.issuer)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(options.expires ?? '5m');
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
  return jwt.sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const rejected = (outcome: OidcOutcome) => (outcome.kind === 'rejected' ? outcome : undefined);

describe('OIDC: a valid token', () => {
  test('becomes a principal named by its subject, with the grants its groups are mapped to', async () => {
    const verify = createOidcAuthenticator(config());
    const outcome = await verify(await mint({ claims: { groups: ['team-a', 'team-a-readers', 'cafeteria'] } }));
    expect(outcome).toEqual({
      kind: 'accepted',
      principal: {
        name: 'oidc:alice',
        via: 'oidc',
        grants: [
          { role: 'editor', project: 'projectA' },
          { role: 'viewer', project: 'projectA' },
        ],
        readSecrets: false,
      },
    });
  });

  test('a dotted roles claim (Keycloak realm_access.roles) and another subject claim', async () => {
    const verify = createOidcAuthenticator(
      config({ rolesClaim: 'realm_access.roles', subjectClaim: 'email', roleMap: { ops: ['admin'] } }),
    );
    const outcome = await verify(
      await mint({ claims: { email: 'bob@example.com', groups: [], realm_access: { roles: ['ops'] } } }),
    );
    expect(outcome).toMatchObject({
      kind: 'accepted',
      principal: { name: 'oidc:bob@example.com', grants: [{ role: 'admin' }], readSecrets: true },
    });
  });

  test('without a role map, claim values that spell grants are the grants, and `secrets` gives readSecrets', async () => {
    const { roleMap: _unused, ...unmapped } = config();
    const verify = createOidcAuthenticator(unmapped);
    const outcome = await verify(await mint({ claims: { groups: ['deployer:projectB', 'secrets', 'team-a'] } }));
    expect(outcome).toMatchObject({
      kind: 'accepted',
      principal: { grants: [{ role: 'deployer', project: 'projectB' }], readSecrets: true },
    });
  });

  test('a token a few seconds past exp is still taken (30 s of clock skew)', async () => {
    const verify = createOidcAuthenticator(config());
    const outcome = await verify(await mint({ expires: Math.floor(Date.now() / 1000) - 5 }));
    expect(outcome.kind).toBe('accepted');
  });

  test('an opaque token is not ours: the next check decides', async () => {
    const verify = createOidcAuthenticator(config());
    expect(await verify('mbt_0123456789abcdef0123456789abcdef')).toEqual({ kind: 'not-a-jwt' });
    expect(await verify('a.b.c')).toEqual({ kind: 'not-a-jwt' });
  });
});

describe('OIDC: refused tokens', () => {
  const verify = () => createOidcAuthenticator(config());

  test.each([
    ['another audience', () => mint({ audience: 'someone-else' }), 'the token\'s "aud" claim is not accepted'],
    ['another issuer', () => mint({ issuer: 'https://evil.example.com' }), 'the token\'s "iss" claim is not accepted'],
    ['expired', () => mint({ expires: Math.floor(Date.now() / 1000) - 120 }), 'the token has expired'],
    [
      'not yet valid',
      () => mint({ notBefore: Math.floor(Date.now() / 1000) + 120 }),
      'the token\'s "nbf" claim is not accepted',
    ],
  ])('%s', async (_name, token, reason) => {
    expect(await verify()(await token())).toEqual({ kind: 'rejected', status: 401, reason });
  });

  test('a token without exp', async () => {
    const token = await new SignJWT({ sub: 'alice', groups: ['team-a'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .sign(first.privateKey);
    expect(rejected(await verify()(token))?.reason).toBe('the token\'s "exp" claim is not accepted');
  });

  test('alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: 'mallory', groups: ['platform-admins'], iss: idp.issuer, aud: AUDIENCE, exp: now + 300 };
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect(rejected(await verify()(token))).toMatchObject({ status: 401 });
  });

  test('HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(first.jwk));
    const token = await new SignJWT({ sub: 'mallory', groups: ['platform-admins'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(secret);
    expect(await verify()(token)).toEqual({
      kind: 'rejected',
      status: 401,
      reason: 'the token is signed with an algorithm that is not accepted',
    });
  });

  test('HS256 with a symmetric key the IdP (wrongly) publishes is refused (by the allow-list, and by the key set of jose too)', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-that-everyone-can-read!!');
    const published = { kty: 'oct', kid: 'sym', k: Buffer.from(secret).toString('base64url') };
    const token = await new SignJWT({ sub: 'mallory', groups: ['platform-admins'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'sym' })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(secret);
    idp.keys = [first, { kid: 'sym', jwk: published } as unknown as SigningKey];
    try {
      expect(rejected(await verify()(token))?.reason).toBe(
        'the token is signed with an algorithm that is not accepted',
      );
    } finally {
      idp.keys = [first];
    }
  });

  test('the allow-list holds asymmetric algorithms only', () => {
    for (const alg of OIDC_ALGORITHMS) expect(alg).toMatch(/^(RS|PS|ES)(256|384|512)$|^(EdDSA|Ed25519)$/);
  });

  test('a key the IdP never published', async () => {
    const stranger = await signingKey('k-unknown');
    expect(rejected(await verify()(await mint({ key: stranger })))?.reason).toBe(
      'the identity provider has no key that matches the token',
    );
  });

  test("a stranger's key under the IdP's kid", async () => {
    const forged = { ...(await signingKey('k1')) };
    expect(rejected(await verify()(await mint({ key: forged })))?.reason).toBe('the token signature does not verify');
  });

  test('a tampered payload (groups raised to admin)', async () => {
    const [header, payload, signature] = (await mint()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const raised = b64({ ...claims, groups: ['platform-admins'] });
    expect(rejected(await verify()(`${header}.${raised}.${signature}`))?.reason).toBe(
      'the token signature does not verify',
    );
  });

  test('a verified caller whose groups are mapped to nothing: 403, named, no principal', async () => {
    const outcome = await verify()(await mint({ claims: { groups: ['cafeteria', 'admin'] } }));
    expect(outcome).toEqual({
      kind: 'rejected',
      status: 403,
      reason: 'oidc:alice has no role in meshbridge: none of the values of its "groups" claim is mapped to one',
    });
  });

  test('a token with no subject', async () => {
    const outcome = await verify()(await mint({ claims: { sub: undefined } }));
    expect(rejected(outcome)).toMatchObject({ status: 401, reason: 'the token has no usable "sub" claim' });
  });
});

describe('OIDC: the IdP side', () => {
  test('keys are found by discovery once, and a rotated key (new kid) is fetched when a token names it', async () => {
    const verify = createOidcAuthenticator(config(), { jwksCooldownMs: 0 });
    const before = { ...idp.fetches };
    expect((await verify(await mint())).kind).toBe('accepted');
    const rotated = await signingKey('k2', 'ES256');
    idp.keys = [rotated];
    try {
      expect((await verify(await mint({ key: rotated }))).kind).toBe('accepted');
      expect(idp.fetches.discovery - before.discovery).toBe(1);
      expect(idp.fetches.jwks - before.jwks).toBe(2);
    } finally {
      idp.keys = [first];
    }
  });

  test('an explicit jwksUri skips discovery', async () => {
    const verify = createOidcAuthenticator(config({ jwksUri: `${idp.issuer}/keys` }));
    const before = idp.fetches.discovery;
    expect((await verify(await mint())).kind).toBe('accepted');
    expect(idp.fetches.discovery).toBe(before);
  });

  test('an unreachable IdP refuses tokens with a reason that says so, and is tried again later', async () => {
    const verify = createOidcAuthenticator(config({ issuer: 'http://127.0.0.1:9', audience: AUDIENCE }), {
      timeoutMs: 500,
      discoveryRetryMs: 0,
    });
    const token = await mint({ issuer: 'http://127.0.0.1:9' });
    for (let attempt = 0; attempt < 2; attempt++)
      expect(await verify(token)).toEqual({
        kind: 'rejected',
        status: 401,
        reason: "the identity provider's keys could not be fetched",
      });
  });

  test('a discovery document naming another issuer is not trusted', async () => {
    const verify = createOidcAuthenticator(config({ issuer: `${idp.issuer}/other` }));
    const before = idp.fetches.discovery;
    const outcome = await verify(await mint({ issuer: `${idp.issuer}/other` }));
    expect(rejected(outcome)?.reason).toBe("the identity provider's keys could not be fetched");
    expect(idp.fetches.discovery).toBe(before + 1);
  });
});
