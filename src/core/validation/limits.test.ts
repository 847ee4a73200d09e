import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LIMITS, sizeIssues } from './limits.js';

describe('size limits', () => {
  test('any small JSON document passes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        expect(sizeIssues(value)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  test('a list or an object past its limit is named by its path, wherever it is', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 4 }), (path) => {
        const big = { list: Array.from({ length: LIMITS.listItems + 1 }, () => 0) };
        const document = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), big);
        expect(sizeIssues(document)).toEqual([
          {
            path: `${path.join('.')}.list`,
            message: `has ${LIMITS.listItems + 1} entries; at most ${LIMITS.listItems} are accepted`,
          },
        ]);
      }),
    );
    const keys = Object.fromEntries(Array.from({ length: LIMITS.objectKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(sizeIssues({ spec: keys })[0]?.path).toBe('spec');
  });

  test('depth and total size are bounded too', () => {
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.depth + 2; i++) deep = [deep];
    expect(sizeIssues(deep)[0]?.message).toContain('nests deeper');
    const wide = Array.from({ length: 100 }, () => Array.from({ length: 600 }, () => 1));
    expect(sizeIssues(wide).map((issue) => issue.message)).toContain(`holds more than ${LIMITS.values} values`);
  });
});
