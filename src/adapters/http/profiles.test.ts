/**
 * Composite profiles and their app profiles over HTTP: stored and returned like every resource, an app profile's
 * file uploaded as emcoctl sends it (multipart, like an app's chart) and downloaded byte for byte, and a
 * deployment intent group's `compositeProfile` a reference to one of them.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { detailPaths, snapshot } from '../../test-support/fixtures.js';
import { multipart, MULTIPART_CONTENT_TYPE, type Part } from '../../test-support/multipart.js';

const COMPOSITE_APP = '/v2/projects/p1/composite-apps/ca1/v1';
const PROFILES = `${COMPOSITE_APP}/composite-profiles`;
const APP_PROFILES = `${PROFILES}/cp1/profiles`;
const GROUPS = `${COMPOSITE_APP}/deployment-intent-groups`;

/** A profile tarball's bytes, which a text round trip would damage: a gzip header, NUL, invalid UTF-8, CR LF. */
const PROFILE = Buffer.concat([
  Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0xff, 0xfe, 0x0d, 0x0a]),
  Buffer.from('override values'),
  Buffer.alloc(2048, 3),
]);

describeOnBothDatabases('composite profiles and app profiles', (open) => {
  let api: ApiHarness;

  const created = async (url: string, body: unknown) => {
    const response = await api.request('POST', url, body);
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return response;
  };
  const send = (method: 'POST' | 'PUT', url: string, parts: Part[]) =>
    api.app.inject({ method, url, payload: multipart(parts), headers: { 'content-type': MULTIPART_CONTENT_TYPE } });
  const profileParts = (name: string, app: string, file: Buffer, fileName = `${name}.tar.gz`): Part[] => [
    { name: 'metadata', value: JSON.stringify({ metadata: { name, description: 'test' }, spec: { app } }) },
    { name: 'file', value: file, fileName },
  ];

  beforeEach(async () => {
    api = await open();
    await created('/v2/projects', { metadata: { name: 'p1' } });
    await created('/v2/projects/p1/logical-clouds', { metadata: { name: 'default' }, spec: { level: '0' } });
    for (const version of ['v1', 'v2'])
      await created('/v2/projects/p1/composite-apps', {
        metadata: { name: 'ca1' },
        spec: { compositeAppVersion: version },
      });
    await created(PROFILES, { metadata: { name: 'cp1', description: 'test', userData1: 'test1' } });
  });
  afterEach(async () => api?.close());

  test('a composite profile is listed, read, replaced and deleted like every resource', async () => {
    expect((await api.request('GET', PROFILES)).json).toEqual([
      { metadata: { name: 'cp1', description: 'test', userData1: 'test1' } },
    ]);
    const replaced = await api.request('PUT', `${PROFILES}/cp1`, { metadata: { name: 'cp1', description: 'new' } });
    expect(replaced.status).toBe(200);
    expect(replaced.headers['meshbridge-outcome']).toBe('updated');
    expect((await api.request('GET', `${PROFILES}/cp1`)).json).toEqual({
      metadata: { name: 'cp1', description: 'new' },
    });
    expect((await api.request('DELETE', `${PROFILES}/cp1`)).status).toBe(204);
    expect((await api.request('GET', `${PROFILES}/cp1`)).status).toBe(404);
  });

  test('an app profile POSTed as multipart is created, and its file comes back byte for byte', async () => {
    const response = await send('POST', APP_PROFILES, profileParts('http-client-profile', 'http-client', PROFILE));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers.location).toBe(`${APP_PROFILES}/http-client-profile`);
    const document = { metadata: { name: 'http-client-profile', description: 'test' }, spec: { app: 'http-client' } };
    expect(JSON.parse(response.body)).toEqual(document);
    expect((await api.request('GET', `${APP_PROFILES}/http-client-profile`)).json).toEqual(document);
    expect((await api.request('GET', APP_PROFILES)).json).toEqual([document]);

    const file = await api.app.inject({ method: 'GET', url: `${APP_PROFILES}/http-client-profile/file` });
    expect(file.statusCode).toBe(200);
    expect(Buffer.compare(file.rawPayload, PROFILE)).toBe(0);
    expect(String(file.headers['content-disposition'])).toContain('http-client-profile.tar.gz');
  });

  test('PUT as multipart with the same file is unchanged, with another file updated; DELETE takes the file too', async () => {
    const url = `${APP_PROFILES}/p1`;
    expect((await send('PUT', url, profileParts('p1', 'http-server', PROFILE))).statusCode).toBe(201);
    const same = await send('PUT', url, profileParts('p1', 'http-server', PROFILE));
    expect(same.headers['meshbridge-outcome']).toBe('unchanged');
    const other = Buffer.concat([PROFILE, Buffer.from('more')]);
    const changed = await send('PUT', url, profileParts('p1', 'http-server', other, 'other.tar.gz'));
    expect(changed.statusCode).toBe(200);
    expect(changed.headers['meshbridge-outcome']).toBe('updated');
    const file = await api.app.inject({ method: 'GET', url: `${url}/file` });
    expect(Buffer.compare(file.rawPayload, other)).toBe(0);

    expect((await api.request('DELETE', url)).status).toBe(204);
    expect((await api.request('GET', `${url}/file`)).status).toBe(404);
  });

  test('a second profile for the same app is 409 naming the first (EMCO: "App already has an AppProfile")', async () => {
    expect((await send('POST', APP_PROFILES, profileParts('a', 'http-client', PROFILE))).statusCode).toBe(201);
    const before = await snapshot(api);
    const again = await send('POST', APP_PROFILES, profileParts('b', 'http-client', PROFILE));
    expect(again.statusCode).toBe(409);
    expect(again.headers.location).toBe(`${APP_PROFILES}/a`);
    expect(JSON.parse(again.body).details).toEqual([expect.objectContaining({ path: 'spec.app' })]);
    expect(await snapshot(api)).toEqual(before);
    // Another composite profile may have its own profile for the app.
    await created(PROFILES, { metadata: { name: 'cp2' } });
    expect((await send('POST', `${PROFILES}/cp2/profiles`, profileParts('b', 'http-client', PROFILE))).statusCode).toBe(
      201,
    );
  });

  test('bad profiles are 400 naming every field; a composite profile with profiles cannot be deleted', async () => {
    const bad = await api.request('POST', APP_PROFILES, { metadata: { name: 'bad name' }, spec: { appName: 'x' } });
    expect(bad.status).toBe(400);
    expect(detailPaths(bad).sort()).toEqual(['metadata.name', 'spec.app', 'spec.appName']);
    expect((await send('POST', APP_PROFILES, profileParts('a', 'http-client', PROFILE))).statusCode).toBe(201);
    expect((await api.request('DELETE', `${PROFILES}/cp1`)).status).toBe(409);
    expect(
      (await api.request('POST', `${PROFILES}/nope/profiles`, { metadata: { name: 'x' }, spec: { app: 'a' } })).json,
    ).toMatchObject({ error: 'NotFound', message: 'composite profile "nope" not found' });
  });

  test("a group's compositeProfile must name a composite profile of its own composite app version", async () => {
    const group = (compositeProfile: string) => ({
      metadata: { name: 'g1' },
      spec: {
        compositeProfile,
        version: 'r1',
        logicalCloud: 'default',
        overrideValues: [{ app: 'http-server', values: { 'image.repository': 'registry.example/server' } }],
      },
    });
    const before = await snapshot(api);
    const missing = await api.request('POST', GROUPS, group('nope'));
    expect(missing.status).toBe(400);
    expect(missing.json.details).toEqual([
      {
        path: 'spec.compositeProfile',
        message: `no composite profile of this composite app version at ${PROFILES}/nope`,
      },
    ]);
    // cp1 of version v1 does not serve a group of version v2.
    const otherVersion = await api.request(
      'POST',
      '/v2/projects/p1/composite-apps/ca1/v2/deployment-intent-groups',
      group('cp1'),
    );
    expect(detailPaths(otherVersion)).toEqual(['spec.compositeProfile']);
    expect(await snapshot(api)).toEqual(before);

    await created(GROUPS, group('cp1'));
    expect((await api.request('GET', `${GROUPS}/g1`)).json).toEqual(group('cp1'));
  });
});
