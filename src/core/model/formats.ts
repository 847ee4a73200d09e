/** Small format checks shared by the kinds' semantic rules. */
import { isIP } from 'node:net';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && dnsLabel.test(value);
}

export function isHostname(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => label.length > 0 && isDnsLabel(label.toLowerCase()));
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

export function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const size = Number(bits);
  return /^\d+$/.test(bits) && size <= (family === 4 ? 32 : 128);
}

export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const durationUnits: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};

/** Milliseconds in a Go duration string such as `1h30m` or `1.5s`; undefined when it is not one. */
export function durationMillis(value: string): number | undefined {
  const parts = [...value.matchAll(/([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) return undefined;
  return parts.reduce((total, part) => total + Number(part[1]) * (durationUnits[part[2] as string] as number), 0);
}

/** Istio's webhook wants durations of at least 1ms, in whole milliseconds. */
export function meshDurationProblem(value: string): string | undefined {
  const millis = durationMillis(value);
  if (millis === undefined) return 'must be a duration such as 5m, 30s or 1.5s';
  if (millis < 1) return 'must be at least 1ms';
  if (!Number.isInteger(Math.round(millis * 1e6) / 1e6)) return 'must be a whole number of milliseconds';
  return undefined;
}
