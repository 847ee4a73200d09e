/**
 * Injected faults: rules matched against each request in the order they were added; the
 * first live match applies and uses up one of its `times`.
 */
import { failureStatus, reasonFor, type Status } from './status.js';
import type { FaultRule } from './types.js';

interface LiveRule {
  rule: FaultRule;
  remaining: number;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string'
    ? path.includes(rule.path)
    : new RegExp(rule.path.source, rule.path.flags.replace(/[gy]/g, '')).test(path);
}

export class FaultBook {
  private rules: LiveRule[] = [];

  add(rule: FaultRule): void {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new Error(`fake-kube: fault times must be a positive integer, got ${rule.times}`);
    }
    if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599)) {
      throw new Error(`fake-kube: fault status must be an HTTP status code, got ${rule.status}`);
    }
    if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) {
      throw new Error(`fake-kube: fault delayMs must be a non-negative number, got ${rule.delayMs}`);
    }
    this.rules.push({ rule: { ...rule }, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule that applies to this request, if any (using up one of its times). */
  take(method: string, path: string): FaultRule | undefined {
    const live = this.rules.find((candidate) => candidate.remaining > 0 && matches(candidate.rule, method, path));
    if (!live) return undefined;
    live.remaining -= 1;
    return live.rule;
  }
}

/** Whether the rule answers with an error (rather than only delaying a normal answer). */
export function failsRequest(rule: FaultRule): boolean {
  return rule.status !== undefined || rule.delayMs === undefined;
}

export function faultStatus(rule: FaultRule): Status {
  const code = rule.status ?? 500;
  const reason = rule.reason ?? reasonFor(code);
  const message = rule.message ?? `injected fault: ${reason || code}`;
  return failureStatus(code, message, reason, code === 429 ? { retryAfterSeconds: 1 } : undefined);
}
