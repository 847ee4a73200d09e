import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from './output.js';

/** JSON values as rendered objects hold them: strings (from YAML 1.1's look-alikes too), numbers, booleans, null. */
const lookAlikes = fc.constantFrom(
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Yes',
  'NO',
  'true',
  'null',
  '~',
  '',
  '12:30',
  '1:20:00',
  '2001-12-14',
  '0o12',
  '012',
  '0777',
  '0x1F',
  '1e3',
  '.5',
  '+1',
  '.inf',
  '*.local',
  '- a',
  'x: y',
  '#c',
  '@x',
  "it's",
  '<<',
  '=',
  '1_000',
  '.',
  '._',
  '+.5',
  '0b101',
  '190:20:30.15',
  '10.0.0.1',
  '1.24',
  'v1',
);
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), lookAlikes);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('toYaml', () => {
  test('property: YAML 1.2 and YAML 1.1 readers (kubectl, Argo CD) read back the value written', () => {
    fc.assert(
      fc.property(json, (value) => {
        const written = toYaml(value);
        expect(parse(written)).toEqual(value);
        expect(parse(written, { version: '1.1' })).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  test('never folds a long string, never writes an anchor, keeps the keys in order', () => {
    const long = `${'a'.repeat(200)} ${'b'.repeat(200)}`;
    const shared = { x: 1 };
    const written = toYaml({ z: long, a: shared, m: shared });
    expect(written).toBe(`z: ${long}\na:\n  x: 1\nm:\n  x: 1\n`);
  });

  test('a field holding undefined is left out, as JSON leaves it out', () => {
    expect(toYaml({ a: 1, b: undefined })).toBe('a: 1\n');
  });
});
