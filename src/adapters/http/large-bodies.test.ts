import fc from 'fast-check';
import { expect, test } from 'vitest';
import { SingleFile } from './large-bodies.js';

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
