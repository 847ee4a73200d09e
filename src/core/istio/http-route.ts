/** HTTP route rules of Istio's webhook (`validateHTTPRoute`). */
import { durationError, isDns1123Label, portError } from './checks.js';
import { checkLabelMap } from './common.js';
import { entries, type Issues, isSet, list, type Path } from './issues.js';
import type { HTTPMatchRequest, HTTPRoute, Percent, StringMatch } from './objects.js';
import { checkDestination, checkGatewayNames, checkRouteDestinations, type RouteOptions } from './routes.js';
import { checkRetries } from './retries.js';

export function checkHttpRoute(issues: Issues, path: Path, route: HTTPRoute, options: RouteOptions): void {
  checkActions(issues, path, route);
  list(route.match).forEach((match, i) => checkMatch(issues, [...path, 'match', i], match));
  checkRouteDestinations(issues, [...path, 'route'], route.route, options);
  if (isSet(route.mirror)) checkDestination(issues, [...path, 'mirror'], route.mirror);
  list(route.mirrors).forEach((mirror, i) => {
    checkDestination(issues, [...path, 'mirrors', i, 'destination'], mirror.destination);
    checkPercent(issues, [...path, 'mirrors', i, 'percentage'], mirror.percentage);
  });
  checkPercent(issues, [...path, 'mirrorPercentage'], route.mirrorPercentage);
  issues.check([...path, 'timeout'], durationError(route.timeout));
  checkRetries(issues, [...path, 'retries'], route.retries);
  checkFault(issues, [...path, 'fault'], route.fault);
  checkCors(issues, [...path, 'corsPolicy'], route.corsPolicy);
}

/** Exactly one action: route, redirect, directResponse or delegate; rewrite/fault only with route. */
function checkActions(issues: Issues, path: Path, route: HTTPRoute): void {
  const hasRoute = list(route.route).length > 0;
  const actions = [
    hasRoute && 'route',
    isSet(route.redirect) && 'redirect',
    isSet(route.directResponse) && 'directResponse',
  ];
  const set = actions.filter((action): action is string => typeof action === 'string');
  if (set.length === 0 && !isSet(route.delegate)) {
    issues.add(path, 'an HTTP route needs route, redirect or directResponse');
  }
  if (set.length > 1) issues.add(path, `an HTTP route cannot combine ${set.join(' and ')}`);
  if (!hasRoute && set.length > 0) {
    if (isSet(route.rewrite)) issues.add([...path, 'rewrite'], `cannot be combined with ${set[0]}`);
    if (route.redirect && isSet(route.fault)) issues.add([...path, 'fault'], 'cannot be combined with redirect');
  }
  checkActionFields(issues, path, route);
}

function checkActionFields(issues: Issues, path: Path, route: HTTPRoute): void {
  if (route.redirect) checkRedirect(issues, [...path, 'redirect'], route.redirect);
  const status = route.directResponse?.status;
  if (typeof status === 'number' && (status < 200 || status > 599)) {
    issues.add([...path, 'directResponse', 'status'], `status ${status} must be in 200..599`);
  }
  if (route.rewrite) checkRewrite(issues, [...path, 'rewrite'], route.rewrite);
}

function checkRedirect(issues: Issues, path: Path, redirect: NonNullable<HTTPRoute['redirect']>): void {
  const { uri, authority, scheme, port, derivePort, redirectCode } = redirect;
  if (![uri, authority, scheme, port, derivePort].some(isSet)) {
    issues.add(path, 'a redirect must set uri, authority, scheme or port');
  }
  if (typeof redirectCode === 'number' && (redirectCode < 300 || redirectCode > 399)) {
    issues.add([...path, 'redirectCode'], `${redirectCode} is not a 3xx redirect code`);
  }
}

function checkRewrite(issues: Issues, path: Path, rewrite: NonNullable<HTTPRoute['rewrite']>): void {
  const { uri, authority, uriRegexRewrite } = rewrite;
  if (![uri, authority, uriRegexRewrite].some(isSet)) {
    issues.add(path, 'a rewrite must set uri, authority or uriRegexRewrite');
  }
  if (isSet(uri) && isSet(uriRegexRewrite)) issues.add(path, 'set either uri or uriRegexRewrite, not both');
}

