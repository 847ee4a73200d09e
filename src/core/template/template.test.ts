/**
 * Go text/template's documented behaviour (https://pkg.go.dev/text/template and the
 * fmt verbs it prints with), case by case; expected outputs are what Go prints.
 */
import { describe, expect, test } from 'vitest';
import { renderTemplate } from './index.js';

const DATA = {
  Name: 'demo',
  Port: 8080,
  True: true,
  False: false,
  Zero: 0,
  Empty: '',
  Nil: null,
  List: ['a', 'b', 'c'],
  Numbers: [1, 2, 3, 4],
  EmptyList: [],
  Map: { b: 2, a: 1, c: 3 },
  EmptyMap: {},
  Nested: { apps: [{ name: 'web', ports: [80, 443] }], labels: { tier: 'gold' } },
};

const render = (template: string, data: unknown = DATA): string => renderTemplate('t', template, data).output;

describe('the examples of the text/template documentation', () => {
  test.each([
    ['{{23 -}} < {{- 45}}', '23<45'],
    ['{{"\\"output\\""}}', '"output"'],
    ['{{`"output"`}}', '"output"'],
    ['{{printf "%q" "output"}}', '"output"'],
    ['{{"output" | printf "%q"}}', '"output"'],
    ['{{printf "%q" (print "out" "put")}}', '"output"'],
    ['{{"put" | printf "%s%s" "out" | printf "%q"}}', '"output"'],
    ['{{"output" | printf "%s" | printf "%q"}}', '"output"'],
    ['{{with "output"}}{{printf "%q" .}}{{end}}', '"output"'],
    ['{{with $x := "output" | printf "%q"}}{{$x}}{{end}}', '"output"'],
    ['{{with $x := "output"}}{{printf "%q" $x}}{{end}}', '"output"'],
    ['{{with $x := "output"}}{{$x | printf "%q"}}{{end}}', '"output"'],
    [
      '{{define "T1"}}ONE{{end}}{{define "T2"}}TWO{{end}}{{define "T3"}}{{template "T1"}} {{template "T2"}}{{end}}{{template "T3"}}',
      'ONE TWO',
    ],
  ])('%s renders %s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('trim markers and comments', () => {
  test.each([
    ['a  \n {{- .Name -}} \n\t b', 'ademob'],
    ['a {{- .Name}} b', 'ademo b'],
    ['a {{.Name -}} b', 'a demob'],
    ['a {{-3}} b', 'a -3 b'],
    ['a {{- 3}} b', 'a3 b'],
    ['a{{/* a comment */}}b', 'ab'],
    ['a \n{{- /* a comment */ -}}\n b', 'ab'],
    ['a{{/* spans\nlines */}}b', 'ab'],
    ['{{- if .True }}\nyes\n{{- end }}\n', '\nyes\n'],
  ])('%j renders %j', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('truth, as {{if}} sees it', () => {
  test.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['1.5', true],
    ['"x"', true],
    ['""', false],
    ['.List', true],
    ['.EmptyList', false],
    ['.Map', true],
    ['.EmptyMap', false],
    ['.Nil', false],
    ['.Missing', false],
    ['.Missing.Deeper', false],
    ['not .True', false],
    ['and .True .False', false],
    ['or .Zero .Name', true],
  ])('{{if %s}} is %s', (pipeline, truth) => {
    expect(render(`{{if ${pipeline}}}T{{else}}F{{end}}`)).toBe(truth ? 'T' : 'F');
  });

  test('else if chains, and with/else with', () => {
    expect(render('{{if .False}}1{{else if .Zero}}2{{else if .Name}}3{{else}}4{{end}}')).toBe('3');
    expect(render('{{with .Empty}}x{{else}}y{{end}}')).toBe('y');
    expect(render('{{with .Missing}}x{{else with .Map}}{{.a}}{{end}}')).toBe('1');
  });
});

describe('range', () => {
  test.each([
    ['{{range .List}}[{{.}}]{{end}}', '[a][b][c]'],
    ['{{range $i, $x := .List}}{{$i}}={{$x}} {{end}}', '0=a 1=b 2=c '],
    ['{{range $x := .List}}{{$x}}{{end}}', 'abc'],
    ['{{range .Map}}{{.}}{{end}}', '123'],
    ['{{range $k, $v := .Map}}{{$k}}:{{$v}} {{end}}', 'a:1 b:2 c:3 '],
    ['{{range .EmptyList}}x{{else}}empty{{end}}', 'empty'],
    ['{{range .Missing}}x{{else}}none{{end}}', 'none'],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{range .List}}{{$.Name}}{{end}}', 'demodemodemo'],
    ['{{range .Numbers}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}', '12'],
    ['{{range .Numbers}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}', '134'],
    ['{{range .Nested.apps}}{{.name}}:{{range .ports}} {{.}}{{end}}{{end}}', 'web: 80 443'],
  ])('%s renders %s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('variables', () => {
  test.each([
    ['{{$x := .Name}}{{$x}}', 'demo'],
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
    ['{{$last := ""}}{{range .List}}{{$last = .}}{{end}}{{$last}}', 'c'],
    ['{{range .List}}{{$y := .}}{{$y}}{{end}}', 'abc'],
    ['{{$x := "outer"}}{{with $x := "inner"}}{{$x}}{{end}} {{$x}}', 'inner outer'],
    ['{{$.Name}} {{$.Map.b}}', 'demo 2'],
    ['{{$m := .Map}}{{$m.c}}', '3'],
    ['{{define "T"}}{{$}}{{end}}{{template "T" .Port}}', '8080'],
  ])('%s renders %s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('functions', () => {
  test.each([
    ['{{and 1 0 2}}', '0'],
    ['{{and 1 "x"}}', 'x'],
    ['{{or 0 "" "x" "y"}}', 'x'],
    ['{{or 0 ""}}', ''],
    ['{{and .False (index .List 99)}}', 'false'],
    ['{{or .True (len 3)}}', 'true'],
    ['{{eq 3 1 2 3}}', 'true'],
    ['{{eq "a" "b" "c"}}', 'false'],
    ['{{eq .Nil nil}}', 'true'],
    ['{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', 'true true true true false'],
    ['{{not 0}} {{not "x"}}', 'true false'],
    ['{{index .List 1}} {{index .Map "c"}} {{index .Nested "apps" 0 "ports" 1}}', 'b 3 443'],
    ['{{index .Map "zz"}}', '<no value>'],
    ['{{index "abc" 1}}', '98'],
    ['{{len .List}} {{len .Map}} {{len "héllo"}} {{.List | len}}', '3 3 6 3'],
    ['{{slice .List 1}} {{slice .List 1 2}} {{slice "hello" 1 3}}', '[b c] [b] el'],
    ['{{(index .Nested.apps 0).name}}', 'web'],
    ['{{print 1 2}} {{print "a" "b"}} {{print 1 "a" 2}}', '1 2 ab 1a2'],
    ['{{println 1 "a"}}', '1 a\n'],
    ['{{print nil}} {{.Nil}}', '<nil> <no value>'],
    ['{{html "<a href=\'x\'>&</a>"}}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
    ['{{js "it\'s <b>"}}', "it\\'s \\u003Cb\\u003E"],
    ['{{urlquery "a b&c=d/é"}}', 'a+b%26c%3Dd%2F%C3%A9'],
  ])('%s renders %j', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('printf and printing', () => {
  test.each([
    ['{{printf "%5d|%-5d|%05d|%+d" 42 42 42 42}}', '   42|42   |00042|+42'],
    ['{{printf "%x %X %o %b %c %U" 255 255 8 5 65 65}}', 'ff FF 10 101 A U+0041'],
    ['{{printf "%#x %x" 255 "hi"}}', '0xff 6869'],
    [
      '{{printf "%.2f|%8.3f|%e|%g|%g" 3.14159 2.5 1234.5678 0.000012 100000.5}}',
      '3.14|   2.500|1.234568e+03|1.2e-05|100000.5',
    ],
    ['{{printf "%s|%10s|%-4s|%.2s" "go" "right" "l" "trunc"}}', 'go|     right|l   |tr'],
    ['{{printf "%q %q" "a\\nb\\"c" 97}}', `"a\\nb\\"c" 'a'`],
    ['{{printf "%t %v" true .List}}', 'true [a b c]'],
    ['{{printf "%v" .Map}}', 'map[a:1 b:2 c:3]'],
    ['{{printf "%d" .Numbers}}', '[1 2 3 4]'],
    ['{{printf "%d" "x"}}', '%!d(string=x)'],
    ['{{printf "%s" 5}}', '%!s(int=5)'],
    ['{{printf "%d %d" 1}}', '1 %!d(MISSING)'],
    ['{{printf "%d" 1 "x"}}', '1%!(EXTRA string=x)'],
    ['{{printf "100%%"}}', '100%'],
    ['{{printf "%v" nil}}', '<nil>'],
    ["{{.Port}} {{1.5}} {{-2}} {{0x1F}} {{017}} {{1_000}} {{'a'}} {{true}}", '8080 1.5 -2 31 15 1000 97 true'],
    [
      '{{.List}} {{.Map}} {{.EmptyList}} {{.Nested}}',
      '[a b c] map[a:1 b:2 c:3] [] map[apps:[map[name:web ports:[80 443]]] labels:map[tier:gold]]',
    ],
    ['{{0.000001}} {{1234567.5}} {{123456.5}}', '1e-06 1.2345675e+06 123456.5'],
    ['{{"\\t\\u00e9\\x41"}}', '\téA'],
  ])('%s renders %j', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('missing keys', () => {
  test('print <no value> by default and are reported; missingKey "error" stops instead', () => {
    expect(renderTemplate('t', 'a={{.Missing}} b={{.Map.zz}} c={{.Nil}}', DATA)).toEqual({
      output: 'a=<no value> b=<no value> c=<no value>',
      noValue: ['Missing', 'zz', '.Nil'],
    });
    expect(() => renderTemplate('t', '{{.Missing}}', DATA, { missingKey: 'error' })).toThrow(
      'template: t:1:2: executing "t" at <.Missing>: map has no entry for key "Missing"',
    );
  });

  test('keys inherited from Object.prototype are not keys of the values', () => {
    expect(renderTemplate('t', '{{.constructor}}{{.toString}}', {}).noValue).toEqual(['constructor', 'toString']);
  });
});
