import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { JsonByteScanner, JsonShapeScanner, scanJsonShape } from './json-shape.js';
import { LIMITS, sizeIssues } from './limits.js';
import { cut } from '../../test-support/cut-bytes.js';

/** Documents near every limit, inside small random JSON. */
const nearLimits = fc.oneof(
  fc.integer({ min: LIMITS.depth - 2, max: LIMITS.depth + 2 }).map((depth) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { [`k${i % 3}`]: value };
    return value;
  }),
  fc
    .integer({ min: LIMITS.listItems - 1, max: LIMITS.listItems + 1 })
    .map((n) => ({ spec: { kv: Array(n).fill('v') } })),
  fc
    .integer({ min: LIMITS.objectKeys - 1, max: LIMITS.objectKeys + 1 })
    .map((n) => ({ spec: Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, null])) })),
  fc.integer({ min: LIMITS.keyNames - 5, max: LIMITS.keyNames + 5 }).map((n) => ({
    spec: Array.from({ length: Math.ceil(n / 10) }, (_, i) =>
      Object.fromEntries(Array.from({ length: 10 }, (_, j) => [`key-${i * 10 + j < n ? i * 10 + j : 0}`, j])),
    ),
  })),
  // {a: [[0 × 1000], ...]}: 2 + ceil(n / 1000) + n values.
  fc.integer({ min: LIMITS.values - 60, max: LIMITS.values - 45 }).map((n) => ({ a: chunk(Array<number>(n).fill(0)) })),
  fc.integer({ min: LIMITS.stringLength - 1, max: LIMITS.stringLength + 1 }).map((n) => ({ s: '\n'.repeat(n) })),
);

function chunk(values: number[]): number[][] {
  const lists: number[][] = [];
  for (let i = 0; i < values.length; i += 1000) lists.push(values.slice(i, i + 1000));
  return lists;
}

const documents = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 2 }), nearLimits).map(([a, b]) => ({ a, b })) },
);

describe('JSON shape scanner (property)', () => {
  it('refuses a text exactly when the limits refuse the parsed document, however it is spaced or escaped', () => {
    fc.assert(
      fc.property(documents, fc.constantFrom(undefined, 1, '\t', '\r\n '), (document, space) => {
        const text = JSON.stringify(document, null, space as string | number | undefined);
        const byText = scanJsonShape(text).length > 0;
        expect(byText).toBe(sizeIssues(JSON.parse(text)).length > 0);
      }),
      { numRuns: 150 },
    );
  });

  it('stops at the first problem', () => {
    const text = JSON.stringify({ a: Array(LIMITS.listItems + 1).fill(0), b: 'x'.repeat(LIMITS.stringLength + 1) });
    const scanner = new JsonShapeScanner(text);
    scanner.scan();
    expect(scanner.issues()).toHaveLength(1);
    expect(scanner.issues()[0]?.path).toBe('a');
  });

  it('reads the same in any slices as at once', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 17 }), (document, slice) => {
        const text = JSON.stringify(document);
        const scanner = new JsonShapeScanner(text);
        for (let end = slice; !scanner.done; end += slice) scanner.scan(end);
        expect(scanner.issues()).toEqual(scanJsonShape(text));
      }),
    );
  });
});

describe('JSON shape scanner', () => {
  test('names the path as the limits do', () => {
    const text = JSON.stringify({
      metadata: { name: 'x' },
      spec: { kv: Array(LIMITS.listItems + 5).fill({ k: 'v' }) },
    });
    expect(scanJsonShape(text)).toEqual([
      {
        path: 'spec.kv',
        message: `has more than ${LIMITS.listItems} entries; at most ${LIMITS.listItems} are accepted`,
      },
    ]);
  });

  test('counts an escape as one character and decodes escaped keys', () => {
    const text = `{"sp\\u0065c": {"a": "${'\\n'.repeat(LIMITS.stringLength + 1)}"}}`;
    expect(scanJsonShape(text)).toEqual([
      {
        path: 'spec.a',
        message: `is a text longer than ${LIMITS.stringLength} characters`,
      },
    ]);
  });

  test('a \\u escape (four hex digits) is one character: a text of exactly the limit passes, one more does not', () => {
    const written = (length: number) => JSON.stringify({ a: '\u0001'.repeat(length) });
    expect(written(1)).toBe('{"a":"\\u0001"}');
    expect(scanJsonShape(written(LIMITS.stringLength))).toEqual([]);
    expect(scanJsonShape(written(LIMITS.stringLength + 1))).toEqual([
      { path: 'a', message: `is a text longer than ${LIMITS.stringLength} characters` },
    ]);
  });

  test('leaves text that is not JSON to the parser', () => {
    for (const text of ['{"a":}', '[1,,2]', '{"a" 1}', '[1]]', '{]', 'x'.repeat(10)]) {
      expect(scanJsonShape(text)).toEqual([]);
    }
  });
});

