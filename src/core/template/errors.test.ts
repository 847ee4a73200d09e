/** Parse and execution errors, worded as Go words them, and properties over arbitrary input. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { renderTemplate, TemplateError } from './index.js';

const DATA = { Name: 'demo', List: [1, 2], Nil: null, Map: { a: 1 } };

function failure(template: string, data: unknown = DATA): string {
  try {
    renderTemplate('apps.yaml', template, data);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as Error).message;
  }
  throw new Error(`expected ${template} to fail`);
}

describe('parse errors name the file and the line', () => {
  test.each([
    ['a\n{{.Name', 'template: apps.yaml:2: unclosed action'],
    ['a\nb\n{{end}}', 'template: apps.yaml:3: unexpected {{end}}'],
    ['{{else}}', 'template: apps.yaml:1: unexpected {{else}}'],
    ['{{if .Name}}\nx\n', 'template: apps.yaml:3: unexpected EOF'],
    ['{{range .List}}{{else}}{{else}}{{end}}', 'template: apps.yaml:1: expected end; found {{else}}'],
    ['{{$x}}', 'template: apps.yaml:1: undefined variable "$x"'],
    ['{{with $x := 1}}{{end}}{{$x}}', 'template: apps.yaml:1: undefined variable "$x"'],
    ['{{range $i, $e := .List}}{{end}}{{$e}}', 'template: apps.yaml:1: undefined variable "$e"'],
    ['{{$a, $b := 1}}', 'template: apps.yaml:1: too many declarations in command'],
    ['{{upper .Name}}', 'template: apps.yaml:1: function "upper" not defined'],
    ['{{}}', 'template: apps.yaml:1: missing value for command'],
    ['{{if}}{{end}}', 'template: apps.yaml:1: missing value for if'],
    ['{{break}}', 'template: apps.yaml:1: {{break}} outside {{range}}'],
    ['{{"abc}}', 'template: apps.yaml:1: unterminated quoted string'],
    ['{{(1}}', 'template: apps.yaml:1: unclosed left paren'],
    ['{{1)}}', 'template: apps.yaml:1: unexpected right paren'],
    ['{{/* x }}', 'template: apps.yaml:1: unclosed comment'],
    ['{{/* x */ .Name}}', 'template: apps.yaml:1: comment ends before closing delimiter'],
    ['{{.Name | 1}}', 'template: apps.yaml:1: non executable command in pipeline stage 2'],
    ['{{3x}}', 'template: apps.yaml:1: bad number syntax: "3x"'],
    ['{{.Name #}}', "template: apps.yaml:1: unrecognized character in action: U+0023 '#'"],
    ['{{"a".b}}', 'template: apps.yaml:1: unexpected . after term "\\"a\\""'],
  ])('%j fails with %s', (template, message) => {
    expect(failure(template)).toBe(message);
  });
});

describe('execution errors name the file, line, column and action', () => {
  test.each([
    [
      'x\n{{template "nope"}}',
      'template: apps.yaml:2:2: executing "apps.yaml" at <template "nope">: no such template "nope"',
    ],
    ['{{len 3}}', 'template: apps.yaml:1:2: executing "apps.yaml" at <len 3>: error calling len: len of type int'],
    [
      '{{index .List 9}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <index .List 9>: error calling index: index out of range: 9',
    ],
    [
      '{{index .Map 1}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <index .Map 1>: error calling index: value has type int; should be string',
    ],
    ['{{not}}', 'template: apps.yaml:1:2: executing "apps.yaml" at <not>: wrong number of args for not: want 1 got 0'],
    [
      '{{eq 1}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <eq 1>: error calling eq: missing argument for comparison',
    ],
    [
      '{{eq 1 "a"}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <eq 1 "a">: error calling eq: incompatible types for comparison',
    ],
    [
      '{{lt true false}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <lt true false>: error calling lt: invalid type for comparison',
    ],
    [
      '{{range true}}{{end}}',
      'template: apps.yaml:1:8: executing "apps.yaml" at <true>: range can\'t iterate over true',
    ],
    [
      '{{.Nil.Field}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <.Nil.Field>: nil pointer evaluating interface {}.Field',
    ],
    [
      '{{.Name.Field}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <.Name.Field>: can\'t evaluate field Field in type string',
    ],
    [
      '{{.Name 1}}',
      'template: apps.yaml:1:2: executing "apps.yaml" at <.Name 1>: Name is not a method but has arguments',
    ],
    ['{{1 2}}', 'template: apps.yaml:1:2: executing "apps.yaml" at <1 2>: can\'t give argument to non-function 1'],
    ['{{if nil}}{{end}}', 'template: apps.yaml:1:5: executing "apps.yaml" at <nil>: nil is not a command'],
    [
      '{{define "r"}}{{template "r"}}{{end}}{{template "r"}}',
      'template: apps.yaml:1:16: executing "r" at <template "r">: exceeded maximum template depth (200)',
    ],
  ])('%j fails with %s', (template, message) => {
    expect(failure(template)).toBe(message);
  });
});

