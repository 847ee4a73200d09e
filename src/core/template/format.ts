/** Go's fmt for template values: %v printing, Sprint, Sprintln and Sprintf's common verbs. */
import { isInt, isMap, NoValue, sortedKeys } from './values.js';

const isPrintable = (char: string): boolean => /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char);
const QUOTE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's strconv.Quote. */
export function quote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const escape = QUOTE_ESCAPES[char];
    if (escape) out += escape;
    else if (isPrintable(char)) out += char;
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Shortest (or `precision`-digit) decimal digits of |x| and the position of its decimal point. */
function digitsOf(x: number, precision?: number): { digits: string; point: number } {
  const [mantissa, exponent] = Math.abs(x)
    .toExponential(precision === undefined ? undefined : Math.min(Math.max(precision - 1, 0), 100))
    .split('e');
  const digits = (mantissa as string).replace('.', '').replace(/0+$/, '') || '0';
  return { digits, point: Number(exponent) + 1 };
}

const exponentText = (exponent: number): string =>
  `e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;

/** Go's %g: shortest digits by default; %e form below 1e-4 or at and above 10^precision (6 when shortest). */
export function formatG(x: number, precision?: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { digits, point } = digitsOf(x, precision);
  let limit = precision ?? 6;
  if (precision !== undefined && limit > digits.length && digits.length >= point) limit = digits.length;
  const exponent = point - 1;
  const body = exponent < -4 || exponent >= limit ? exponentForm(digits, exponent) : decimalForm(digits, point);
  return x < 0 ? `-${body}` : body;
}

function exponentForm(digits: string, exponent: number): string {
  const fraction = digits.slice(1);
  return `${digits[0]}${fraction ? `.${fraction}` : ''}${exponentText(exponent)}`;
}

function decimalForm(digits: string, point: number): string {
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  const fraction = digits.slice(point);
  return `${digits.slice(0, point).padEnd(point, '0')}${fraction ? `.${fraction}` : ''}`;
}

export function formatE(x: number, precision = 6, upper = false): string {
  if (!Number.isFinite(x)) return formatG(x);
  // JavaScript gives at most 100 digits; Go's further digits of a double are zeros anyway.
  const [mantissa, exponent] = x.toExponential(Math.min(precision, 100)).split('e');
  const text = `${mantissa}${'0'.repeat(Math.max(precision - 100, 0))}${exponentText(Number(exponent))}`;
  return upper ? text.toUpperCase() : text;
}

export function formatNumber(x: number): string {
  return isInt(x) ? BigInt(x).toString() : formatG(x);
}

/** Go's %v: lists as `[a b]`, maps as `map[k:v]` in key order, nil as `<nil>`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value instanceof NoValue) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(' ')}]`;
  if (isMap(value))
    return `map[${sortedKeys(value)
      .map((key) => `${key}:${formatValue(value[key])}`)
      .join(' ')}]`;
  return String(value);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((arg, index) => {
    if (index > 0 && typeof arg !== 'string' && typeof args[index - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

export function sprintln(args: unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}
