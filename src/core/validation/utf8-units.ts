/**
 * How long the text that UTF-8 bytes decode to is, in UTF-16 units (JavaScript's `length`), counted
 * byte by byte without decoding: a body's texts are measured on its bytes as they arrive, and the
 * limits count what `JSON.parse` will make of them. A code point above U+FFFF counts 2, as it does
 * in a JS string; bytes that are not UTF-8 count as the U+FFFD each stands for when decoded. The
 * rules are the WHATWG decoder's (which `TextDecoder` and `Buffer#toString` follow), so the count
 * is exact even for a client that sends broken UTF-8 on purpose.
 */
export class Utf8Units {
  /** Continuation bytes the sequence being read still needs; 0 between code points. */
  private needed = 0;
  /** What the sequence being read decodes to: 2 units above U+FFFF, else 1. */
  private units = 1;
  // The range the next continuation byte must be in (narrower after E0, ED, F0, F4).
  private lower = 0x80;
  private upper = 0xbf;

  /** A sequence was cut short: the next ASCII byte (or the end) makes it one U+FFFD. */
  get pending(): boolean {
    return this.needed > 0;
  }

  /** Units the text gains with this byte, which must be 0x80 or above. */
  byte(code: number): number {
    if (this.needed === 0) return this.lead(code);
    if (code < this.lower || code > this.upper) return this.flush() + this.lead(code);
    this.lower = 0x80;
    this.upper = 0xbf;
    return --this.needed > 0 ? 0 : this.units;
  }

  /** Units of a sequence cut short (by an ASCII byte, a wrong byte or the end): one U+FFFD, if any. */
  flush(): number {
    if (this.needed === 0) return 0;
    this.needed = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
    return 1;
  }

  private lead(code: number): number {
    if (code >= 0xc2 && code <= 0xdf) this.needed = 1;
    else if (code >= 0xe0 && code <= 0xef) {
      this.needed = 2;
      if (code === 0xe0) this.lower = 0xa0;
      if (code === 0xed) this.upper = 0x9f;
    } else if (code >= 0xf0 && code <= 0xf4) {
      this.needed = 3;
      if (code === 0xf0) this.lower = 0x90;
      if (code === 0xf4) this.upper = 0x8f;
    } else return 1;
    this.units = this.needed === 3 ? 2 : 1;
    return 0;
  }
}
