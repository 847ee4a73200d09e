/**
 * Go text/template's predefined functions (no FuncMap: emcoctl adds none). `and` and
 * `or` are evaluated lazily by the executor; their entries here see every argument.
 */
import { CallError, COMPARISONS } from './compare.js';
import { formatValue, sprint, sprintln } from './format.js';
import { sprintf } from './printf.js';
import { isInt, isMap, isTrue, typeName } from './values.js';

export { CallError } from './compare.js';

/** Minimum and maximum number of arguments; the executor words a mismatch as Go does. */
export interface Builtin {
  min: number;
  max: number;
  run: (args: unknown[]) => unknown;
}

function position(index: unknown, length: number, capacity = length): number {
  if (!isInt(index)) throw new CallError(`cannot index slice/array with type ${typeName(index)}`);
  if (index < 0 || index > capacity) throw new CallError(`index out of range: ${index}`);
  return index;
}

function index(args: unknown[]): unknown {
  let [item] = args;
  for (const key of args.slice(1)) {
    if (item === null || item === undefined) throw new CallError('index of untyped nil');
    if (typeof item === 'string') item = Buffer.from(item)[position(key, Buffer.byteLength(item) - 1)];
    else if (Array.isArray(item)) item = item[position(key, item.length - 1)];
    else if (isMap(item)) {
      if (typeof key !== 'string') throw new CallError(`value has type ${typeName(key)}; should be string`);
      item = Object.hasOwn(item, key) ? item[key] : null;
    } else throw new CallError(`can't index item of type ${typeName(item)}`);
  }
  return item;
}

function slice(args: unknown[]): unknown {
  const [item, ...bounds] = args;
  if (typeof item !== 'string' && !Array.isArray(item))
    throw new CallError(`can't slice item of type ${typeName(item)}`);
  if (typeof item === 'string' && bounds.length > 2) throw new CallError('cannot 3-index slice a string');
  const length = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
  const [start = 0, end = length] = bounds.slice(0, 2).map((bound) => position(bound, length));
  if (start > end) throw new CallError(`invalid slice index: ${start} > ${end}`);
  return typeof item === 'string' ? Buffer.from(item).subarray(start, end).toString() : item.slice(start, end);
}

function len(args: unknown[]): number {
  const [item] = args;
  if (item === null || item === undefined) throw new CallError('len of untyped nil');
  if (typeof item === 'string') return Buffer.byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (isMap(item)) return Object.keys(item).length;
  throw new CallError(`len of type ${typeName(item)}`);
}

/** html, js and urlquery print their arguments as one string first, as Go's evalArgs does. */
const asText = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

const HTML: Record<string, string> = {
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\0': '\uFFFD',
};
const JS: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};
const jsEscape = (char: string): string =>
  JS[char] ??
  (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)
    ? char
    : `\\u${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`);
const urlEscape = (text: string): string =>
  [...Buffer.from(text)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-_.~]/.test(char)) return char;
      return char === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

const compare =
  (run: (...args: unknown[]) => boolean) =>
  (args: unknown[]): boolean =>
    run(...args);

export const BUILTINS: Record<string, Builtin> = {
  and: { min: 1, max: Infinity, run: (args) => args.find((arg) => !isTrue(arg)) ?? args.at(-1) },
  or: { min: 1, max: Infinity, run: (args) => args.find((arg) => isTrue(arg)) ?? args.at(-1) },
  not: { min: 1, max: 1, run: (args) => !isTrue(args[0]) },
  eq: { min: 1, max: Infinity, run: compare(COMPARISONS.eq) },
  ne: { min: 2, max: 2, run: compare(COMPARISONS.ne) },
  lt: { min: 2, max: 2, run: compare(COMPARISONS.lt) },
  le: { min: 2, max: 2, run: compare(COMPARISONS.le) },
  gt: { min: 2, max: 2, run: compare(COMPARISONS.gt) },
  ge: { min: 2, max: 2, run: compare(COMPARISONS.ge) },
  index: { min: 1, max: Infinity, run: index },
  slice: { min: 1, max: 4, run: slice },
  len: { min: 1, max: 1, run: len },
  print: { min: 0, max: Infinity, run: sprint },
  println: { min: 0, max: Infinity, run: sprintln },
  printf: {
    min: 1,
    max: Infinity,
    run: ([format, ...args]) => sprintf(typeof format === 'string' ? format : formatValue(format), args),
  },
  html: { min: 0, max: Infinity, run: (args) => [...asText(args)].map((char) => HTML[char] ?? char).join('') },
  js: { min: 0, max: Infinity, run: (args) => [...asText(args)].map(jsEscape).join('') },
  urlquery: { min: 0, max: Infinity, run: (args) => urlEscape(asText(args)) },
  call: {
    min: 1,
    max: Infinity,
    run: ([fn]) => {
      throw new CallError(
        fn === null || fn === undefined ? 'call of nil' : `non-function ${formatValue(fn)} of type ${typeName(fn)}`,
      );
    },
  },
};

export const BUILTIN_NAMES: ReadonlySet<string> = new Set(Object.keys(BUILTINS));