describe('limits', () => {
  test('printf: invalid runes print U+FFFD, huge widths and precisions are refused as Go refuses them', () => {
    expect(renderTemplate('t', '{{printf "%c|%c|%q" -1 1114112 55296}}', {}).output).toBe("\uFFFD|\uFFFD|'\uFFFD'");
    expect(renderTemplate('t', '{{printf "%9999999d|%.9999999f" 1 1.5}}', {}).output).toBe(
      '%!(BADWIDTH)1|%!(BADPREC)1.500000',
    );
    expect(renderTemplate('t', '{{printf "%.150f" 1.5}}', {}).output).toBe(`1.5${'0'.repeat(149)}`);
    expect(renderTemplate('t', '{{printf "%.120e" 1.5}}', {}).output).toBe(`1.5${'0'.repeat(119)}e+00`);
  });

  test('a huge range is counted lazily and stopped by the step budget; a huge output is stopped too', () => {
    expect(() => renderTemplate('t', '{{range 1000000000000}}{{end}}', {}, { maxSteps: 1000 })).toThrow(
      /executing "t" at <.*>: execution took too many steps$/,
    );
    expect(() => renderTemplate('t', '{{range 1000}}{{$.Big}}{{end}}', { Big: 'x'.repeat(100_000) })).toThrow(
      /output exceeds 67108864 characters$/,
    );
  });
});

const FRAGMENTS = [
  '"%c"',
  '"%.200f %9d %-3q %x"',
  '{{',
  '}}',
  '{{- ',
  ' -}}',
  ' ',
  '\n',
  'if ',
  'else ',
  'end',
  'range ',
  'with ',
  'define ',
  'template ',
  'block ',
  'break',
  'continue',
  '.Name',
  '.List',
  '.Map.a',
  '.',
  '$',
  '$x',
  ':=',
  '=',
  ',',
  '|',
  '(',
  ')',
  '"s"',
  '`r`',
  "'c'",
  '1',
  '-2',
  '1.5',
  'nil',
  'true',
  'eq ',
  'and ',
  'or ',
  'not ',
  'index ',
  'len ',
  'printf ',
  '"%d %s %v"',
  'print ',
  'slice ',
  '/*',
  '*/',
  'x',
  '{{end}}',
  '{{else}}',
  '{{if .Name}}',
  '{{range $i, $x := .List}}',
  '{{with .Map}}',
];

const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('Name', 'List', 'Map', 'a', 'b'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('properties', () => {
  test('text without {{ renders to itself, whatever the data', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }).filter((text) => !text.includes('{{')),
        data,
        (text, values) => {
          expect(renderTemplate('t', text, values)).toEqual({ output: text, noValue: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('rendering anything either succeeds or throws a TemplateError, never anything else', () => {
    const template = fc
      .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 30 })
      .map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(template, data, (text, values) => {
        try {
          expect(typeof renderTemplate('t', text, { Name: 'n', List: [1, 2], Map: { a: values } }).output).toBe(
            'string',
          );
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          expect(error.message).toMatch(/^template: t(:\d+)+: /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('{{.Key}} prints a string value exactly, and {{printf "%q"}} quotes it as JSON would for printable text', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(renderTemplate('t', '{{.Key}}', { Key: value }).output).toBe(value);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~]*$/), (value) => {
        expect(renderTemplate('t', '{{printf "%q" .}}', value).output).toBe(
          JSON.stringify(value).replaceAll('\\u007f', '\\x7f'),
        );
      }),
      { numRuns: 300 },
    );
  });
});
