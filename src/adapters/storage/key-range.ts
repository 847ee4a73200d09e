/**
 * Prefix search as a key range rather than `LIKE`: SQLite's `LIKE` ignores ASCII
 * case and both databases give `%` and `_` meaning, while a range is exact, needs
 * no escaping and walks the `(kind, key)` index. Keys collate byte-wise (see
 * `migrations.ts`), which for UTF-8 is code point order.
 */

const maxCodePoint = 0x10ffff;
const surrogatesStart = 0xd800;
const surrogatesEnd = 0xdfff;

/**
 * The smallest string greater than every string that starts with `prefix`, or
 * undefined when there is none (an empty prefix, or one made only of U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (character) => character.codePointAt(0) ?? 0);
  for (let last = codePoints.pop(); last !== undefined; last = codePoints.pop()) {
    if (last < maxCodePoint) {
      const next = last + 1 === surrogatesStart ? surrogatesEnd + 1 : last + 1;
      return String.fromCodePoint(...codePoints, next);
    }
  }
  return undefined;
}
