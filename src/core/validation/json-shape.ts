/**
 * The size limits of limits.ts, measured on a body's JSON before `JSON.parse` builds a single
 * object: parsing a 4 MB body of 400,000 keys takes the event loop for over a second, scanning it
 * takes a few milliseconds and can stop anywhere to let other requests run. The scanner only
 * counts; it leaves telling good JSON from bad to `JSON.parse`, and gives up (no issues) at the
 * first character that JSON does not allow there.
 *
 * It reads UTF-8 bytes, fed in chunks as they arrive (`JsonByteScanner`), so that the server can
 * refuse a body before it has joined or decoded it; a text is scanned as its UTF-8 bytes
 * (`JsonShapeScanner`, `scanJsonShape`). JSON's structure is ASCII and every byte of a multibyte
 * character is 0x80 or above, so structure is the same on bytes as on text. A text's length is
 * what it will be once decoded, in UTF-16 units as `String#length` and `sizeIssues` count it
 * (utf8-units.ts: a character above U+FFFF counts 2, a `\u` escape of four hex digits 1), so the byte scanner
 * finds the same issues as the text scanner finds in the decoded text, however the bytes are cut.
 */
import type { Issue } from '../errors.js';
import { LIMITS } from './limits.js';
import { Utf8Units } from './utf8-units.js';

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
/** Characters of a key that a path names. */
const KEY_IN_PATH = 64;
const NO_BYTES: Uint8Array = new Uint8Array(0);
// A byte-order mark is a character of the key like any other (the default decoder drops a leading one).
const utf8Text = new TextDecoder('utf-8', { ignoreBOM: true });

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isDelimiter(code: number): boolean {
  return isSpace(code) || code === 0x2c || code === 0x5d || code === 0x7d;
}

/** The text of a key's bytes; short ASCII keys (nearly all) without a trip through the decoder. */
function keyText(bytes: Uint8Array, ascii: boolean): string {
  if (ascii && bytes.length <= 64) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return utf8Text.decode(bytes);
}

function joined(parts: Uint8Array[], last: Uint8Array): Uint8Array {
  if (parts.length === 0) return last;
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, last.length));
  let offset = 0;
  for (const part of [...parts, last]) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * Feed it a body's bytes in chunks (`feed`), then `end()`, then read `issues()`. It keeps no
 * chunk: only the bytes of a key that a chunk cut in two, copied, until the key ends.
 */
export class JsonByteScanner {
  private expect: Expect = 'value';
  private readonly stack: Container[] = [];
  private values = 0;
  private readonly keyNames = new Set<string>();
  private readonly found = new Map<string, Issue>();
  private malformed = false;
  // The chunk being read, and where in it.
  private bytes = NO_BYTES;
  private position = 0;
  // The string being read.
  private stringStart = 0;
  private stringLength = 0;
  private escaped = false;
  private isKey = false;
  private key = '';
  /** Whether the key being read is all ASCII so far. */
  private asciiKey = true;
  /** The key's bytes in the chunks before this one. */
  private keyParts: Uint8Array[] = [];
  private readonly utf8 = new Utf8Units();

  /** Done at text that is not JSON, or at the first problem: the rest would only cost time. */
  get done(): boolean {
    return this.malformed || this.found.size > 0;
  }

  /** Scans the chunk; the scanner keeps no reference to it. */
  feed(chunk: Uint8Array): void {
    this.bytes = chunk;
    this.position = 0;
    while (this.position < chunk.length && !this.done) {
      if (this.expect === 'string') this.readString();
      else this.step(chunk[this.position++]!);
    }
    if (this.expect === 'string' && this.isKey && !this.done) {
      this.keyParts.push(chunk.slice(this.stringStart, this.position));
      this.stringStart = 0;
    }
    this.bytes = NO_BYTES;
  }

  /** The body has ended: a UTF-8 sequence cut short at its end is a character (U+FFFD) of the text. */
  end(): void {
    if (this.expect !== 'string' || this.done || !this.utf8.pending) return;
    this.stringLength += this.utf8.flush();
    if (this.stringLength > LIMITS.stringLength) this.tooLong();
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
    this.asciiKey = true;
  }

  /**
   * Reads on to the closing quote or the chunk's end; a string's length is the characters it
   * decodes to, an escape counting one. Checked after every character, as the text is read.
   */
  private readString(): void {
    const bytes = this.bytes;
    const stop = bytes.length;
    let position = this.position;
    let length = this.stringLength;
    while (position < stop) {
      const code = bytes[position++]!;
      if (code >= 0x80) {
        // The first byte of a character ends an escape as the character would.
        this.escaped = false;
        this.asciiKey = false;
        length += this.utf8.byte(code);
      } else {
        if (this.utf8.pending) length += this.utf8.flush();
        if (length > LIMITS.stringLength) break;
        if (this.escaped) {
          this.escaped = false;
          if (code === 0x75) length -= 4; // the six characters of a \u escape (four hex digits) count as one
        } else if (code === BACKSLASH) {
          this.escaped = true;
          continue;
        } else if (code === QUOTE) {
          this.position = position;
          this.stringLength = length;
          return this.endString();
        }
        length += 1;
      }
      if (length > LIMITS.stringLength) break;
    }
    this.position = position;
    this.stringLength = length;
    if (length > LIMITS.stringLength) this.tooLong();
  }

  /** The key's bytes so far, up to `end` in this chunk. */
  private keyBytes(end: number): Uint8Array {
    const bytes = joined(this.keyParts, this.bytes.subarray(this.stringStart, end));
    this.keyParts = [];
    return bytes;
  }

  private tooLong(): void {
    const path = this.isKey
      ? this.childPathOfKey(keyText(this.keyBytes(this.position), false).slice(0, KEY_IN_PATH))
      : this.lastPath();
    this.report('string', { path, message: `is a text longer than ${LIMITS.stringLength} characters` });
  }

  private endString(): void {
    if (!this.isKey) {
      this.expect = this.stack.length === 0 ? 'end' : 'next';
      return;
    }
    const raw = keyText(this.keyBytes(this.position - 1), this.asciiKey);
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
    return top?.path ? `${top.path}.${raw}` : raw;
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

const utf8Bytes = new TextEncoder();

/**
 * A text, scanned as its UTF-8 bytes up to `scan(end)` and then read `issues()`: for callers that
 * hold the whole text (a multipart field, the offline API's documents, the CLI).
 */
export class JsonShapeScanner {
  private position = 0;
  private readonly bytes = new JsonByteScanner();

  constructor(private readonly text: string) {}

  /** Done at the end, at text that is not JSON, or at the first problem. */
  get done(): boolean {
    return this.bytes.done || this.position >= this.text.length;
  }

  /** Scans up to `end` (exclusive), or to the end of the text. */
  scan(end = this.text.length): void {
    const text = this.text;
    let stop = Math.min(end, text.length);
    // A surrogate pair stays whole, or each half would be encoded as a U+FFFD of its own.
    const high = text.charCodeAt(stop - 1);
    if (stop < text.length && high >= 0xd800 && high <= 0xdbff) stop -= 1;
    if (stop <= this.position || this.bytes.done) return;
    this.bytes.feed(utf8Bytes.encode(text.slice(this.position, stop)));
    this.position = stop;
    if (stop === text.length) this.bytes.end();
  }

  /** The first problem, named by its path; none when the text is not JSON (the parser says why). */
  issues(): Issue[] {
    return this.bytes.issues();
  }
}

/** All at once, for callers that need not share the event loop. */
export function scanJsonShape(text: string): Issue[] {
  const scanner = new JsonShapeScanner(text);
  scanner.scan();
  return scanner.issues();
}
