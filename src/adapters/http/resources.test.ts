/**
 * Every path and status code of the EMCO resource tree, for every kind in the
 * registry: a kind added to KINDS is covered as soon as it has a row in FIXTURES.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResourceKind } from '../../core/model/kind.js';
import { KINDS, kindOf, lineage } from '../../core/model/registry.js';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import {
  BASE,
  FIXTURES,
  bodyFor,
  collectionUrl,
  detailPaths,
  ensure,
  ensureParentsOf,
  expectFixturesCoverEveryKind,
  itemUrl,
  snapshot,
} from '../../test-support/fixtures.js';

type Body = Record<string, unknown>;

function withDescription(body: Body, description: string): Body {
  return { ...body, metadata: { ...(body.metadata as Body), description } };
}

/** The body with one change, for PUT `updated` (undefined when the kind has nothing to change). */
function changedBody(kind: ResourceKind, body: Body): Body | undefined {
  const fixture = FIXTURES[kind.kind];
  return fixture.changed ? fixture.changed(body) : withDescription(body, 'changed by a test');
}

function threeProblems(kind: ResourceKind, name: string): { body: Body; paths: string[] } {
  const fixture = FIXTURES[kind.kind];
  const segments = kind.params.map((param, index) => (index === 0 ? name : (BASE[param] as string)));
  if (fixture.threeProblems) return fixture.threeProblems(segments);
  const body = bodyFor(kind, name);
  return {
    body: { ...body, metadata: { name: 'not a name!', description: 'x'.repeat(1025) }, bogus: true },
    paths: ['bogus', 'metadata.description', 'metadata.name'],
  };
}

const hasMetadata = (kind: ResourceKind) => 'metadata' in (kind.schema.properties as object);
const hasSpec = (kind: ResourceKind) => 'spec' in (kind.schema.properties as object);
const nameField = (kind: ResourceKind) => (hasMetadata(kind) ? 'metadata.name' : 'clusterLabel');

/** The label and name a 404 names for a missing ancestor: `composite app "nope/nope"`. */
function missingName(kind: ResourceKind): string {
  return `${kind.label} "${kind.params.map(() => 'nope').join('/')}"`;
}

describe('fixtures', () => {
  test('have a minimal body for every kind in the registry', () => {
    expectFixturesCoverEveryKind();
    for (const kind of KINDS) expect(kindOf(kind.kind)).toBe(kind);
  });
});

