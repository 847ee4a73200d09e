/** One contract for the access-records port, run against SQLite and PostgreSQL alike. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AccessRecords, AuditEvent, StoredToken } from '../../service/access/access-records.js';
import type { OpenedDatabase } from './database.js';

const token = (id: string, extra: Partial<StoredToken> = {}): StoredToken => ({
  id,
  name: `robot ${id}`,
  secretHash: 'a'.repeat(64),
  grants: [{ role: 'editor', project: 'p1' }, { role: 'viewer' }],
  readSecrets: false,
  createdBy: 'admin',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2027-01-01T00:00:00.000Z',
  revokedAt: null,
  ...extra,
});

const event = (index: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  at: `2026-12-0${1 + (index % 9)}T00:00:00.000Z`,
  actor: index % 2 === 0 ? 'admin' : 'token:abc (ci)',
  action: index % 3 === 0 ? 'instantiate' : 'update',
  method: 'POST',
  path: `/v2/projects/p${index % 2}/composite-apps`,
  // Refusals are committed without waiting for the disk, changes as every write: both kinds in order.
  status: [200, 422, 403][index % 3]!,
  outcome: (['succeeded', 'failed', 'denied'] as const)[index % 3]!,
  ...extra,
});

export function describeAccessRecordsContract(name: string, open: () => Promise<OpenedDatabase>): void {
  describe(`access records (${name})`, () => {
    let database: OpenedDatabase;
    let records: AccessRecords;
    beforeEach(async () => {
      database = await open();
      records = database.access;
    });
    afterEach(() => database.close());

    test('a token reads back as written, and unknown ids find nothing', async () => {
      await records.insertToken(token('t1', { readSecrets: true }));
      expect(await records.findToken('t1')).toEqual(token('t1', { readSecrets: true }));
      expect(await records.findToken('t2')).toBeUndefined();
    });

    test('a second token with the same id is refused', async () => {
      await records.insertToken(token('t1'));
      await expect(records.insertToken(token('t1'))).rejects.toThrow();
      expect(await records.listTokens()).toHaveLength(1);
    });

    test('revoking keeps the first time, and says whether the token exists', async () => {
      await records.insertToken(token('t1'));
      expect(await records.revokeToken('t1', '2026-12-02T00:00:00.000Z')).toBe(true);
      expect(await records.revokeToken('t1', '2026-12-03T00:00:00.000Z')).toBe(true);
      expect(await records.revokeToken('nope', '2026-12-03T00:00:00.000Z')).toBe(false);
      expect((await records.findToken('t1'))?.revokedAt).toBe('2026-12-02T00:00:00.000Z');
    });

    test('tokens are listed oldest first', async () => {
      await records.insertToken(token('b', { createdAt: '2026-12-02T00:00:00.000Z' }));
      await records.insertToken(token('a', { createdAt: '2026-12-03T00:00:00.000Z' }));
      expect((await records.listTokens()).map((stored) => stored.id)).toEqual(['b', 'a']);
    });

    test('audit events come back newest first, numbered in the order recorded, and filter', async () => {
      for (let index = 0; index < 12; index++) await records.appendAudit(event(index));
      const all = await records.listAudit({ limit: 100 });
      expect(all).toHaveLength(12);
      expect(all.map((stored) => stored.sequence)).toEqual(
        [...all.map((stored) => stored.sequence)].sort((a, b) => b - a),
      );
      expect(all[11]).toMatchObject(event(0));
      expect(await records.listAudit({ limit: 3 })).toEqual(all.slice(0, 3));
      expect(await records.listAudit({ limit: 100, before: all[2]!.sequence })).toEqual(all.slice(3));
      const admin = await records.listAudit({ limit: 100, actor: 'admin' });
      expect(admin.map((stored) => stored.actor)).toEqual(Array(6).fill('admin'));
      expect(await records.listAudit({ limit: 100, action: 'instantiate' })).toHaveLength(4);
      const p1 = await records.listAudit({ limit: 100, pathPrefix: '/v2/projects/p1/' });
      expect(p1.every((stored) => stored.path.startsWith('/v2/projects/p1/'))).toBe(true);
      expect(p1).toHaveLength(6);
      const window = await records.listAudit({
        limit: 100,
        since: '2026-12-02T00:00:00.000Z',
        until: '2026-12-03T00:00:00.000Z',
      });
      expect(window.map((stored) => stored.at).sort()).toEqual([
        '2026-12-02T00:00:00.000Z',
        '2026-12-02T00:00:00.000Z',
        '2026-12-03T00:00:00.000Z',
        '2026-12-03T00:00:00.000Z',
      ]);
    });

    test('outcomes filter', async () => {
      await records.appendAudit(event(0, { status: 403, outcome: 'denied' }));
      await records.appendAudit(event(1));
      expect(await records.listAudit({ limit: 10, outcome: 'denied' })).toEqual([
        expect.objectContaining({ status: 403, outcome: 'denied' }),
      ]);
    });
  });
}
