/** Go's literal syntax inside actions: quoted strings, character constants and numbers. */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Go's strconv.Unquote for "..." and '...' bodies; undefined when an escape is invalid. */
export function unescape(body: string): string | undefined {
  let out = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index] as string;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[index + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      index += 1;
      continue;
    }
    const digits = { x: 2, u: 4, U: 8 }[next as 'x' | 'u' | 'U'];
    const octal = /^[0-7]{3}/.exec(body.slice(index + 1));
    const hex = digits ? body.slice(index + 2, index + 2 + digits) : '';
    if (digits && /^[0-9a-fA-F]+$/.test(hex) && hex.length === digits) {
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      index += 1 + digits;
    } else if (octal) {
      out += String.fromCodePoint(Number.parseInt(octal[0], 8));
      index += 3;
    } else return undefined;
  }
  return out;
}

/** The value of a Go number literal (`1_000`, `0x1F`, `017`, `0o17`, `0b1`, `1e3`, `.5`), or undefined. */
export function parseNumber(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '').replaceAll('_', '');
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = Number.parseInt(body.slice(2), 16);
  else if (/^0[bB][01]+$/.test(body)) value = Number.parseInt(body.slice(2), 2);
  else if (/^0[oO]?[0-7]+$/.test(body)) value = Number.parseInt(body.replace(/^0[oO]?/, ''), 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) value = Number(body);
  else return undefined;
  return sign * value;
}
