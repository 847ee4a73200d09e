import { expect, test } from 'vitest';
import { countLoops } from '../../test-support/event-loop.js';
import { nextTurn } from './turns.js';

test('one waiter a loop of the event loop, first come first served', async () => {
  const counter = countLoops();
  const seen: { waiter: number; loop: number }[] = [];
  await Promise.all([0, 1, 2, 3].map((waiter) => nextTurn().then(() => seen.push({ waiter, loop: counter.loops }))));
  counter.stop();
  expect(seen.map((entry) => entry.waiter)).toEqual([0, 1, 2, 3]);
  for (let index = 1; index < seen.length; index++) expect(seen[index]!.loop).toBeGreaterThan(seen[index - 1]!.loop);
  // Later waiters after a quiet moment still get their turn.
  await expect(nextTurn()).resolves.toBeUndefined();
});
