import fc from 'fast-check';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { ADMIN } from '../../core/access/principal.js';
import { openSqliteDatabase } from '../../adapters/storage/sqlite.js';
import type { OpenedDatabase } from '../../adapters/storage/database.js';
import { readNewToken, TokenService } from './tokens.js';

let database: OpenedDatabase;
let clock: Date;
let tokens: TokenService;
beforeEach(async () => {
  database = await openSqliteDatabase(':memory:');
  clock = new Date('2026-12-01T00:00:00.000Z');
  tokens = new TokenService(database.access, () => clock);
});
afterEach(() => database.close());

test('a token works until it expires, and then is refused like an unknown one', async () => {
  const { token } = await tokens.create(ADMIN, readNewToken({ name: 'ci', grants: ['deployer:p1'], expiresInDays: 2 }));
  expect(await tokens.authenticate(token)).toMatchObject({
    via: 'token',
    grants: [{ role: 'deployer', project: 'p1' }],
  });
  clock = new Date('2026-12-02T23:59:59.000Z');
  expect(await tokens.authenticate(token)).toBeDefined();
  clock = new Date('2026-12-03T00:00:00.000Z');
  expect(await tokens.authenticate(token)).toBeUndefined();
  expect((await tokens.list())[0]).toMatchObject({ state: 'expired' });
});

test('only the hash of the secret is stored', async () => {
  const { token, id } = await tokens.create(ADMIN, readNewToken({ name: 'ci', grants: ['viewer'] }));
  const stored = await database.access.findToken(id);
  // The secret is base64url, which may hold `_` itself: all of what follows the id, not a piece of it.
  const secret = /^mb_[0-9a-f]{16}_(.+)$/.exec(token)?.[1];
  expect(secret).toHaveLength(43);
  expect(JSON.stringify(stored)).not.toContain(secret);
  expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
});

test('any request body is either a valid token request or a ValidationError', () => {
  fc.assert(
    fc.property(fc.anything(), (body) => {
      try {
        const request = readNewToken(body);
        expect(request.grants.length).toBeGreaterThan(0);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
      }
    }),
  );
});

test('any presented text that is not a token we issued is refused', async () => {
  const { token } = await tokens.create(ADMIN, readNewToken({ name: 'ci', grants: ['admin'] }));
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 80 }), async (presented) => {
      fc.pre(presented !== token);
      expect(await tokens.authenticate(presented)).toBeUndefined();
    }),
    { numRuns: 200 },
  );
});
