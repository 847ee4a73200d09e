/**
 * A large body gives the event loop back between its slices, before it is parsed and after: other
 * requests (a probe of /healthz) get a turn in between. Counted in turns, not timed.
 */
import { expect, test } from 'vitest';
import { parseJsonText, SLICE } from './json-text.js';
import { turnsDuring } from '../../test-support/event-loop.js';

const document = (entries: number) => ({
  metadata: { name: 'n' },
  spec: { list: Array(entries).fill('y'.repeat(100)) },
});

test('a body of several slices: a turn between slices, and one before and after JSON.parse', async () => {
  const text = JSON.stringify(document(900));
  expect(text.length).toBeGreaterThan(5 * SLICE);
  let parsed: unknown;
  const turns = await turnsDuring(async () => (parsed = await parseJsonText(text)));
  expect(parsed).toEqual(document(900));
  // ceil(length / SLICE) - 1 pauses between slices, then 2 around parsing.
  expect(turns).toBeGreaterThanOrEqual(Math.ceil(text.length / SLICE) + 1);
});

test('a body of one slice is parsed at once', async () => {
  const text = JSON.stringify(document(10));
  expect(text.length).toBeLessThan(SLICE);
  expect(await turnsDuring(() => parseJsonText(text))).toBe(0);
});