describeOnBothDatabases('resource API, every kind', (open) => {
  for (const kind of KINDS) {
    describe(kind.kind, () => {
      let api: ApiHarness;
      beforeAll(async () => {
        api = await open();
        await ensureParentsOf(api, kind);
      });
      afterAll(async () => api?.close());

      test('lifecycle: empty list, POST 201, GET, list, PUT unchanged and updated, DELETE 204, then 404', async () => {
        const collection = collectionUrl(kind);
        const url = itemUrl(kind, 't1');
        const empty = await api.request('GET', collection);
        expect(empty.status).toBe(200);
        expect(empty.json).toEqual([]);

        const body = bodyFor(kind, 't1');
        const created = await api.request('POST', collection, body);
        expect(created.status, String(created.body)).toBe(201);
        expect(created.headers.location).toBe(url);
        expect(created.headers['meshbridge-outcome']).toBe('created');
        expect(created.headers.etag).toMatch(/^"\d+"$/);

        const got = await api.request('GET', url);
        expect(got.status).toBe(200);
        expect(got.headers.etag).toBe(created.headers.etag);
        expect(got.json).toEqual(created.json);
        expect(got.json).toMatchObject(body);

        const listed = await api.request('GET', collection);
        expect(listed.status).toBe(200);
        expect(listed.json).toEqual([got.json]);

        for (const same of [body, got.json as Body]) {
          const unchanged = await api.request('PUT', url, same);
          expect(unchanged.status, String(unchanged.body)).toBe(200);
          expect(unchanged.headers['meshbridge-outcome']).toBe('unchanged');
          expect(unchanged.headers.etag).toBe(created.headers.etag);
          expect(unchanged.headers.location).toBeUndefined();
        }

        const changed = changedBody(kind, body);
        if (changed) {
          const updated = await api.request('PUT', url, changed);
          expect(updated.status, String(updated.body)).toBe(200);
          expect(updated.headers['meshbridge-outcome']).toBe('updated');
          expect(updated.headers.etag).not.toBe(created.headers.etag);
          expect((await api.request('GET', url)).json).toMatchObject(changed);
        }

        const deleted = await api.request('DELETE', url);
        expect(deleted.status).toBe(204);
        expect(deleted.body).toBe('');
        const gone = await api.request('GET', url);
        expect(gone.status).toBe(404);
        expect(detailPaths(gone)).toEqual([]);
        expect((await api.request('GET', collection)).json).toEqual([]);
      });

      test('PUT to a new name creates it: 201 with Location', async () => {
        const url = itemUrl(kind, 't2');
        const created = await api.request('PUT', url, bodyFor(kind, 't2'));
        expect(created.status, String(created.body)).toBe(201);
        expect(created.headers['meshbridge-outcome']).toBe('created');
        expect(created.headers.location).toBe(url);
        expect(created.headers.etag).toMatch(/^"\d+"$/);
        expect((await api.request('GET', url)).status).toBe(200);
      });

      test('a duplicate name is 409 with the Location of the existing one', async () => {
        const first = await api.request('POST', collectionUrl(kind), bodyFor(kind, 't3'));
        expect(first.status, String(first.body)).toBe(201);
        const before = await snapshot(api);
        const again = await api.request('POST', collectionUrl(kind), bodyFor(kind, 't3'));
        expect(again.status).toBe(409);
        expect(again.headers.location).toBe(itemUrl(kind, 't3'));
        expect(again.json.error).toBe('Conflict');
        expect(await snapshot(api)).toEqual(before);
      });

      test('If-Match: a stale version is 412 on PUT and DELETE, the current one succeeds', async () => {
        const url = itemUrl(kind, 't4');
        const body = bodyFor(kind, 't4');
        const created = await api.request('POST', collectionUrl(kind), body);
        const current = created.headers.etag as string;
        const next = changedBody(kind, body) ?? body;

        const stalePut = await api.request('PUT', url, next, { 'if-match': '"999"' });
        expect(stalePut.status).toBe(412);
        expect(stalePut.json.error).toBe('PreconditionFailed');
        const okPut = await api.request('PUT', url, next, { 'if-match': current });
        expect(okPut.status, String(okPut.body)).toBe(200);
        const latest = okPut.headers.etag as string;

        const staleDelete = await api.request('DELETE', url, undefined, {
          'if-match': next === body ? '"999"' : current,
        });
        expect(staleDelete.status).toBe(412);
        expect((await api.request('GET', url)).status).toBe(200);
        const okDelete = await api.request('DELETE', url, undefined, { 'if-match': latest });
        expect(okDelete.status).toBe(204);

        const missing = await api.request('PUT', itemUrl(kind, 't4b'), bodyFor(kind, 't4b'), { 'if-match': '"1"' });
        expect(missing.status).toBe(412);
        expect((await api.request('GET', itemUrl(kind, 't4b'))).status).toBe(404);
      });

      test('PUT with a name in the body that differs from the URL is 400 naming the field', async () => {
        const before = await snapshot(api);
        const response = await api.request('PUT', itemUrl(kind, 't5'), bodyFor(kind, 'other'));
        expect(response.status).toBe(400);
        expect(detailPaths(response)).toEqual([nameField(kind)]);
        expect(await snapshot(api)).toEqual(before);
      });

      test('a missing item is 404 on GET and DELETE', async () => {
        const url = itemUrl(kind, 'ghost');
        const got = await api.request('GET', url);
        expect(got.status).toBe(404);
        expect(got.json.message).toContain('ghost');
        expect(got.json.error).toBe('NotFound');
        expect((await api.request('DELETE', url)).status).toBe(404);
      });

      if (kind.parent) {
        test('a missing ancestor is 404 on POST, GET item and GET list, and the message names it', async () => {
          for (const ancestor of lineage(kind).slice(0, -1)) {
            const params = { ...BASE, ...Object.fromEntries(ancestor.params.map((param) => [param, 'nope'])) };
            const before = await snapshot(api);
            const responses = [
              await api.request('POST', collectionUrl(kind, params), bodyFor(kind, 't6')),
              await api.request('GET', collectionUrl(kind, params)),
              await api.request('GET', itemUrl(kind, 't6', params)),
              await api.request('PUT', itemUrl(kind, 't6', params), bodyFor(kind, 't6')),
            ];
            for (const response of responses) {
              expect(response.status, `${ancestor.kind}: ${response.body}`).toBe(404);
              expect(response.json.message).toContain(missingName(ancestor));
            }
            expect(await snapshot(api)).toEqual(before);
          }
        });
      }

      const children = KINDS.filter((child) => child.parent === kind.kind);
      if (children.length > 0) {
        test(`deleting one that still has children (${children.map((child) => child.kind).join(', ')}) is 409`, async () => {
          await ensure(api, (children[0] as ResourceKind).kind);
          const url = itemUrl(kind, BASE[kind.params[0] as string] as string);
          const before = await snapshot(api);
          const response = await api.request('DELETE', url);
          expect(response.status).toBe(409);
          expect(response.json.message).toMatch(/child/);
          expect(await snapshot(api)).toEqual(before);
        });
      }

      test('a body with three problems is 400 naming all three, the same on POST and PUT', async () => {
        const before = await snapshot(api);
        const { body, paths } = threeProblems(kind, 't7');
        const posted = await api.request('POST', collectionUrl(kind), body);
        expect(posted.status).toBe(400);
        expect(posted.json.error).toBe('ValidationFailed');
        expect(detailPaths(posted).sort()).toEqual([...paths].sort());
        const put = await api.request('PUT', itemUrl(kind, 't7'), body);
        expect(put.status).toBe(400);
        expect(put.json.details).toEqual(posted.json.details);
        expect(await snapshot(api)).toEqual(before);
      });

      test('unknown fields are 400 with their path, on POST and PUT', async () => {
        const before = await snapshot(api);
        const body = bodyFor(kind, 't8');
        const variants: [Body, string][] = [[{ ...body, colour: 'blue' }, 'colour']];
        if (hasMetadata(kind))
          variants.push([{ ...body, metadata: { ...(body.metadata as Body), colour: 'blue' } }, 'metadata.colour']);
        if (hasSpec(kind))
          variants.push([{ ...body, spec: { ...((body.spec ?? {}) as Body), colour: 'blue' } }, 'spec.colour']);
        for (const [variant, path] of variants) {
          for (const [method, url] of [
            ['POST', collectionUrl(kind)],
            ['PUT', itemUrl(kind, 't8')],
          ] as const) {
            const response = await api.request(method, url, variant);
            expect(response.status, `${method} ${path}`).toBe(400);
            expect(detailPaths(response)).toEqual([path]);
            expect(response.json.details[0].message).toMatch(/unknown field/);
          }
        }
        expect(await snapshot(api)).toEqual(before);
      });

      test('a body that is not JSON is 422; an empty body is 400', async () => {
        const before = await snapshot(api);
        for (const [method, url] of [
          ['POST', collectionUrl(kind)],
          ['PUT', itemUrl(kind, 't9')],
        ] as const) {
          const broken = await api.request(method, url, '{oops', { 'content-type': 'application/json' });
          expect(broken.status).toBe(422);
          expect(detailPaths(broken)).toEqual([]);
          expect(broken.json.error).toBe('MalformedBody');
          const empty = await api.request(method, url, '', { 'content-type': 'application/json' });
          expect(empty.status).toBe(400);
          detailPaths(empty);
          const none = await api.request(method, url);
          expect(none.status).toBe(400);
          const notAnObject = await api.request(method, url, '[1, 2]');
          expect(notAnObject.status).toBeGreaterThanOrEqual(400);
          expect(notAnObject.status).toBeLessThan(500);
        }
        expect(await snapshot(api)).toEqual(before);
      });
    });
  }
});
