/**
 * The size limits of limits.ts, measured on a body's JSON text before `JSON.parse` builds a single
 * object: parsing a 4 MB body of 400,000 keys takes the event loop for over a second, scanning
 * its text takes a few milliseconds and can stop every 16 KB to let other requests run. The
 * scanner only counts; it leaves telling good JSON from bad to `JSON.parse`, and gives up (no
 * issues) at the first character that JSON does not allow there.
 */
import type { Issue } from '../errors.js';
import { LIMITS } from './limits.js';

interface Container {
  array: boolean;
  /** Entries of a list, keys of an object, so far. */
  count: number;
  path: string;
}

type Expect = 'value' | 'key' | 'colon' | 'next' | 'scalar' | 'string' | 'end';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** `]`, `}`, `,` and `:`, which cannot start a value. */
const PUNCTUATION = new Set([0x5d, 0x7d, 0x2c, 0x3a]);

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isDelimiter(code: number): boolean {
  return isSpace(code) || code === 0x2c || code === 0x5d || code === 0x7d;
}

/** Feed it the text in pieces (`scan(end)`), then read `issues()`. */
export class JsonShapeScanner {
  private position = 0;
  private expect: Expect = 'value';
  private readonly stack: Container[] = [];
  private values = 0;
  private readonly keyNames = new Set<string>();
  private readonly found = new Map<string, Issue>();
  private malformed = false;
  // The string being read.
  private stringStart = 0;
  private stringLength = 0;
  private escaped = false;
  private isKey = false;
  private key = '';

  constructor(private readonly text: string) {}

  /** Done at the end, at text that is not JSON, or at the first problem: the rest would only cost time. */
  get done(): boolean {
    return this.malformed || this.found.size > 0 || this.position >= this.text.length;
  }

  /** Scans up to `end` (exclusive), or to the end of the text. */
  scan(end = this.text.length): void {
    const stop = Math.min(end, this.text.length);
    while (this.position < stop && !this.done) {
      if (this.expect === 'string') this.readString(stop);
      else this.step(this.text.charCodeAt(this.position++));
    }
  }

  /** The first problem, named by its path; none when the text is not JSON (the parser says why). */
  issues(): Issue[] {
    return this.malformed ? [] : [...this.found.values()];
  }

  private get top(): Container | undefined {
    return this.stack[this.stack.length - 1];
  }

  private report(limit: string, issue: Issue): void {
    if (!this.found.has(limit)) this.found.set(limit, issue);
  }

  private step(code: number): void {
    if (isSpace(code) && this.expect !== 'scalar') return;
    switch (this.expect) {
      case 'value':
        return this.startValue(code);
      case 'key':
        if (code === QUOTE) return this.startString(true);
        if (code === 0x7d && this.top?.count === 0) return this.close(false);
        return this.fail();
      case 'colon':
        if (code !== 0x3a) return this.fail();
        this.expect = 'value';
        return;
      case 'scalar':
        if (!isDelimiter(code)) return;
        this.expect = 'next';
        return this.step(code);
      case 'next':
        return this.next(code);
      default:
        return this.fail();
    }
  }

  private next(code: number): void {
    const top = this.top;
    if (!top) return this.fail();
    if (code === 0x2c) {
      this.expect = top.array ? 'value' : 'key';
      return;
    }
    if (code === (top.array ? 0x5d : 0x7d)) return this.close(top.array);
    this.fail();
  }

  /** A value starts: it is counted, and where it is a list or an object, entered. */
  private startValue(code: number): void {
    const top = this.top;
    if (code === 0x5d && top?.array && top.count === 0) return this.close(true);
    if (PUNCTUATION.has(code)) return this.fail();
    if (top) this.countEntry(top);
    if (++this.values > LIMITS.values)
      return this.report('values', { path: '(body)', message: `holds more than ${LIMITS.values} values` });
    if (code === 0x5b || code === 0x7b) return this.open(code === 0x5b);
    if (code === QUOTE) return this.startString(false);
    this.expect = 'scalar';
  }

  private childPath(): string {
    const top = this.top;
    if (!top) return '';
    if (top.array) return `${top.path}[${top.count - 1}]`;
    return top.path ? `${top.path}.${this.key}` : this.key;
  }

  private countEntry(top: Container): void {
    top.count += 1;
    const limit = top.array ? LIMITS.listItems : LIMITS.objectKeys;
    if (top.count > limit) {
      const what = top.array ? 'entries' : 'keys';
      return this.report('size', {
        path: top.path || '(body)',
        message: `has more than ${limit} ${what}; at most ${limit} are accepted`,
      });
    }
    if (top.array) return;
    this.keyNames.add(this.key);
    if (this.keyNames.size > LIMITS.keyNames)
      this.report('keyNames', { path: '(body)', message: `uses more than ${LIMITS.keyNames} different key names` });
  }

  private open(array: boolean): void {
    const path = this.childPath();
    if (this.stack.length > LIMITS.depth)
      return this.report('depth', { path, message: `nests deeper than ${LIMITS.depth} levels` });
    this.stack.push({ array, count: 0, path });
    this.expect = array ? 'value' : 'key';
  }

  private close(array: boolean): void {
    const container = this.stack.pop() as Container;
    if (container.array !== array) return this.fail();
    this.expect = this.stack.length === 0 ? 'end' : 'next';
  }

  private startString(isKey: boolean): void {
    this.expect = 'string';
    this.isKey = isKey;
    this.stringStart = this.position;
    this.stringLength = 0;
    this.escaped = false;
  }

  /** Reads on to the closing quote or `stop`; a string's length is its characters, an escape counting one. */
  private readString(stop: number): void {
    const text = this.text;
    let position = this.position;
    while (position < stop) {
      const code = text.charCodeAt(position++);
      if (this.escaped) {
        this.escaped = false;
        if (code === 0x75) this.stringLength -= 4; // the six characters of \uXXXX count as one
      } else if (code === BACKSLASH) {
        this.escaped = true;
        continue;
      } else if (code === QUOTE) {
        this.position = position;
        return this.endString();
      }
      if (++this.stringLength > LIMITS.stringLength) {
        this.position = position;
        return this.tooLong();
      }
    }
    this.position = position;
  }

  private tooLong(): void {
    const path = this.isKey
      ? this.childPathOfKey(this.text.slice(this.stringStart, this.stringStart + 64))
      : this.lastPath();
    this.report('string', { path, message: `is a text longer than ${LIMITS.stringLength} characters` });
  }

  private endString(): void {
    if (!this.isKey) {
      this.expect = this.stack.length === 0 ? 'end' : 'next';
      return;
    }
    const raw = this.text.slice(this.stringStart, this.position - 1);
    this.key = raw.includes('\\') ? this.decode(raw) : raw;
    this.expect = 'colon';
  }

  private decode(raw: string): string {
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      this.fail();
      return raw;
    }
  }

  private childPathOfKey(raw: string): string {
    const top = this.top;
    return top?.path ? `${top.path}.${raw.slice(0, 64)}` : raw.slice(0, 64);
  }

  /** The path of the value just read: the last entry of the container it is in. */
  private lastPath(): string {
    const top = this.top;
    if (!top) return '(body)';
    if (top.array) return `${top.path}[${top.count - 1}]`;
    return top.path ? `${top.path}.${this.key}` : this.key;
  }

  private fail(): void {
    this.malformed = true;
  }
}

/** All at once, for callers that need not share the event loop. */
export function scanJsonShape(text: string): Issue[] {
  const scanner = new JsonShapeScanner(text);
  scanner.scan();
  return scanner.issues();
}
