/**
 * Go text/template's lexer: text and `{{ }}` actions, with the `{{- ` / ` -}}` trim
 * markers (a dash next to the delimiter and then white space) and `{{/* ... *\/}}` comments.
 */
import { parseError } from './errors.js';

export type TokenKind =
  | 'text'
  | 'left'
  | 'right'
  | 'space'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'string'
  | 'number'
  | 'char'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'leftParen'
  | 'rightParen'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text; for strings, the text with its quotes. */
  value: string;
  pos: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const SIMPLE: Record<string, TokenKind> = {
  '(': 'leftParen',
  ')': 'rightParen',
  '|': 'pipe',
  ',': 'comma',
  '=': 'assign',
};

const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\t' || char === '\r' || char === '\n';
const isAlphaNumeric = (char: string | undefined): boolean => char !== undefined && /^[\p{L}\p{Nd}_]$/u.test(char);
const NUMBER =
  /^[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?\d+)?|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.?[\d_]*(?:[eE][+-]?\d+)?)i?/;

class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private parens = 0;

  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {}

  fail(offset: number, what: string): never {
    throw parseError(this.name, this.text, offset, what);
  }

  private emit(kind: TokenKind, start: number, end: number): void {
    this.tokens.push({ kind, value: this.text.slice(start, end), pos: start });
  }

  /** Right delimiter here? Returns its length including a ` -` trim marker, or 0. */
  private rightDelimiter(at: number): { length: number; trim: boolean } | undefined {
    const { text } = this;
    if (isSpace(text[at]) && text[at + 1] === '-' && text.startsWith('}}', at + 2)) return { length: 4, trim: true };
    if (text.startsWith('}}', at)) return { length: 2, trim: false };
    return undefined;
  }

  private skipSpace(at: number): number {
    let position = at;
    while (isSpace(this.text[position])) position += 1;
    return position;
  }

  run(): Token[] {
    const { text } = this;
    while (this.pos < text.length) {
      const open = text.indexOf('{{', this.pos);
      if (open < 0) {
        this.emit('text', this.pos, text.length);
        break;
      }
      const trim = text[open + 2] === '-' && isSpace(text[open + 3]);
      let textEnd = open;
      if (trim) while (textEnd > this.pos && isSpace(text[textEnd - 1])) textEnd -= 1;
      if (textEnd > this.pos) this.emit('text', this.pos, textEnd);
      const inside = open + (trim ? 4 : 2);
      if (text.startsWith('/*', inside)) this.comment(open, inside);
      else this.action(open, inside);
    }
    this.tokens.push({ kind: 'eof', value: '', pos: text.length });
    return this.tokens;
  }

  private comment(open: number, inside: number): void {
    const close = this.text.indexOf('*/', inside + 2);
    if (close < 0) this.fail(open, 'unclosed comment');
    const delimiter = this.rightDelimiter(close + 2);
    if (!delimiter) this.fail(open, 'comment ends before closing delimiter');
    this.pos = close + 2 + delimiter.length;
    if (delimiter.trim) this.pos = this.skipSpace(this.pos);
  }

  private action(open: number, inside: number): void {
    this.emit('left', open, inside);
    this.pos = inside;
    this.parens = 0;
    for (;;) {
      const delimiter = this.rightDelimiter(this.pos);
      if (delimiter) {
        if (this.parens > 0) this.fail(this.pos, 'unclosed left paren');
        this.emit('right', this.pos, this.pos + delimiter.length);
        this.pos += delimiter.length;
        if (delimiter.trim) this.pos = this.skipSpace(this.pos);
        return;
      }
      if (this.pos >= this.text.length) this.fail(open, 'unclosed action');
      this.token();
    }
  }

  private token(): void {
    const { text, pos: start } = this;
    const char = text[start] as string;
    if (isSpace(char)) return this.space(start);
    if (char === ':') {
      if (text[start + 1] !== '=') this.fail(start, 'expected :=');
      this.emit('declare', start, start + 2);
      this.pos = start + 2;
      return;
    }
    if (char === '"' || char === '`' || char === "'") return this.quoted(start, char);
    if (this.operand(start, char)) return;
    const simple = SIMPLE[char];
    if (!simple)
      this.fail(
        start,
        `unrecognized character in action: U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} '${char}'`,
      );
    if (simple === 'leftParen') this.parens += 1;
    if (simple === 'rightParen' && --this.parens < 0) this.fail(start, 'unexpected right paren');
    this.emit(simple, start, start + 1);
    this.pos = start + 1;
  }

  /** Variables, fields, numbers and identifiers; false when `char` starts none of them. */
  private operand(start: number, char: string): boolean {
    if (char === '$') this.word(start, start + 1, 'variable');
    else if (char === '.' && !/\d/.test(this.text[start + 1] ?? '')) this.word(start, start + 1, 'field');
    else if (/[\d.+-]/.test(char)) this.number(start);
    else if (isAlphaNumeric(char)) this.word(start, start, 'identifier');
    else return false;
    return true;
  }

  private space(start: number): void {
    let end = this.skipSpace(start);
    // The last space may belong to a ` -}}` trim marker.
    if (this.text[end] === '-' && this.text.startsWith('}}', end + 1)) end -= 1;
    if (end > start) this.emit('space', start, end);
    this.pos = end;
  }

  private atTerminator(at: number): boolean {
    const char = this.text[at];
    return char === undefined || isSpace(char) || '.,|:()='.includes(char) || this.text.startsWith('}}', at);
  }

  private word(start: number, from: number, kind: 'variable' | 'field' | 'identifier'): void {
    let end = from;
    while (isAlphaNumeric(this.text[end])) end += 1;
    if (!this.atTerminator(end))
      this.fail(
        start,
        `bad character U+${this.text.codePointAt(end)?.toString(16).toUpperCase().padStart(4, '0')} '${this.text[end]}'`,
      );
    const value = this.text.slice(start, end);
    let resolved: TokenKind = kind;
    if (kind === 'field' && end === from) resolved = 'dot';
    if (kind === 'identifier') {
      if (KEYWORDS.has(value)) resolved = 'keyword';
      else if (value === 'true' || value === 'false') resolved = 'bool';
      else if (value === 'nil') resolved = 'nil';
    }
    this.emit(resolved, start, end);
    this.pos = end;
  }

  private number(start: number): void {
    const match = NUMBER.exec(this.text.slice(start)) as RegExpExecArray;
    const end = start + match[0].length;
    if (match[0] === '' || /^[+-]$/.test(match[0]) || isAlphaNumeric(this.text[end]) || this.text[end] === '.') {
      let bad = end;
      while (bad < this.text.length && !this.atTerminator(bad + 1)) bad += 1;
      this.fail(start, `bad number syntax: "${this.text.slice(start, bad + 1)}"`);
    }
    this.emit('number', start, end);
    this.pos = end;
  }

  private quoted(start: number, quote: string): void {
    const { text } = this;
    const what = {
      '"': 'unterminated quoted string',
      '`': 'unterminated raw quoted string',
      "'": 'unterminated character constant',
    }[quote] as string;
    let end = start + 1;
    for (;;) {
      const char = text[end];
      if (char === undefined || (char === '\n' && quote !== '`')) this.fail(start, what);
      if (char === '\\' && quote !== '`') end += 1;
      else if (char === quote) break;
      end += 1;
    }
    this.emit(quote === "'" ? 'char' : 'string', start, end + 1);
    this.pos = end + 1;
  }
}

export function lex(name: string, text: string): Token[] {
  return new Lexer(name, text).run();
}
