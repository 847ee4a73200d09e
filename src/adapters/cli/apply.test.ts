/** `apply` replaces exactly the version it read: its PUT carries that ETag as If-Match, and a 412 is reported, not retried over. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { ApiClient } from './api-client.js';
import { applyDocuments } from './apply.js';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
}

async function applyAgainst(
  putStatus: number,
  conflictsWith = '/v2/projects/p',
): Promise<{ seen: Seen[]; result: string; error?: string }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', headers: request.headers });
    response.setHeader('content-type', 'application/json');
    if (request.method === 'POST') {
      response.statusCode = 409;
      response.setHeader('location', conflictsWith);
      return response.end('{"error":"Conflict","message":"taken","details":[]}');
    }
    if (request.method === 'GET') {
      response.setHeader('etag', '"7"');
      return response.end('{"metadata":{"name":"p"}}');
    }
    response.statusCode = putStatus;
    if (putStatus === 200) response.setHeader('meshbridge-outcome', 'updated');
    return response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const [result] = await applyDocuments(
      new ApiClient(`127.0.0.1:${port}`),
      [{ index: 0, anchor: 'projects', body: { metadata: { name: 'p', description: 'new' } } }],
      true,
    );
    return { seen, result: result?.result ?? '', ...(result?.error ? { error: result.error } : {}) };
  } finally {
    server.close();
  }
}

test('the PUT carries If-Match of the version the GET returned', async () => {
  const { seen, result } = await applyAgainst(200);
  expect(seen.map((request) => request.method)).toEqual(['POST', 'GET', 'PUT']);
  expect(seen[2]?.headers['if-match']).toBe('"7"');
  expect(result).toBe('updated');
});

test('a change in between (412) is reported as failed, naming the path, and nothing else is sent', async () => {
  const { seen, result, error } = await applyAgainst(412);
  expect(seen.map((request) => request.method)).toEqual(['POST', 'GET', 'PUT']);
  expect(result).toBe('failed');
  expect(error).toContain('/v2/projects/p changed while it was applied');
});

test('a 409 naming another resource (one serving the same port, say) is reported, and that resource is left alone', async () => {
  const { seen, result, error } = await applyAgainst(200, '/v2/projects/other');
  expect(seen.map((request) => request.method)).toEqual(['POST']);
  expect(result).toBe('failed');
  expect(error).toContain('taken');
});
