/** The API with OIDC on: JWTs of the IdP are let in, others get a 401 that says why (until the policy lands, admins only). */
import { SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildApp } from '../../compose.js';
import { LocalIdp, signingKey, type SigningKey } from '../../test-support/oidc-idp.js';
import { openSqliteDatabase } from '../storage/sqlite.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const idp = new LocalIdp();
let key: SigningKey;
let app: FastifyInstance;

beforeAll(async () => {
  await idp.start();
  key = await signingKey('k1');
  idp.keys = [key];
  app = await buildApp(
    await openSqliteDatabase(':memory:'),
    false,
    { reconcileSeconds: 0 },
    {
      adminToken: ADMIN_TOKEN,
      oidc: {
        issuer: idp.issuer,
        audience: 'meshbridge',
        rolesClaim: 'groups',
        subjectClaim: 'sub',
        roleMap: { ops: ['admin'], 'team-a': ['editor:projectA'] },
      },
    },
  );
});
afterAll(async () => {
  await app.close();
  await idp.stop();
});

const jwt = (groups: string[], audience = 'meshbridge') =>
  new SignJWT({ sub: 'alice', groups })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(idp.issuer)
    .setAudience(audience)
    .setExpirationTime('5m')
    .sign(key.privateKey);

const get = (token: string) =>
  app.inject({ method: 'GET', url: '/v2/projects', headers: { authorization: `Bearer ${token}` } });

test('an admin of the IdP gets in, and the admin token still works', async () => {
  expect((await get(await jwt(['ops']))).statusCode).toBe(200);
  expect((await get(ADMIN_TOKEN)).statusCode).toBe(200);
});

test('a JWT for another audience: 401 with the reason, never the token', async () => {
  const token = await jwt(['ops'], 'another-app');
  const response = await get(token);
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer realm="meshbridge"');
  expect(response.json()).toMatchObject({
    message: 'the bearer token is not accepted: the token\'s "aud" claim is not accepted',
  });
  expect(response.body).not.toContain(token);
});

test('until roles are enforced, a narrower grant is refused rather than worth as much as admin', async () => {
  const response = await get(await jwt(['team-a']));
  expect(response.statusCode).toBe(401);
  expect(response.json()).toMatchObject({ message: expect.stringContaining('oidc:alice is not an admin') });
});

test('an opaque token that is not the admin token: 401', async () => {
  expect((await get('not-the-admin-token-and-not-a-jwt')).statusCode).toBe(401);
});
