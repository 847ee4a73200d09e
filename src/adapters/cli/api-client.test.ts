/** The CLI's client: the bearer token it was given (none when none), JSON bodies, emcoctl's multipart uploads. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ApiClient } from './api-client.js';

async function headersSent(token?: string): Promise<IncomingHttpHeaders> {
  let seen: IncomingHttpHeaders = {};
  const server = createServer((request, response) => {
    seen = request.headers;
    response.setHeader('content-type', 'application/json');
    response.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await new ApiClient(`127.0.0.1:${port}`, token).request('POST', 'projects', { metadata: { name: 'p' } });
    return seen;
  } finally {
    server.close();
  }
}

test('MESHBRIDGE_TOKEN goes out as a bearer token, beside the JSON content type', async () => {
  const headers = await headersSent('tok-123');
  expect(headers.authorization).toBe('Bearer tok-123');
  expect(headers['content-type']).toBe('application/json');
});

test('without a token no Authorization header is sent', async () => {
  expect((await headersSent()).authorization).toBeUndefined();
});

test("an upload is emcoctl's multipart: the resource as metadata, the file's bytes and name intact", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meshbridge-upload-'));
  const file = join(dir, 'chart "v1".tgz');
  const bytes = Buffer.from([0, 1, 2, 13, 10, 255, 45, 45]);
  await writeFile(file, bytes);
  let received = Buffer.alloc(0);
  let type = '';
  const server = createServer((request, response) => {
    type = request.headers['content-type'] ?? '';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received = Buffer.concat(chunks);
      response.statusCode = 201;
      response.setHeader('etag', '"1"');
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await new ApiClient(`127.0.0.1:${port}`).request('POST', 'apps', { metadata: { name: 'a' } }, file);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('ETag')).toBe('"1"');
    expect(answer.headers.get('location')).toBeNull();
    const form = await new Response(received, { headers: { 'content-type': type } }).formData();
    expect(JSON.parse(String(form.get('metadata')))).toEqual({ metadata: { name: 'a' } });
    const uploaded = form.get('file') as File;
    expect(uploaded.name).toBe('chart "v1".tgz');
    expect(Buffer.from(await uploaded.arrayBuffer())).toEqual(bytes);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
