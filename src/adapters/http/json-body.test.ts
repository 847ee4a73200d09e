/**
 * JSON bodies read from the request stream: measured as they arrive however they are cut, the
 * 4 MB limit kept with Fastify's 413 whether or not a Content-Length says so, refused bodies
 * drained and answered, and a client that leaves mid-body holding nothing.
 */
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buildApp } from '../../compose.js';
import { TooManyRequestsError, ValidationError } from '../../core/errors.js';
import { scanJsonShape } from '../../core/validation/json-shape.js';
import { LIMITS } from '../../core/validation/limits.js';
import { openSqliteDatabase } from '../storage/sqlite.js';
import { BODY_LIMIT, readJsonBody } from './json-body.js';
import { SLICE } from './json-text.js';
import { SingleFile } from './large-bodies.js';
import { BodyBudget } from './body-budget.js';
import { turnsDuring } from '../../test-support/event-loop.js';
import { cut } from '../../test-support/cut-bytes.js';

const request = (headers: Record<string, string> = {}) =>
  ({ headers, raw: { destroyed: false } }) as unknown as FastifyRequest;

/** Every read's budget; each test that reads checks it is whole again afterwards. */
let budget = new BodyBudget();

const read = (chunks: Buffer[], headers?: Record<string, string>) =>
  readJsonBody(request(headers), Readable.from(chunks), new SingleFile(), budget);

describe('a JSON body read from its stream', () => {
  beforeEach(() => {
    budget = new BodyBudget();
  });
  afterEach(() => {
    // Whatever happened to the body (parsed, refused, too large, cut short), its bytes were given back.
    expect(budget.inUse).toBe(0);
  });

  test('past the budget of bytes held at once, a body is read to its end and refused with a 429; later ones fit', async () => {
    budget = new BodyBudget(64 * 1024);
    const held = budget.take(40 * 1024);
    expect(held).toBe(true);
    const body = Buffer.from(JSON.stringify({ metadata: { name: 'x' }, spec: { text: 'y'.repeat(30 * 1024) } }));
    let pulled = 0;
    const chunks = cut(body, [8 * 1024, 16 * 1024, 24 * 1024]);
    const stream = Readable.from(
      (function* () {
        for (const chunk of chunks) {
          pulled += 1;
          yield chunk;
        }
      })(),
    );
    await expect(readJsonBody(request(), stream, new SingleFile(), budget)).rejects.toBeInstanceOf(
      TooManyRequestsError,
    );
    expect(pulled).toBe(chunks.length);
    expect(budget.inUse).toBe(40 * 1024);
    budget.give(40 * 1024);
    await expect(read(chunks)).resolves.toMatchObject({ metadata: { name: 'x' } });
  });

  test('is parsed right however its bytes are cut, inside characters and escapes included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ stringUnit: 'binary' }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (document, escape, places) => {
          const written = JSON.stringify({ 'ключ\\😀': document, é: '€😀\u0001' });
          // Every character outside ASCII written as its `\u` escape(s) (four hex digits each), or as its UTF-8 bytes.
          const text = escape
            ? written.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
            : written;
          const bytes = Buffer.from(text);
          expect(await read(cut(bytes, places))).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a character cut after each of its bytes', async () => {
    const text = JSON.stringify({ metadata: { name: 'a😀b', 'k€y': 'é' } });
    const bytes = Buffer.from(text);
    expect(
      await read(
        cut(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        ),
      ),
    ).toEqual(JSON.parse(text));
  });

  test('a blank body is undefined; text that is not JSON is a malformed body', async () => {
    expect(await read([Buffer.from(' \n'), Buffer.from('\t')])).toBeUndefined();
    expect(await read([])).toBeUndefined();
    await expect(read([Buffer.from('{"a":'), Buffer.from('}')])).rejects.toMatchObject({ code: 'MalformedBody' });
  });

  test('a body past a limit is refused with the issues its text has, however it is cut', async () => {
    const text = JSON.stringify({ metadata: { name: 'n' }, spec: { kv: Array(LIMITS.listItems + 1).fill('é') } });
    const refusal = read(cut(Buffer.from(text), [1, 7, 100, 1001, 2999]));
    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toMatchObject({ message: 'the body is too large', details: scanJsonShape(text) });
    expect(scanJsonShape(text)).toHaveLength(1);
  });

  test('a body over the limit is a 413, by its Content-Length before a byte is read, or as it grows', async () => {
    const tooLarge = { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' };
    let pulled = 0;
    const untouched = new Readable({ read: () => void (pulled += 1) });
    await expect(
      readJsonBody(request({ 'content-length': String(BODY_LIMIT + 1) }), untouched, new SingleFile(), budget),
    ).rejects.toMatchObject(tooLarge);
    expect(pulled).toBe(0);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    await expect(read([chunk, chunk, chunk, chunk, Buffer.from(' ')])).rejects.toMatchObject(tooLarge);
  });

  test('a body shorter than its Content-Length says is refused as Fastify refuses it', async () => {
    await expect(read([Buffer.from('{}')], { 'content-length': '3' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
    });
  });

  test('a chunk of several slices is scanned with a turn between its slices', async () => {
    const text = JSON.stringify({ spec: { list: Array(900).fill('y'.repeat(100)) } });
    expect(text.length).toBeGreaterThan(5 * SLICE);
    const turns = await turnsDuring(() => read([Buffer.from(text)]));
    // ceil(length / SLICE) - 1 pauses between slices, then joining, decoding and parsing.
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(text.length / SLICE) + 2);
  });
});