/** Where a body is cut: at random places, or every few bytes (so every key is cut somewhere). */
const cuts = fc.oneof(
  fc.array(fc.nat(), { maxLength: 40 }).map((places) => (bytes: Uint8Array) => cut(bytes, places)),
  fc.integer({ min: 1, max: 17 }).map((size) => (bytes: Uint8Array) => {
    const places: number[] = [];
    for (let place = size; place < bytes.length; place += size) places.push(place);
    return cut(bytes, places);
  }),
);

function scanChunks(chunks: Uint8Array[]) {
  const scanner = new JsonByteScanner();
  for (const chunk of chunks) if (!scanner.done) scanner.feed(chunk);
  scanner.end();
  return scanner.issues();
}

/** Every character outside ASCII written as its `\u` escape(s), four hex digits each. */
const escaped = (text: string) =>
  text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Texts and keys near the limits in characters of one to four bytes, and in escapes of them. */
const multibyte = fc
  .tuple(fc.constantFrom('a', 'é', '€', '😀', '\u0001'), fc.integer({ min: -2, max: 2 }), fc.boolean())
  .map(([char, off, inKey]) => {
    const text = char.repeat(Math.ceil((LIMITS.stringLength + off) / char.length));
    return inKey ? { spec: { [text]: 1 } } : { spec: { [`${char}k${char}`]: text } };
  });
const manyKeyNames = fc.integer({ min: LIMITS.keyNames - 3, max: LIMITS.keyNames + 3 }).map((n) => ({
  spec: Array.from({ length: Math.ceil(n / 500) }, (_, i) =>
    Object.fromEntries(Array.from({ length: 500 }, (_, j) => [`ключ-😀-${Math.min(i * 500 + j, n - 1)}`, j])),
  ),
}));

const unicodeDocuments = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ stringUnit: 'binary' }) },
  { weight: 1, arbitrary: fc.oneof(nearLimits, multibyte, manyKeyNames) },
);

describe('JSON byte scanner (property)', () => {
  it('finds in a body fed in any chunks what the text scanner finds in its text, escaped or not', () => {
    fc.assert(
      fc.property(unicodeDocuments, fc.boolean(), cuts, (document, escape, cutUp) => {
        const written = JSON.stringify(document);
        const text = escape ? escaped(written) : written;
        const bytes = new TextEncoder().encode(text);
        const whole = scanJsonShape(text);
        expect(scanChunks(cutUp(bytes))).toEqual(whole);
        expect(scanChunks([bytes])).toEqual(whole);
        expect(whole.length > 0).toBe(sizeIssues(JSON.parse(text)).length > 0);
      }),
      { numRuns: 150 },
    );
  });

  it('counts bytes that are not UTF-8 as the text they decode to does', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 12 }),
        fc.integer({ min: -3, max: 3 }),
        cuts,
        (noise, off, cutUp) => {
          // Quotes, backslashes and control characters would end or break the text: not noise.
          const safe = noise.map((byte) => (byte === 0x22 || byte === 0x5c || byte < 0x20 ? 0x41 : byte));
          const decodedLength = Buffer.from(safe).toString('utf8').length;
          const repeat = Math.ceil((LIMITS.stringLength + off) / decodedLength);
          const body = Buffer.concat([
            Buffer.from('{"k":"'),
            Buffer.concat(Array<Buffer>(repeat).fill(Buffer.from(safe))),
            Buffer.from('"}'),
          ]);
          expect(scanChunks(cutUp(body))).toEqual(scanJsonShape(body.toString('utf8')));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('JSON byte scanner', () => {
  test('decodes a key whose character a chunk cuts in two', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ spec: { ['ü'.repeat(LIMITS.stringLength + 1)]: 1 } }));
    const issues = scanChunks(cut(bytes, [9, 10, 11]));
    expect(issues).toEqual([
      { path: `spec.${'ü'.repeat(64)}`, message: `is a text longer than ${LIMITS.stringLength} characters` },
    ]);
  });

  test('a text cut off inside a character ends with one more character', () => {
    const body = Buffer.concat([Buffer.from(`{"k":"${'a'.repeat(LIMITS.stringLength)}`), Buffer.from([0xe2, 0x82])]);
    expect(body.toString('utf8')).toHaveLength(6 + LIMITS.stringLength + 1);
    expect(scanChunks([body])).toEqual([
      { path: 'k', message: `is a text longer than ${LIMITS.stringLength} characters` },
    ]);
  });
});
