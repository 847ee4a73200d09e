/**
 * IPv4 arithmetic for the address ledger: dotted quads to 32-bit unsigned integers
 * and back, so the lowest free address is a number comparison rather than a string one.
 */
import type { AddressRange } from '../../service/address-ledger.js';

/** An inclusive range as integers. */
export interface Ipv4Bounds {
  first: number;
  last: number;
}

// Four decimal octets, no leading zeros (`010` reads as octal to some tools).
const dottedQuad = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** The address as an unsigned 32-bit integer, or undefined when it is not a dotted quad. */
export function parseIpv4(address: string): number | undefined {
  const match = dottedQuad.exec(address);
  if (match === null) return undefined;
  let value = 0;
  for (const octet of match.slice(1)) {
    const number = Number(octet);
    if (number > 255) return undefined;
    value = value * 256 + number;
  }
  return value;
}

export function formatIpv4(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${value} is not an IPv4 address`);
  }
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Checks a range: both ends IPv4 dotted quads, `first` not after `last`. Throws `RangeError` otherwise. */
export function parseIpv4Range(range: AddressRange): Ipv4Bounds {
  const first = parseIpv4(range.first);
  const last = parseIpv4(range.last);
  if (first === undefined || last === undefined) {
    const bad = first === undefined ? range.first : range.last;
    throw new RangeError(`the address range ${describeRange(range)} is not valid: "${bad}" is not an IPv4 address`);
  }
  if (first > last) {
    throw new RangeError(`the address range ${describeRange(range)} is not valid: its first address is after its last`);
  }
  return { first, last };
}

export function describeRange(range: AddressRange): string {
  return `${range.first}–${range.last}`;
}
