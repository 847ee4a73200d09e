import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { LARGE_BODY_BYTES, SingleFile, waitForTurn } from './large-bodies.js';

test('holders enter in the order they asked, one at a time, and leaving twice lets only one more in', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 12 }), async (delays) => {
      const line = new SingleFile();
      const order: number[] = [];
      let inside = 0;
      let most = 0;
      await Promise.all(
        delays.map(async (delay, index) => {
          const leave = await line.enter();
          inside += 1;
          most = Math.max(most, inside);
          order.push(index);
          for (let turn = 0; turn < delay; turn++) await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
          leave();
          leave();
        }),
      );
      expect(most).toBe(1);
      expect(order).toEqual(delays.map((_, index) => index));
    }),
  );
});

test('a holder that never leaves is let go after the longest hold', async () => {
  const line = new SingleFile(20);
  await line.enter();
  const started = Date.now();
  const leave = await line.enter();
  expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  leave();
});

test('a request whose body has been read keeps its turn until it leaves; one whose client left while it waited lets the next in', async () => {
  const line = new SingleFile();
  // A request stream is destroyed once its body has been read; only its socket says the client left.
  const request = () =>
    ({
      raw: { destroyed: true, socket: Object.assign(new EventEmitter(), { destroyed: false }) },
    }) as unknown as FastifyRequest;
  const turns = async () => {
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  };
  const [first, second, gone, last] = [request(), request(), request(), request()];
  await waitForTurn(first, LARGE_BODY_BYTES, line);
  const entered: string[] = [];
  void waitForTurn(second, LARGE_BODY_BYTES, line).then(() => entered.push('second'));
  void waitForTurn(gone, LARGE_BODY_BYTES, line).then(() => entered.push('gone'));
  void waitForTurn(last, LARGE_BODY_BYTES, line).then(() => entered.push('last'));
  await turns();
  expect(entered).toEqual([]);
  first.leaveLargeBodyLine!();
  await turns();
  expect(entered).toEqual(['second']);
  (gone.raw.socket as { destroyed: boolean }).destroyed = true;
  second.leaveLargeBodyLine!();
  await turns();
  expect(entered).toEqual(['second', 'gone', 'last']);
});

test('a client that leaves once its turn has begun lets the next in when its connection closes', async () => {
  const line = new SingleFile();
  const socket = Object.assign(new EventEmitter(), { destroyed: false });
  const leaving = { raw: { destroyed: true, socket } } as unknown as FastifyRequest;
  const next = {
    raw: { destroyed: true, socket: Object.assign(new EventEmitter(), { destroyed: false }) },
  } as unknown as FastifyRequest;
  await waitForTurn(leaving, LARGE_BODY_BYTES, line);
  let entered = false;
  void waitForTurn(next, LARGE_BODY_BYTES, line).then(() => (entered = true));
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(entered).toBe(false);
  socket.destroyed = true;
  socket.emit('close');
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(entered).toBe(true);
  // Answered after all (the hooks call it too): nothing happens twice, and the listener is gone.
  leaving.leaveLargeBodyLine!();
  expect(socket.listenerCount('close')).toBe(0);
});
