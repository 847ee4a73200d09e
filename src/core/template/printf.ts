/** Go's fmt.Sprintf for template values: flags `-+# 0`, width, precision and the common verbs. */
import { formatE, formatG, formatNumber, formatValue, quote } from './format.js';
import { isInt, isMap, NoValue, sortedKeys, typeName } from './values.js';

interface Spec {
  flags: string;
  width?: number;
  precision?: number;
}

const truncate = (text: string, precision?: number): string =>
  precision === undefined ? text : [...text].slice(0, precision).join('');

function pad(body: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const length = [...body].length;
  if (length >= width) return body;
  if (spec.flags.includes('-')) return body + ' '.repeat(width - length);
  if (spec.flags.includes('0') && !(numeric && spec.precision !== undefined)) {
    const sign = numeric && /^[+\- ]/.test(body) ? body.slice(0, 1) : '';
    return sign + '0'.repeat(width - length) + body.slice(sign.length);
  }
  return ' '.repeat(width - length) + body;
}

function signed(digits: string, negative: boolean, flags: string): string {
  if (negative) return `-${digits}`;
  if (flags.includes('+')) return `+${digits}`;
  return flags.includes(' ') ? ` ${digits}` : digits;
}

const RADIX: Record<string, [number, string]> = {
  d: [10, ''],
  x: [16, '0x'],
  X: [16, '0X'],
  o: [8, '0'],
  O: [8, '0o'],
  b: [2, '0b'],
};

/** A rune as text; Go prints U+FFFD for a value that is not one. */
const runeText = (value: number): string =>
  value >= 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff) ? String.fromCodePoint(value) : '\uFFFD';

const fixed = (value: number, precision: number): string =>
  value.toFixed(Math.min(precision, 100)) + '0'.repeat(Math.max(precision - 100, 0));

function integerBody(verb: string, value: number, spec: Spec): string | undefined {
  const radix = RADIX[verb];
  if (radix) {
    let digits = (BigInt(value) < 0n ? -BigInt(value) : BigInt(value)).toString(radix[0]);
    if (verb === 'X') digits = digits.toUpperCase();
    if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
    const prefix = spec.flags.includes('#') || verb === 'O' ? radix[1] : '';
    return signed(prefix + digits, value < 0, spec.flags);
  }
  if (verb === 'c') return runeText(value);
  if (verb === 'q') return `'${quote(runeText(value)).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
  if (verb === 'U') return `U+${value.toString(16).toUpperCase().padStart(4, '0')}`;
  if (verb === 'v') return signed(formatNumber(Math.abs(value)), value < 0, spec.flags);
  return undefined;
}

function floatBody(verb: string, value: number, spec: Spec): string | undefined {
  const magnitude = Math.abs(value);
  const negative = value < 0 || Object.is(value, -0);
  let digits: string | undefined;
  if (verb === 'v' || verb === 'g' || verb === 'G') digits = formatG(magnitude, spec.precision);
  else if (verb === 'e' || verb === 'E') digits = formatE(magnitude, spec.precision ?? 6, verb === 'E');
  else if (verb === 'f' || verb === 'F')
    digits = Number.isFinite(magnitude) ? fixed(magnitude, spec.precision ?? 6) : formatG(magnitude);
  if (digits === undefined) return undefined;
  if (verb === 'G') digits = digits.toUpperCase();
  return signed(digits.replace(/^\+/, ''), negative && !Number.isNaN(value), spec.flags);
}

function stringBody(verb: string, value: string, spec: Spec): string | undefined {
  if (verb === 's' || verb === 'v') return truncate(value, spec.precision);
  if (verb === 'q') return quote(truncate(value, spec.precision));
  if (verb === 'x' || verb === 'X') {
    const hex = [...Buffer.from(truncate(value, spec.precision))].map((byte) => byte.toString(16).padStart(2, '0'));
    const text = hex.join(spec.flags.includes(' ') ? ' ' : '');
    return verb === 'X' ? text.toUpperCase() : text;
  }
  return undefined;
}

/** The formatted scalar, or undefined when Go would print `%!verb(type=value)`. */
function scalarBody(verb: string, value: unknown, spec: Spec): string | undefined {
  if (typeof value === 'string') return stringBody(verb, value, spec);
  if (typeof value === 'boolean') return verb === 't' || verb === 'v' ? String(value) : undefined;
  if (isInt(value)) return integerBody(verb, value, spec);
  if (typeof value === 'number') return floatBody(verb, value, spec);
  if (value === null || value === undefined || value instanceof NoValue) return verb === 'v' ? '<nil>' : undefined;
  return verb === 'v' ? String(value) : undefined;
}

function formatOne(verb: string, value: unknown, spec: Spec): string {
  if (Array.isArray(value)) return `[${value.map((item) => formatOne(verb, item, spec)).join(' ')}]`;
  if (isMap(value)) {
    const pairs = sortedKeys(value).map((key) => `${formatOne(verb, key, spec)}:${formatOne(verb, value[key], spec)}`);
    return `map[${pairs.join(' ')}]`;
  }
  const body = scalarBody(verb, value, spec);
  if (body === undefined) {
    const nil = value === null || value === undefined || value instanceof NoValue;
    return nil ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(value)}=${formatValue(value)})`;
  }
  return pad(body, spec, typeof value === 'number');
}

const DIRECTIVE = /%([-+# 0]*)(\d+)?(?:\.(\d*))?(.)?/suy;

/** One `%...` directive with its argument. Go refuses widths and precisions over a million, and formats without them. */
function directive(
  verb: string,
  flags: string,
  width: string | undefined,
  precision: string | undefined,
  arg: unknown,
): string {
  const badWidth = Number(width ?? 0) > 1e6;
  const badPrecision = Number(precision ?? 0) > 1e6;
  const spec: Spec = {
    flags,
    ...(width && !badWidth ? { width: Number(width) } : {}),
    ...(precision !== undefined && !badPrecision ? { precision: Number(precision || 0) } : {}),
  };
  return `${badWidth ? '%!(BADWIDTH)' : ''}${badPrecision ? '%!(BADPREC)' : ''}${formatOne(verb, arg, spec)}`;
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let used = 0;
  let index = 0;
  while (index < format.length) {
    const percent = format.indexOf('%', index);
    if (percent < 0) {
      out += format.slice(index);
      break;
    }
    out += format.slice(index, percent);
    DIRECTIVE.lastIndex = percent;
    const match = DIRECTIVE.exec(format) as RegExpExecArray;
    index = DIRECTIVE.lastIndex;
    const [, flags = '', width, precision, verb] = match;
    if (verb === undefined) out += '%!(NOVERB)';
    else if (verb === '%') out += '%';
    else if (used >= args.length) out += `%!${verb}(MISSING)`;
    else {
      out += directive(verb, flags, width, precision, args[used]);
      used += 1;
    }
  }
  if (used < args.length) {
    const extra = args.slice(used).map((arg) => (arg === null ? '<nil>' : `${typeName(arg)}=${formatValue(arg)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
