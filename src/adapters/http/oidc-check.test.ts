/** The API with OIDC on: JWTs of the IdP are let in with their mapped grants; others get a 401 that says why. */
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

test('a mapped project grant is enforced like any other', async () => {
  const editor = await jwt(['team-a']);
  expect((await get(editor)).statusCode).toBe(403);
  const read = await app.inject({
    method: 'GET',
    url: '/v2/projects/projectA',
    headers: { authorization: `Bearer ${editor}` },
  });
  expect(read.statusCode).toBe(404);
});

test('a valid identity with no mapped grant: 403', async () => {
  const response = await get(await jwt(['strangers']));
  expect(response.statusCode).toBe(403);
  expect(response.json()).toMatchObject({ error: 'Forbidden' });
});

test('writes through OIDC are on record under the subject', async () => {
  const created = await app.inject({
    method: 'POST',
    url: '/v2/projects',
    headers: { authorization: `Bearer ${await jwt(['ops'])}` },
    payload: { metadata: { name: 'from-oidc' } },
  });
  expect(created.statusCode).toBe(201);
  const audit = await app.inject({
    method: 'GET',
    url: '/v2/audit?action=create',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(audit.json()).toEqual([
    expect.objectContaining({ actor: 'oidc:alice', action: 'create', outcome: 'succeeded' }),
  ]);
});

test('an opaque token that is not the admin token: 401', async () => {
  expect((await get('not-the-admin-token-and-not-a-jwt')).statusCode).toBe(401);
});