const stringMatchFields = ['uri', 'scheme', 'method', 'authority'] as const;
const stringMatchMaps = ['headers', 'queryParams', 'withoutHeaders'] as const;

function checkMatch(issues: Issues, path: Path, match: HTTPMatchRequest): void {
  for (const field of stringMatchFields) {
    if (isSet(match[field])) checkStringMatch(issues, [...path, field], match[field]);
  }
  for (const field of stringMatchMaps) {
    for (const [key, value] of entries(match[field])) {
      if (key === '') issues.add([...path, field], 'header and query names must not be empty');
      checkStringMatch(issues, [...path, field, key], value, field === 'withoutHeaders' || field === 'headers');
    }
  }
  if (isSet(match.port)) issues.check([...path, 'port'], portError(match.port));
  checkLabelMap(issues, [...path, 'sourceLabels'], match.sourceLabels);
  checkGatewayNames(issues, [...path, 'gateways'], match.gateways);
  if (match.sourceNamespace && !isDns1123Label(match.sourceNamespace)) {
    issues.add([...path, 'sourceNamespace'], `"${match.sourceNamespace}" is not a namespace name`);
  }
}

/** Exactly one of exact, prefix, regex; a regex is RE2 (no look-around or back-references), ≤ 1024 characters. */
export function checkStringMatch(
  issues: Issues,
  path: Path,
  match: StringMatch | undefined,
  emptyAllowed = false,
): void {
  if (!match || typeof match !== 'object') return;
  const set = (['exact', 'prefix', 'regex'] as const).filter((key) => isSet(match[key]));
  if (set.length > 1) issues.add(path, `set exactly one of exact, prefix or regex (found ${set.join(', ')})`);
  if (set.length === 0 && !emptyAllowed) issues.add(path, 'set exactly one of exact, prefix or regex');
  if (typeof match.regex === 'string') issues.check([...path, 'regex'], regexError(match.regex));
}

function regexError(regex: string): string | undefined {
  if (regex.length > 1024) return `regex is ${regex.length} characters; at most 1024`;
  if (/\(\?<?[=!]|\\[1-9]/.test(regex)) return 'RE2 supports no look-around or back-references';
  try {
    new RegExp(regex.replace(/\(\?P</g, '(?<'));
  } catch {
    return `"${regex}" is not a valid regular expression`;
  }
  return undefined;
}

export function checkPercent(issues: Issues, path: Path, percent: Percent | undefined): void {
  const value = percent?.value;
  if (typeof value === 'number' && (value < 0 || value > 100 || (value > 0 && value < 0.0001))) {
    issues.add([...path, 'value'], `percentage ${value} must be 0 or in [0.0001, 100]`);
  }
}

function checkFault(issues: Issues, path: Path, fault: HTTPRoute['fault']): void {
  if (!fault) return;
  if (!isSet(fault.abort) && !isSet(fault.delay)) issues.add(path, 'a fault needs an abort or a delay');
  const abort = fault.abort;
  if (abort) {
    if (isSet(abort.http2Error)) issues.add([...path, 'abort', 'http2Error'], 'HTTP/2 abort faults are not supported');
    const status = abort.httpStatus;
    if (typeof status === 'number' && (status < 200 || status > 599)) {
      issues.add([...path, 'abort', 'httpStatus'], `status ${status} must be in 200..599`);
    }
    checkPercent(issues, [...path, 'abort', 'percentage'], abort.percentage);
  }
  const delay = fault.delay;
  if (delay) {
    if (isSet(delay.exponentialDelay))
      issues.add([...path, 'delay', 'exponentialDelay'], 'exponentialDelay is not supported');
    issues.check([...path, 'delay', 'fixedDelay'], durationError(delay.fixedDelay));
    checkPercent(issues, [...path, 'delay', 'percentage'], delay.percentage);
  }
}

const httpMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

function checkCors(issues: Issues, path: Path, cors: HTTPRoute['corsPolicy']): void {
  if (!cors) return;
  list(cors.allowOrigins).forEach((origin, i) => checkStringMatch(issues, [...path, 'allowOrigins', i], origin));
  list(cors.allowMethods).forEach((method, i) => {
    if (!httpMethods.has(method)) issues.add([...path, 'allowMethods', i], `"${method}" is not an HTTP method`);
  });
  issues.check([...path, 'maxAge'], durationError(cors.maxAge));
}
