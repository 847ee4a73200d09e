/** The CLI's client sends the bearer token it was given, and none when it was given none. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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
