import { expect, test } from 'vitest';
import { nextTurn } from './turns.js';

test('one waiter a loop of the event loop, first come first served', async () => {
  let loops = 0;
  let ticking = true;
  const tick = () => {
    loops += 1;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const seen: { waiter: number; loop: number }[] = [];
  await Promise.all([0, 1, 2, 3].map((waiter) => nextTurn().then(() => seen.push({ waiter, loop: loops }))));
  ticking = false;
  expect(seen.map((entry) => entry.waiter)).toEqual([0, 1, 2, 3]);
  for (let index = 1; index < seen.length; index++) expect(seen[index]!.loop).toBeGreaterThan(seen[index - 1]!.loop);
  // Later waiters after a quiet moment still get their turn.
  await expect(nextTurn()).resolves.toBeUndefined();
});
