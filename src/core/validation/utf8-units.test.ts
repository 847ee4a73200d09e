import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Utf8Units } from './utf8-units.js';

function counted(bytes: Uint8Array): number {
  const utf8 = new Utf8Units();
  let units = 0;
  for (const code of bytes) {
    if (code >= 0x80) units += utf8.byte(code);
    else units += utf8.flush() + 1;
  }
  return units + utf8.flush();
}

/** Bytes near UTF-8's edges: every lead, continuation and boundary byte, and ASCII. */
const edgy = fc.constantFrom(
  0x00,
  0x41,
  0x7f,
  0x80,
  0x8f,
  0x90,
  0x9f,
  0xa0,
  0xbf,
  0xc0,
  0xc1,
  0xc2,
  0xdf,
  0xe0,
  0xed,
  0xee,
  0xef,
  0xf0,
  0xf1,
  0xf4,
  0xf5,
  0xf8,
  0xfe,
  0xff,
);

test('counts what the text decodes to, in JS string length, for any bytes', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 40 }),
        fc.array(edgy, { maxLength: 40 }).map((a) => Uint8Array.from(a)),
      ),
      (bytes) => {
        expect(counted(bytes)).toBe(new TextDecoder().decode(bytes).length);
        expect(counted(bytes)).toBe(Buffer.from(bytes).toString('utf8').length);
      },
    ),
    { numRuns: 2000 },
  );
});

test('counts any text as its length', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(counted(new TextEncoder().encode(text))).toBe(text.length);
    }),
  );
});

test('a code point above U+FFFF counts 2, as in a JS string', () => {
  expect(counted(new TextEncoder().encode('😀é'))).toBe(3);
});
