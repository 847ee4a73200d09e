/**
 * emcoctl sends an app as multipart: a `metadata` field with the JSON document and a
 * `file` field with the Helm chart. The app is created and the chart kept as it came.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeOnBothDatabases, type ApiHarness } from '../../test-support/api.js';
import { detailPaths, snapshot } from '../../test-support/fixtures.js';
import { multipart, MULTIPART_CONTENT_TYPE, type Part } from '../../test-support/multipart.js';

const APPS = '/v2/projects/p1/composite-apps/ca1/v1/apps';

/** Bytes a text round trip would damage: a gzip header, NUL, invalid UTF-8, CR LF. */
const CHART = Buffer.concat([
  Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0xff, 0xfe, 0x0d, 0x0a]),
  Buffer.from('chart bytes'),
  Buffer.alloc(4096, 7),
]);

describeOnBothDatabases('multipart uploads', (open) => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await open();
    await api.request('POST', '/v2/projects', { metadata: { name: 'p1' } });
    await api.request('POST', '/v2/projects/p1/composite-apps', {
      metadata: { name: 'ca1' },
      spec: { compositeAppVersion: 'v1' },
    });
  });
  afterEach(async () => api?.close());

  const send = (method: 'POST' | 'PUT', url: string, parts: Part[]) =>
    api.app.inject({
      method,
      url,
      payload: multipart(parts),
      headers: { 'content-type': MULTIPART_CONTENT_TYPE },
    });

  test('an app POSTed as multipart is created, and its file comes back byte for byte', async () => {
    const document = {
      metadata: { name: 'httpbin', description: 'from emcoctl', userData1: 'x' },
      spec: { serviceAccount: 'httpbin-sa' },
    };
    const created = await send('POST', APPS, [
      { name: 'metadata', value: JSON.stringify(document) },
      { name: 'file', value: CHART, fileName: 'httpbin.tgz' },
    ]);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(`${APPS}/httpbin`);
    expect(JSON.parse(created.body)).toEqual(document);

    const file = await api.app.inject({ method: 'GET', url: `${APPS}/httpbin/file` });
    expect(file.statusCode).toBe(200);
    expect(Buffer.compare(file.rawPayload, CHART)).toBe(0);
    expect(String(file.headers['content-disposition'])).toContain('httpbin.tgz');
    expect((await api.request('GET', `${APPS}/httpbin`)).json).toEqual(document);
  });

  test('the JSON part may come after the file, and PUT as multipart replaces the file', async () => {
    const created = await send('POST', APPS, [
      { name: 'file', value: CHART, fileName: 'sleep.tgz' },
      { name: 'metadata', value: JSON.stringify({ metadata: { name: 'sleep' } }) },
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const next = Buffer.from('a newer chart');
    const replaced = await send('PUT', `${APPS}/sleep`, [
      { name: 'metadata', value: JSON.stringify({ metadata: { name: 'sleep' } }) },
      { name: 'file', value: next, fileName: 'sleep-2.tgz' },
    ]);
    expect(replaced.statusCode, replaced.body).toBe(200);
    const file = await api.app.inject({ method: 'GET', url: `${APPS}/sleep/file` });
    expect(Buffer.compare(file.rawPayload, next)).toBe(0);
  });

  test('uploading the same document and file again is unchanged, as applying a file twice must be', async () => {
    const parts = [
      { name: 'metadata', value: JSON.stringify({ metadata: { name: 'same' } }) },
      { name: 'file', value: CHART, fileName: 'same.tgz' },
    ];
    const created = await send('POST', APPS, parts);
    expect(created.statusCode).toBe(201);
    const again = await send('PUT', `${APPS}/same`, parts);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['meshbridge-outcome']).toBe('unchanged');
    expect(again.headers.etag).toBe(created.headers.etag);
  });

  test('an app created without a file has none to download; a JSON PUT keeps an uploaded one', async () => {
    await api.request('POST', APPS, { metadata: { name: 'plain' } });
    const none = await api.request('GET', `${APPS}/plain/file`);
    expect(none.status).toBe(404);
    expect(none.json.error).toBe('NotFound');
    expect((await api.request('GET', `${APPS}/ghost/file`)).status).toBe(404);

    await send('POST', APPS, [
      { name: 'metadata', value: JSON.stringify({ metadata: { name: 'kept' } }) },
      { name: 'file', value: CHART, fileName: 'kept.tgz' },
    ]);
    const put = await api.request('PUT', `${APPS}/kept`, { metadata: { name: 'kept', description: 'edited as JSON' } });
    expect(put.status).toBe(200);
    const file = await api.app.inject({ method: 'GET', url: `${APPS}/kept/file` });
    expect(Buffer.compare(file.rawPayload, CHART)).toBe(0);
  });

  test('a multipart body without a document, with a document that is not JSON, or an invalid one, stores nothing', async () => {
    const before = await snapshot(api);
    const noDocument = await send('POST', APPS, [{ name: 'file', value: CHART, fileName: 'x.tgz' }]);
    expect(noDocument.statusCode).toBe(400);
    expect(JSON.parse(noDocument.body).details).toHaveLength(1);
    const notJson = await send('POST', APPS, [
      { name: 'metadata', value: '{oops' },
      { name: 'file', value: CHART, fileName: 'x.tgz' },
    ]);
    expect(notJson.statusCode).toBe(422);
    const invalid = await send('POST', APPS, [
      { name: 'metadata', value: JSON.stringify({ metadata: { name: 'bad name' }, spec: { colour: 'blue' } }) },
      { name: 'file', value: CHART, fileName: 'x.tgz' },
    ]);
    expect(invalid.statusCode).toBe(400);
    expect(
      detailPaths({ status: 400, headers: {}, body: invalid.body, json: JSON.parse(invalid.body) }).sort(),
    ).toEqual(['metadata.name', 'spec.colour']);
    const missingParent = await send('POST', '/v2/projects/p1/composite-apps/nope/v1/apps', [
      { name: 'metadata', value: JSON.stringify({ metadata: { name: 'orphan' } }) },
      { name: 'file', value: CHART, fileName: 'x.tgz' },
    ]);
    expect(missingParent.statusCode).toBe(404);
    expect(await snapshot(api)).toEqual(before);
  });
});
