/**
 * Large JSON bodies that passed their scan are handled one at a time. Each one's work is split
 * into turns of the event loop (joining, decoding, parsing, then validating and storing:
 * `json-body.ts`), but several at once would queue their turns ahead of a probe's; in single
 * file, `/healthz` waits for at most one turn. The turn is entered only once the whole body has
 * arrived and passed, so a client that sends slowly holds nothing, a body the scan refuses never
 * waits (its scan ran chunk by chunk as it arrived), and small bodies (nearly every request)
 * never wait.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const LARGE_BODY_BYTES = 64 * 1024;

/** A FIFO of holders: `enter` resolves with the function that lets the next one in. */
export class SingleFile {
  private tail: Promise<void> = Promise.resolve();

  /** `maxHoldMs`: a holder that never leaves (its client went away unanswered) is let go after this. */
  constructor(private readonly maxHoldMs = 30_000) {}

  enter(): Promise<() => void> {
    let leave!: () => void;
    const left = new Promise<void>((resolve) => (leave = resolve));
    const turn = this.tail.then(() => {
      const timer = setTimeout(leave, this.maxHoldMs);
      timer.unref();
      return () => {
        clearTimeout(timer);
        leave();
      };
    });
    this.tail = left;
    return turn;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    leaveLargeBodyLine?: () => void;
  }
}

export function registerLargeBodyLine(app: FastifyInstance): void {
  app.decorateRequest('leaveLargeBodyLine', undefined);
  const leave = async (request: FastifyRequest) => request.leaveLargeBodyLine?.();
  app.addHook('onResponse', leave);
  app.addHook('onRequestAbort', leave);
}

/**
 * Waits for the request's turn when its body is large; the turn ends with its answer, or when the
 * client's connection closes. A client that leaves once its body is read is no abort to Fastify
 * (the request stream is complete) and its answer never finishes, so without the connection's
 * `close` it would hold the line until `maxHoldMs`. The connection says so, not the request
 * stream, which Node destroys once its body is read.
 */
export async function waitForTurn(request: FastifyRequest, bytes: number, line: SingleFile): Promise<void> {
  if (bytes < LARGE_BODY_BYTES) return;
  const leave = await line.enter();
  const socket = request.raw.socket as Socket | null;
  const release = () => {
    socket?.off('close', release);
    leave();
  };
  request.leaveLargeBodyLine = release;
  if (!socket || socket.destroyed) release();
  else socket.once('close', release);
}
