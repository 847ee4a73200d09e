/**
 * A JSON request body, measured on its bytes as they arrive (core/validation/json-shape.ts) and
 * joined, decoded and parsed only once all of it has arrived and passed. Most hostile bodies are
 * refused by the scan, and for them nothing else is done: a 4 MB body joined (about 5 ms) and
 * decoded (about 6.5 ms) before its scan refused it would have spent those turns for nothing.
 *
 * Each chunk is scanned in slices of at most 16 KB, each in a turn of its own (turns.ts: one body's
 * step a loop, so that however many bodies arrive at once, a probe waits for one step at most). Once the scan has
 * found a problem, the chunks are let go and the rest of the body is read and dropped, so that
 * the client, still sending, gets its 400 rather than a reset connection. The body limit is this
 * parser's to keep, as Fastify keeps it only for the bodies it reads itself: a Content-Length
 * over it is refused before a byte is read, a body that grows over it as soon as it does, with
 * Fastify's own 413.
 *
 * A body that passed is handled as any large body is (large-bodies.ts): its turn in single file,
 * then joining, decoding and parsing in turns of their own. A blank body is `undefined`.
 */
import { nextTurn, turnsWaiting } from './turns.js';
import type { Readable } from 'node:stream';
import { errorCodes, type FastifyRequest } from 'fastify';
import { TooManyRequestsError, ValidationError } from '../../core/errors.js';
import type { BodyBudget } from './body-budget.js';
import { JsonByteScanner } from '../../core/validation/json-shape.js';
import { parseMeasuredText, SLICE } from './json-text.js';
import { waitForTurn, type SingleFile } from './large-bodies.js';

export const BODY_LIMIT = 4 * 1024 * 1024;

interface Received {
  chunks: Buffer[];
  bytes: number;
}

/** A preParsing hook's stream (a decompressor) says how many bytes it read; the limit holds for both. */
type Payload = Readable & { receivedEncodedLength?: number };

/** The scan found a problem (not merely text that is not JSON, which `JSON.parse` will name). */
const refused = (scanner: JsonByteScanner) => scanner.issues().length > 0;

/**
 * Scans a chunk in slices of at most 16 KB, each in a turn of its own, until done or `stopped()`;
 * a chunk of one slice (a small body) at once while no step waits, else behind them: many small
 * chunks arriving together would otherwise all be scanned in one loop.
 */
async function scanChunk(scanner: JsonByteScanner, chunk: Buffer, stopped: () => boolean): Promise<void> {
  for (let start = 0; start < chunk.length && !scanner.done; start += SLICE) {
    if (chunk.length > SLICE || turnsWaiting()) await nextTurn();
    if (stopped()) return;
    scanner.feed(chunk.subarray(start, start + SLICE));
  }
}

/** Errors of the stream itself (a client that went away) are the client's, as Fastify has them. */
function clientError(error: Error & { statusCode?: number }): Error {
  if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
  return error;
}

/**
 * The whole body, scanned as it arrived; rejects with the scan's issues, a 413, a 429 past the
 * budget, or the stream's error. The bytes kept are taken from `budget`; on success the caller
 * gives them back.
 */
function receive(payload: Payload, declared: number, budget: BodyBudget): Promise<Received> {
  return new Promise((resolve, reject) => {
    const scanner = new JsonByteScanner();
    let chunks: Buffer[] = [];
    let kept = 0;
    let overBudget = false;
    const drop = () => {
      chunks = [];
      budget.give(kept);
      kept = 0;
    };
    let bytes = 0;
    let settled = false;
    let scanning = Promise.resolve();
    // Chunks read but not yet scanned: past one, the stream is paused, so that a client sending faster
    // than the scan keeps its bytes in its own socket buffers, not in this process.
    let unscanned = 0;
    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      payload.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) {
        drop();
        reject(error);
      } else resolve({ chunks, bytes });
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      bytes += chunk.length;
      if (bytes > BODY_LIMIT || (payload.receivedEncodedLength ?? 0) > BODY_LIMIT)
        return settle(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      if (refused(scanner) || overBudget) return; // read and dropped, so that the client can be answered
      if (!budget.take(chunk.length)) {
        overBudget = true;
        return drop();
      }
      kept += chunk.length;
      chunks.push(chunk);
      if (++unscanned > 1) payload.pause();
      scanning = scanning
        .then(() => scanChunk(scanner, chunk, () => settled))
        .then(() => {
          if (refused(scanner)) drop();
          if (--unscanned <= 1 && !settled) payload.resume();
        })
        .catch((error: Error) => settle(error));
    };
    const onEnd = () => {
      payload.off('close', onClose);
      void scanning.then(() => {
        scanner.end();
        const issues = scanner.issues();
        if (issues.length > 0) return settle(new ValidationError('the body is too large', issues));
        if (overBudget)
          return settle(
            new TooManyRequestsError(
              'the server holds as many request bodies as it takes at once: send it again shortly',
            ),
          );
        const received = payload.receivedEncodedLength || bytes;
        if (!Number.isNaN(declared) && received !== declared)
          return settle(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        settle(undefined);
      });
    };
    const onError = (error: Error) => settle(clientError(error));
    const onClose = () => settle(clientError(new Error('the client closed the connection before the body ended')));
    // A client that left while an earlier hook ran: its stream's `close` has come and gone.
    if (payload.destroyed && !payload.readableEnded)
      return settle(clientError(new Error('the client closed the connection before the body ended')));
    payload.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    payload.resume();
  });
}

/** Fastify's parser for `application/json`: the raw request stream in, the document (or `undefined`) out. */
export async function readJsonBody(
  request: FastifyRequest,
  payload: Payload,
  line: SingleFile,
  budget: BodyBudget,
): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (declared > BODY_LIMIT) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  const { chunks, bytes } = await receive(payload, declared, budget);
  let text: string;
  try {
    await waitForTurn(request, bytes, line);
    const large = bytes > SLICE;
    if (large) await nextTurn();
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
    chunks.length = 0;
    if (large) await nextTurn();
    text = body.toString('utf8');
  } finally {
    budget.give(bytes);
  }
  if (text.trim() === '') return undefined;
  return parseMeasuredText(text);
}