describe('JSON bodies on a real socket', () => {
  let app: FastifyInstance;
  let url: string;
  let port: number;

  beforeAll(async () => {
    app = await buildApp(await openSqliteDatabase(':memory:'), false, { reconcileSeconds: 0 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
    await post('/v2/cluster-providers', Buffer.from(JSON.stringify({ metadata: { name: 'edge' } })));
    await post('/v2/cluster-providers/edge/clusters', Buffer.from(JSON.stringify({ metadata: { name: 'c1' } })));
  });
  afterAll(() => app.close());

  /** The body as a stream of 64 KB chunks: sent chunked, without a Content-Length. */
  const chunked = (bytes: Buffer) => {
    let start = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes.subarray(start, start + 64 * 1024));
        start += 64 * 1024;
        if (start >= bytes.length) controller.close();
      },
    });
  };

  const kvPath = '/v2/cluster-providers/edge/clusters/c1/kv-pairs';
  const post = (path: string, body: Buffer | ReadableStream<Uint8Array>) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);

  /**
   * Sends the body chunked on a socket of its own, 64 KB at a time, a pause between pieces, and
   * notes whether the answer came before the last piece was written.
   */
  const sendSlowly = (path: string, bytes: Buffer) =>
    new Promise<{ status: number; body: string; answeredEarly: boolean }>((resolve, reject) => {
      let answer = '';
      let written = false;
      let answeredEarly = false;
      const socket = connect(port, '127.0.0.1', async () => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
        for (let start = 0; start < bytes.length; start += 64 * 1024) {
          const piece = bytes.subarray(start, start + 64 * 1024);
          await new Promise((done) => socket.write(`${piece.length.toString(16)}\r\n`, done));
          await new Promise((done) => socket.write(piece, done));
          await new Promise((done) => socket.write('\r\n', done));
          await new Promise((done) => setTimeout(done, 1));
        }
        written = true;
        socket.write('0\r\n\r\n');
      });
      socket.on('data', (chunk: Buffer) => {
        if (!written) answeredEarly = true;
        answer += chunk.toString('utf8');
        if (/\r\n0\r\n\r\n$/.test(answer) || (answer.includes('content-length') && answer.includes('}'))) socket.end();
      });
      socket.on('error', reject);
      socket.on('close', () =>
        resolve({
          status: Number(answer.split(' ')[1]),
          body: answer.split('\r\n\r\n').slice(1).join('\r\n\r\n'),
          answeredEarly,
        }),
      );
    });

  test('a refused body of nearly 4 MB, sent chunked, is read to its end and answered 400 with its issues', async () => {
    const kv = Array.from({ length: 100_000 }, (_, i) => ({ [`k${i}`]: 'v'.repeat(20) }));
    const text = JSON.stringify({ metadata: { name: 'big' }, spec: { kv } });
    expect(text.length).toBeGreaterThan(3 * 1024 * 1024);
    const response = await sendSlowly('/v2/projects', Buffer.from(text));
    // Answered once all of it was read, not while the client was still sending, and not reset.
    expect(response.answeredEarly).toBe(false);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: 'ValidationFailed',
      message: 'the body is too large',
      details: scanJsonShape(text),
    });
  });

  test('a body of more than 4 MB is a 413 in the error shape, with a Content-Length', async () => {
    const response = await post('/v2/projects', Buffer.from(JSON.stringify({ a: ' '.repeat(BODY_LIMIT) })));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'FST_ERR_CTP_BODY_TOO_LARGE',
      message: 'Request body is too large',
      details: [],
    });
  });

  test('a large body split inside its characters is stored as sent', async () => {
    const kv = [{ 'ключ-😀': 'é😀€'.repeat(30_000) }, { 'k\u00e9y': '\u20ac' }];
    const bytes = Buffer.from(JSON.stringify({ metadata: { name: 'utf8' }, spec: { kv } }));
    // 64 KB chunks through 2-, 3- and 4-byte characters: the cuts fall inside some of them.
    expect(bytes.length % 9).not.toBe(0);
    expect((await post(`${kvPath}`, chunked(bytes))).status).toBe(201);
    const stored = (await (await fetch(`${url}${kvPath}/utf8`)).json()) as { spec: { kv: unknown } };
    expect(stored.spec.kv).toEqual(kv);
  });

  /** Sends the head and `body` on a socket of its own, then leaves without waiting for an answer. */
  const sendAndLeave = (length: number, body: string) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        const head = `POST ${kvPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
        socket.write(head + body, () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', reject);
    });

  test('a client that leaves mid-body or before its answer holds nothing: large bodies after it are answered', async () => {
    const large = (name: string) => JSON.stringify({ metadata: { name }, spec: { kv: [{ k: 'v'.repeat(100_000) }] } });
    await sendAndLeave(BODY_LIMIT - 1, large('gone').slice(0, 50_000));
    for (const name of ['gone-1', 'gone-2', 'gone-3']) await sendAndLeave(Buffer.byteLength(large(name)), large(name));
    for (const name of ['after-1', 'after-2']) {
      const bytes = Buffer.from(JSON.stringify({ metadata: { name }, spec: { kv: [{ k: 'v'.repeat(100_000) }] } }));
      expect((await post(kvPath, chunked(bytes))).status).toBe(201);
    }
    expect((await fetch(`${url}/v2/projects/gone`)).status).toBe(404);
  });
});
